// NetworkPolicy evaluation: the public surface. The pieces live in network-policy/.
// The evaluate* functions take a PolicyIndex or a plain array; an array is compiled on every call, so
// build the index once (buildPolicyIndex) when evaluating more than one connection.
export type {
  ConnectionVerdict,
  Direction,
  DirectionVerdict,
  Endpoint,
  NearMiss,
  NearMissCode,
  PolicyRef,
  RuleRef,
  TrafficPort,
} from './network-policy/types.js'
export {NAMESPACE_NAME_LABEL, ipEndpoint, namespaceLabels, podEndpoint, podIp} from './network-policy/endpoints.js'
export {
  PolicyIndex,
  buildPolicyIndex,
  compilePolicy,
  effectivePolicyTypes,
  type CompiledPolicy,
} from './network-policy/policy-index.js'
export {evaluateConnection, evaluateEgress, evaluateIngress} from './network-policy/evaluate.js'
