// NetworkPolicy verdicts for one connection, per https://kubernetes.io/docs/concepts/services-networking/network-policies/
// - A pod is isolated for a direction when ANY policy in its namespace selects it with that policyType.
// - An isolated pod allows what ANY of those policies' rules allow (union); no rules = nothing allowed.
// - A connection needs the source's egress AND the destination's ingress to allow it.
import type {NetworkPolicy} from '../../cluster/types.js'
import {formatLabelSelector, formatLabels} from '../labels.js'
import {normalizeProtocol} from '../ports.js'
import {resolveEndpoint, type ResolvedEndpoint} from './endpoints.js'
import {bestOf, evaluatePeer, peerMatches, type Closeness, type PeerResult} from './peers.js'
import {asPolicyIndex, type CompiledPolicy, type CompiledRule, type PolicyIndex} from './policy-index.js'
import {evaluateRulePorts, rulePortsMatch, type PortsResult} from './rule-ports.js'
import type {ConnectionVerdict, Direction, DirectionVerdict, Endpoint, NearMiss, PolicyRef, RuleRef, TrafficPort} from './types.js'

type Policies = PolicyIndex | readonly NetworkPolicy[]

interface RuleResult {
  peers: Closeness
  peer?: PeerResult
  closePeers: PeerResult[]
  ports: PortsResult
}

export function evaluateRule(policy: CompiledPolicy, rule: CompiledRule, other: ResolvedEndpoint, dst: ResolvedEndpoint, traffic: TrafficPort): RuleResult {
  const ports = evaluateRulePorts(rule.ports, traffic, dst.pod, dst.display)
  if (rule.peers.length === 0) return {peers: 'match', closePeers: [], ports}
  const results = rule.peers.map((peer) => evaluatePeer(peer, policy.ref.namespace, other))
  const best = bestOf(results)!
  return {peers: best.closeness, peer: best, closePeers: results.filter((r) => r.closeness === 'close'), ports}
}

export function allows(result: RuleResult): boolean {
  return result.peers === 'match' && result.ports.closeness === 'match'
}

/** allows(evaluateRule(...)), without the closeness and near-miss words a bare verdict does not need. */
export function ruleAllows(policy: CompiledPolicy, rule: CompiledRule, other: ResolvedEndpoint, dst: ResolvedEndpoint, traffic: TrafficPort): boolean {
  if (!rulePortsMatch(rule.ports, traffic, dst.pod)) return false
  return rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(peer, policy.ref.namespace, other))
}

function ruleRef(policy: CompiledPolicy, direction: Direction, rule: CompiledRule, result: RuleResult): RuleRef {
  return {
    policy: policy.ref,
    direction,
    ruleIndex: rule.index,
    ...(result.peer ? {peerIndex: result.peer.peerIndex} : {}),
    ...(result.ports.portIndex !== undefined ? {portIndex: result.ports.portIndex} : {}),
  }
}

// A rule "looks meant for" the traffic when one side matches and the other is close, both are close, or
// the peer matches and only the port is off.
function ruleNearMisses(policy: CompiledPolicy, direction: Direction, rule: CompiledRule, result: RuleResult): NearMiss[] {
  const peer = result.peers
  const port = result.ports.closeness
  const meant = (peer === 'match' && port !== 'match') || (port === 'match' && peer === 'close') || (peer === 'close' && port === 'close')
  if (!meant) return []
  const base = {policy: policy.ref, direction, ruleIndex: rule.index}
  const peerMisses: NearMiss[] =
    peer === 'match'
      ? []
      : result.closePeers.flatMap((p) => p.findings.map((f) => ({...base, peerIndex: p.peerIndex, ...f})))
  const portMisses: NearMiss[] = port === 'match' ? [] : result.ports.findings.map((f) => ({...base, ...f}))
  return [...peerMisses, ...portMisses]
}

function directionWord(direction: Direction): string {
  return direction === 'ingress' ? 'Ingress' : 'Egress'
}

function policyName(ref: PolicyRef): string {
  return `NetworkPolicy ${ref.namespace}/${ref.name}`
}

function notSelectingMiss(policy: CompiledPolicy, direction: Direction, rule: CompiledRule, subject: ResolvedEndpoint): NearMiss {
  return {
    policy: policy.ref,
    direction,
    ruleIndex: rule.index,
    code: 'policy-does-not-select',
    reason: `${policyName(policy.ref)} has an ${direction} rule that allows this traffic, but its podSelector ${formatLabelSelector(policy.podSelector.selector) || '{}'} does not select ${subject.display} (labels ${formatLabels(subject.podLabels)})`,
  }
}

