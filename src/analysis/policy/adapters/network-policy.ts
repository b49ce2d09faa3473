// networking.k8s.io/v1 NetworkPolicy as a normalized policy: for enforcers that place it among their own
// policies (Calico: default tier, order 1000). The Kubernetes precedence uses the NetworkPolicy evaluator itself.
import {ruleAllows} from '../../network-policy/evaluate.js'
import type {CompiledPolicy} from '../../network-policy/policy-index.js'
import type {NetworkPolicy} from '../../../cluster/types.js'
import {listField, objectField, strictSelector} from './common.js'
import {NO, PolicyInputError, YES, type NormalizedPolicy, type NormalizedRule, type PolicyObjectRef} from '../model.js'
import type {Direction} from '../../network-policy/types.js'

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1'

export function networkPolicyRef(policy: {namespace: string; name: string}): PolicyObjectRef {
  return {kind: 'NetworkPolicy', apiVersion: NETWORK_POLICY_API_VERSION, namespace: policy.namespace, name: policy.name}
}

function rules(policy: CompiledPolicy, direction: Direction): NormalizedRule[] {
  return policy.rules[direction].map((rule) => ({
    name: `${direction}[${rule.index}]`,
    action: 'Allow',
    matches: (ctx) => (ruleAllows(policy, rule, ctx.other, ctx.dst, ctx.traffic) ? YES : NO),
  }))
}

/** Calico: "Kubernetes network policies are placed in the default tier with order 1000". */
export function adaptNetworkPolicyForCalico(policy: CompiledPolicy): NormalizedPolicy {
  return {
    ref: networkPolicyRef(policy.ref),
    layer: 'calico',
    tier: 'default',
    priority: 1000,
    selects: (endpoint) => (endpoint.pod && endpoint.namespace === policy.ref.namespace && policy.podSelector.matches(endpoint.podLabels) ? YES : NO),
    isolates: policy.types,
    rules: {ingress: policy.types.ingress ? rules(policy, 'ingress') : [], egress: policy.types.egress ? rules(policy, 'egress') : []},
  }
}

/** Every selector of a NetworkPolicy as the API server validates it (label keys and values, operators). */
export function validateNetworkPolicy(policy: NetworkPolicy): void {
  const ref = networkPolicyRef({namespace: policy.metadata?.namespace ?? 'default', name: policy.metadata?.name ?? ''})
  const spec = policy.spec as unknown
  if (spec !== undefined && (spec === null || typeof spec !== 'object' || Array.isArray(spec))) throw new PolicyInputError(ref, 'spec', 'must be an object')
  if (policy.spec?.podSelector) strictSelector(policy.spec.podSelector, ref, 'spec.podSelector')
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = listField(policy.spec?.[direction], ref, `spec.${direction}`) as Array<Record<string, unknown>>
    rules.forEach((rule, i) => {
      const key = direction === 'ingress' ? 'from' : 'to'
      const where = `spec.${direction}[${i}]`
      objectField(rule, ref, where)
      ;(listField(rule[key], ref, `${where}.${key}`) as Array<Record<string, unknown>>).forEach((peer, j) => {
        objectField(peer, ref, `${where}.${key}[${j}]`)
        if (peer.podSelector != null) strictSelector(peer.podSelector, ref, `${where}.${key}[${j}].podSelector`)
        if (peer.namespaceSelector != null) strictSelector(peer.namespaceSelector, ref, `${where}.${key}[${j}].namespaceSelector`)
      })
      listField(rule.ports, ref, `${where}.ports`)
    })
  }
  for (const [i, t] of (listField(policy.spec?.policyTypes, ref, 'spec.policyTypes') as unknown[]).entries()) {
    if (t !== 'Ingress' && t !== 'Egress') throw new PolicyInputError(ref, `spec.policyTypes[${i}]`, `must be Ingress or Egress, got ${JSON.stringify(t)}`)
  }
}
