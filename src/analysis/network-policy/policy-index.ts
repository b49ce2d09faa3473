// NetworkPolicies compiled once and grouped by namespace, so one connection only touches the policies of
// the two namespaces involved. Selectors are pre-parsed, CIDRs pre-parsed, policyTypes defaulted.
import type {LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort} from '../../cluster/types.js'
import {parseCidr, type ParsedCidr} from '../cidr.js'
import {compileSelector, selectorProblems, type LabelMatcher} from '../labels.js'
import {normalizeProtocol, parsePortValue} from '../ports.js'
import type {Direction, PolicyRef} from './types.js'

export interface CompiledSelector {
  selector: LabelSelector
  matches: LabelMatcher
}

export interface CompiledIpBlock {
  cidrText: string
  cidr?: ParsedCidr
  except: {text: string; cidr?: ParsedCidr}[]
}

export interface CompiledPeer {
  index: number
  /** The peer's podSelector, if present (absent is not the same as `{}`). */
  podSelector?: CompiledSelector
  namespaceSelector?: CompiledSelector
  ipBlock?: CompiledIpBlock
  /** Why the API server would reject this peer; such a peer matches nothing. */
  invalid?: string
}

export interface CompiledPort {
  index: number
  protocol: string
  /** protocol was omitted and means TCP: the classic DNS mistake. */
  protocolDefaulted: boolean
  /** Number, name, or undefined for every port of the protocol. */
  port?: number | string
  endPort?: number
}

export interface CompiledRule {
  index: number
  /** Empty: every peer (the rule had no from/to, or an empty list). */
  peers: CompiledPeer[]
  /** Empty: every port. */
  ports: CompiledPort[]
}

export interface CompiledPolicy {
  ref: PolicyRef
  policy: NetworkPolicy
  podSelector: CompiledSelector
  /** policyTypes as given, or defaulted: Ingress always, Egress when spec.egress has rules. */
  types: Record<Direction, boolean>
  typesInferred: boolean
  rules: Record<Direction, CompiledRule[]>
  /** Validation problems found while compiling (bad selectors, bad CIDRs, invalid peers). */
  problems: string[]
}

/** policyTypes the API server defaults when the field is omitted (SetDefaults_NetworkPolicy). */
export function effectivePolicyTypes(policy: NetworkPolicy): {types: Record<Direction, boolean>; inferred: boolean} {
  const given = policy.spec?.policyTypes ?? []
  if (given.length > 0) {
    return {types: {ingress: given.includes('Ingress'), egress: given.includes('Egress')}, inferred: false}
  }
  return {types: {ingress: true, egress: (policy.spec?.egress ?? []).length > 0}, inferred: true}
}

function compileSelectorChecked(selector: LabelSelector, where: string, problems: string[]): CompiledSelector {
  for (const p of selectorProblems(selector)) problems.push(`${where}: ${p}`)
  return {selector, matches: compileSelector(selector)}
}

function compilePeer(peer: NetworkPolicyPeer, index: number, where: string, problems: string[]): CompiledPeer {
  const compiled: CompiledPeer = {index}
  const hasSelector = peer.podSelector != null || peer.namespaceSelector != null
  if (peer.podSelector != null) compiled.podSelector = compileSelectorChecked(peer.podSelector, `${where}.podSelector`, problems)
  if (peer.namespaceSelector != null)
    compiled.namespaceSelector = compileSelectorChecked(peer.namespaceSelector, `${where}.namespaceSelector`, problems)
  if (peer.ipBlock != null) {
    const cidr = parseCidr(peer.ipBlock.cidr ?? '')
    if (!cidr) problems.push(`${where}.ipBlock: invalid cidr ${JSON.stringify(peer.ipBlock.cidr)}`)
    compiled.ipBlock = {
      cidrText: peer.ipBlock.cidr ?? '',
      ...(cidr ? {cidr} : {}),
      except: (peer.ipBlock.except ?? []).map((text) => {
        const parsed = parseCidr(text)
        if (!parsed) problems.push(`${where}.ipBlock: invalid except ${JSON.stringify(text)}`)
        return {text, ...(parsed ? {cidr: parsed} : {})}
      }),
    }
  }
  if (peer.ipBlock != null && hasSelector) compiled.invalid = 'ipBlock cannot be combined with podSelector or namespaceSelector'
  else if (peer.ipBlock == null && !hasSelector) compiled.invalid = 'the peer sets none of podSelector, namespaceSelector, ipBlock'
  if (compiled.invalid) problems.push(`${where}: ${compiled.invalid}`)
  return compiled
}