function typeMissingMiss(policy: CompiledPolicy, direction: Direction, rule: CompiledRule): NearMiss {
  const given = policy.policy.spec?.policyTypes ?? []
  return {
    policy: policy.ref,
    direction,
    ruleIndex: rule.index,
    code: 'policy-type-missing',
    reason: `${policyName(policy.ref)} has an ${direction} rule that allows this traffic, but its policyTypes [${given.join(', ')}] omit ${directionWord(direction)}, so the rule is ignored`,
  }
}

function directionNotes(direction: Direction, subject: ResolvedEndpoint, other: ResolvedEndpoint, dst: ResolvedEndpoint): string[] {
  const notes: string[] = []
  if (subject.hostNetwork) {
    notes.push(
      `${subject.display} uses hostNetwork: NetworkPolicy generally does not apply to host-network pods (plugins cannot tell their traffic from the node's), so this ${direction} verdict is likely not enforced`,
    )
  }
  if (other.hostNetwork) {
    notes.push(
      direction === 'ingress'
        ? `source ${other.display} uses hostNetwork: its traffic comes from the node's IP, which pod and namespace selectors generally do not match (traffic from the destination's own node is always allowed)`
        : `destination ${other.display} uses hostNetwork: its address is the node's IP, which pod and namespace selectors generally do not match; an ipBlock for the node addresses does`,
    )
  }
  if (dst.endpoint.serviceIp && direction === 'egress') {
    notes.push(
      `${dst.display} is a Service ClusterIP: policies see the traffic after the Service translates it, to a backend pod's IP and targetPort; evaluate against the backend pods`,
    )
  }
  return notes
}

export function evaluateResolved(index: PolicyIndex, direction: Direction, src: ResolvedEndpoint, dst: ResolvedEndpoint, traffic: TrafficPort): DirectionVerdict {
  const subject = direction === 'egress' ? src : dst
  const other = direction === 'egress' ? dst : src
  const verdict: DirectionVerdict = {
    direction,
    allowed: true,
    isolated: false,
    isolatingPolicies: [],
    allowedBy: [],
    nearMisses: [],
    hostNetwork: subject.hostNetwork,
    notes: directionNotes(direction, subject, other, dst),
  }
  // Only pods are selected by NetworkPolicies: an address outside the pod network is never isolated.
  if (!subject.pod) return verdict

  const policies = index.policiesIn(subject.namespace)
  const selecting: CompiledPolicy[] = []
  const results = new Map<CompiledPolicy, RuleResult[]>()
  for (const policy of policies) {
    if (!policy.types[direction] || !policy.podSelector.matches(subject.podLabels)) continue
    selecting.push(policy)
    verdict.isolatingPolicies.push(policy.ref)
    const ruleResults = policy.rules[direction].map((rule) => evaluateRule(policy, rule, other, dst, traffic))
    results.set(policy, ruleResults)
    policy.rules[direction].forEach((rule, i) => {
      const result = ruleResults[i]!
      if (!allows(result)) return
      verdict.allowedBy.push(ruleRef(policy, direction, rule, result))
      if (result.peer?.note && !verdict.notes.includes(result.peer.note)) verdict.notes.push(result.peer.note)
    })
  }
  verdict.isolated = selecting.length > 0
  verdict.allowed = !verdict.isolated || verdict.allowedBy.length > 0
  if (verdict.allowed) return verdict

  for (const policy of selecting) {
    policy.rules[direction].forEach((rule, i) => verdict.nearMisses.push(...ruleNearMisses(policy, direction, rule, results.get(policy)![i]!)))
  }
  // Rules that would allow the traffic but are switched off: the policy does not select the pod, or its
  // policyTypes leave this direction out.
  for (const policy of policies) {
    const selects = policy.podSelector.matches(subject.podLabels)
    if (selects && policy.types[direction]) continue
    for (const rule of policy.rules[direction]) {
      if (!allows(evaluateRule(policy, rule, other, dst, traffic))) continue
      verdict.nearMisses.push(selects ? typeMissingMiss(policy, direction, rule) : notSelectingMiss(policy, direction, rule, subject))
    }
  }
  return verdict
}

/** Whether the source's egress policies let it send this traffic to the destination. */
export function evaluateEgress(policies: Policies, src: Endpoint, dst: Endpoint, port: TrafficPort): DirectionVerdict {
  return evaluateResolved(asPolicyIndex(policies), 'egress', resolveEndpoint(src), resolveEndpoint(dst), port)
}

/** Whether the destination's ingress policies let this traffic in from the source. */
export function evaluateIngress(policies: Policies, src: Endpoint, dst: Endpoint, port: TrafficPort): DirectionVerdict {
  return evaluateResolved(asPolicyIndex(policies), 'ingress', resolveEndpoint(src), resolveEndpoint(dst), port)
}

function uniqueRefs(refs: PolicyRef[]): PolicyRef[] {
  const seen = new Set<string>()
  return refs.filter((r) => {
    const key = `${r.namespace}/${r.name}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function namesOf(refs: PolicyRef[]): string {
  const names = refs.map((r) => `${r.namespace}/${r.name}`)
  return names.length === 1 ? `NetworkPolicy ${names[0]}` : `NetworkPolicies ${names.join(', ')}`
}

function deniedSentence(v: DirectionVerdict, src: ResolvedEndpoint, dst: ResolvedEndpoint, what: string): string {
  const subject = v.direction === 'egress' ? src : dst
  const words = v.direction === 'egress' ? `egress from ${src.display} to ${dst.display}` : `ingress to ${dst.display} from ${src.display}`
  return `${namesOf(v.isolatingPolicies)} ${v.isolatingPolicies.length === 1 ? 'isolates' : 'isolate'} ${subject.display} for ${v.direction} and no rule allows ${what} (${words})`
}

/** The same pod on both sides (by uid, else namespace and name). */
export function isSamePod(a: ResolvedEndpoint, b: ResolvedEndpoint): boolean {
  if (!a.pod || !b.pod) return false
  const au = a.pod.metadata?.uid
  const bu = b.pod.metadata?.uid
  if (au && bu) return au === bu
  return a.namespace === b.namespace && a.pod.metadata?.name === b.pod.metadata?.name
}

/** Egress of the source AND ingress of the destination, with the policies that decide the outcome. */
export function evaluateConnection(policies: Policies, src: Endpoint, dst: Endpoint, port: TrafficPort): ConnectionVerdict {
  const index = asPolicyIndex(policies)
  const s = resolveEndpoint(src)
  const d = resolveEndpoint(dst)
  if (isSamePod(s, d)) {
    // kubernetes.io/docs/concepts/services-networking/network-policies: a pod cannot block access to itself.
    const self = (direction: Direction): DirectionVerdict => ({...evaluateResolved(index, direction, s, d, port), allowed: true, allowedBy: [], nearMisses: []})
    const egress = self('egress')
    const ingress = self('ingress')
    return {allowed: true, egress, ingress, decidingPolicies: [], hostNetwork: egress.hostNetwork, notes: [], summary: `traffic from ${s.display} to itself is never blocked by NetworkPolicy`}
  }
  const egress = evaluateResolved(index, 'egress', s, d, port)
  const ingress = evaluateResolved(index, 'ingress', s, d, port)
  const allowed = egress.allowed && ingress.allowed
  const what = `${normalizeProtocol(port.protocol)} ${port.port}`
  const blockedBy = allowed ? undefined : !egress.allowed && !ingress.allowed ? 'both' : !egress.allowed ? 'egress' : 'ingress'
  const decidingPolicies = uniqueRefs(
    allowed
      ? [...egress.allowedBy, ...ingress.allowedBy].map((r) => r.policy)
      : [...(egress.allowed ? [] : egress.isolatingPolicies), ...(ingress.allowed ? [] : ingress.isolatingPolicies)],
  )
  let summary: string
  if (allowed) {
    summary =
      decidingPolicies.length === 0
        ? `no NetworkPolicy isolates ${s.display} (egress) or ${d.display} (ingress); ${what} is allowed`
        : `${namesOf(decidingPolicies)} ${decidingPolicies.length === 1 ? 'allows' : 'allow'} ${what} from ${s.display} to ${d.display}`
  } else {
    summary = [egress, ingress]
      .filter((v) => !v.allowed)
      .map((v) => deniedSentence(v, s, d, what))
      .join('; ')
  }
  return {
    allowed,
    egress,
    ingress,
    ...(blockedBy ? {blockedBy} : {}),
    decidingPolicies,
    hostNetwork: egress.hostNetwork || ingress.hostNetwork,
    notes: [...new Set([...egress.notes, ...ingress.notes])],
    summary,
  }
}