function compilePort(port: NetworkPolicyPort, index: number): CompiledPort {
  const value = parsePortValue(port.port)
  return {
    index,
    protocol: normalizeProtocol(port.protocol),
    protocolDefaulted: port.protocol === undefined || port.protocol === null || port.protocol === '',
    ...(value !== undefined ? {port: value} : {}),
    // endPort only applies to a numeric port (the API rejects it otherwise).
    ...(typeof value === 'number' && typeof port.endPort === 'number' ? {endPort: port.endPort} : {}),
  }
}

function compileRules(
  rules: {from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[]}[] | undefined,
  direction: Direction,
  problems: string[],
): CompiledRule[] {
  return (rules ?? []).map((rule, index) => {
    const peers = (direction === 'ingress' ? rule.from : rule.to) ?? []
    const field = direction === 'ingress' ? 'from' : 'to'
    return {
      index,
      peers: peers.map((peer, i) => compilePeer(peer, i, `${direction}[${index}].${field}[${i}]`, problems)),
      ports: (rule.ports ?? []).map(compilePort),
    }
  })
}

// A sweep builds a policy index for every namespace it judges (its policies and kube-system's) and several for
// all of them: each policy object is compiled once, and its compiled form (never changed after) shared.
const compiled = new WeakMap<NetworkPolicy, CompiledPolicy>()

export function compilePolicy(policy: NetworkPolicy): CompiledPolicy {
  let known = compiled.get(policy)
  if (!known) compiled.set(policy, (known = compileOnce(policy)))
  return known
}

function compileOnce(policy: NetworkPolicy): CompiledPolicy {
  const problems: string[] = []
  const {types, inferred} = effectivePolicyTypes(policy)
  const ref: PolicyRef = {
    kind: 'NetworkPolicy',
    namespace: policy.metadata?.namespace ?? 'default',
    name: policy.metadata?.name ?? '',
  }
  // spec.podSelector is a struct, not a pointer, in the Go API: absent means `{}`, every pod in the namespace.
  const podSelector = compileSelectorChecked(policy.spec?.podSelector ?? {}, 'podSelector', problems)
  return {
    ref,
    policy,
    podSelector,
    types,
    typesInferred: inferred,
    rules: {ingress: compileRules(policy.spec?.ingress, 'ingress', problems), egress: compileRules(policy.spec?.egress, 'egress', problems)},
    problems,
  }
}

export class PolicyIndex {
  private readonly byNamespace = new Map<string, CompiledPolicy[]>()
  readonly size: number

  constructor(policies: readonly NetworkPolicy[]) {
    for (const policy of policies) {
      const compiled = compilePolicy(policy)
      const list = this.byNamespace.get(compiled.ref.namespace)
      if (list) list.push(compiled)
      else this.byNamespace.set(compiled.ref.namespace, [compiled])
    }
    for (const list of this.byNamespace.values()) list.sort((a, b) => a.ref.name.localeCompare(b.ref.name))
    this.size = policies.length
  }

  /** The policies of one namespace (NetworkPolicy is namespaced and only selects pods in its namespace). */
  policiesIn(namespace: string | undefined): readonly CompiledPolicy[] {
    return namespace === undefined ? [] : (this.byNamespace.get(namespace) ?? [])
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()].sort()
  }

  /** Every compiled policy with problems, for a validation check. */
  problems(): {policy: PolicyRef; problems: string[]}[] {
    return [...this.byNamespace.values()].flat().filter((p) => p.problems.length > 0).map((p) => ({policy: p.ref, problems: p.problems}))
  }
}

export function buildPolicyIndex(policies: readonly NetworkPolicy[]): PolicyIndex {
  return new PolicyIndex(policies)
}

export function asPolicyIndex(policies: PolicyIndex | readonly NetworkPolicy[]): PolicyIndex {
  return policies instanceof PolicyIndex ? policies : new PolicyIndex(policies)
}
