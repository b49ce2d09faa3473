// Does a rule's peer (from/to entry) match the other side of the connection, and if not, how close is it?
//
// Peer semantics (networking/v1 NetworkPolicyPeer):
// - podSelector alone: matching pods in the POLICY's namespace;
// - namespaceSelector alone: every pod in matching namespaces;
// - both in ONE peer: matching pods in matching namespaces (AND); two peers are OR'd by the rule;
// - ipBlock: addresses in cidr minus except. Meant for cluster-external IPs; plugins differ on pod IPs.
// An absent selector is "not constrained by this dimension", unlike matchesSelector(null) which is nothing.
import {ipInCidr} from '../cidr.js'
import {selectorDifference} from '../label-difference.js'
import {formatLabelSelector, formatLabels, selectorRequirements} from '../labels.js'
import type {ResolvedEndpoint} from './endpoints.js'
import type {CompiledPeer, CompiledSelector} from './policy-index.js'
import type {NearMissCode} from './types.js'

export type Closeness = 'match' | 'close' | 'far'

export interface Finding {
  code: NearMissCode
  reason: string
}

export interface PeerResult {
  peerIndex: number
  closeness: Closeness
  findings: Finding[]
  note?: string
}

function sel(s: CompiledSelector): string {
  return formatLabelSelector(s.selector) || '{}'
}

function namespaceMiss(peer: CompiledSelector, target: ResolvedEndpoint): Finding {
  return {
    code: 'namespace-labels',
    reason: `namespaceSelector requires ${sel(peer)} but namespace ${target.namespace} has labels ${formatLabels(target.namespaceLabels)}`,
  }
}

function podMiss(peer: CompiledSelector, target: ResolvedEndpoint): Finding {
  return {
    code: 'pod-labels',
    reason: `podSelector requires ${sel(peer)} but pod ${target.display} has labels ${formatLabels(target.podLabels)}`,
  }
}

// A failed namespaceSelector is "close" when it is plainly about this namespace: it names the namespace
// as a value, or keys on a label the namespace has with another value.
function namespaceSelectorIsAbout(peer: CompiledSelector, target: ResolvedEndpoint): boolean {
  return selectorRequirements(peer.selector).some(
    (req) => req.values.includes(target.namespace ?? '') || Object.prototype.hasOwnProperty.call(target.namespaceLabels, req.key),
  )
}

function podSelectorIsNear(peer: CompiledSelector, target: ResolvedEndpoint): boolean {
  return selectorDifference(peer.selector, {name: target.display, labels: target.podLabels}).score > 0
}

function evaluateIpBlock(peer: CompiledPeer, target: ResolvedEndpoint): PeerResult {
  const block = peer.ipBlock!
  const base = {peerIndex: peer.index}
  if (!target.ip) {
    return {...base, closeness: 'far', findings: [{code: 'ip-unknown', reason: `ipBlock ${block.cidrText} needs an IP, and none is known for ${target.display}`}]}
  }
  if (!block.cidr || !ipInCidr(target.ip, block.cidr)) {
    return {...base, closeness: 'far', findings: [{code: 'ip-outside', reason: `${target.ipText} is outside ipBlock ${block.cidrText}`}]}
  }
  const excepted = block.except.find((e) => e.cidr && ipInCidr(target.ip!, e.cidr))
  if (excepted) {
    return {
      ...base,
      closeness: 'close',
      findings: [{code: 'ip-excepted', reason: `ipBlock ${block.cidrText} contains ${target.ipText} but its except ${excepted.text} removes it`}],
    }
  }
  // A hostNetwork pod's address is its node's, which is what ipBlock is for: no caveat then.
  const note = target.pod && !target.hostNetwork
    ? `ipBlock ${block.cidrText} matched pod IP ${target.ipText}; ipBlock is meant for cluster-external addresses and some network plugins (e.g. Cilium) do not apply it to pod IPs`
    : undefined
  return {...base, closeness: 'match', findings: [], ...(note ? {note} : {})}
}

/** Evaluates one peer against the other side of the connection; `policyNamespace` scopes podSelector-only peers. */
export function evaluatePeer(peer: CompiledPeer, policyNamespace: string, target: ResolvedEndpoint): PeerResult {
  const base = {peerIndex: peer.index}
  if (peer.invalid) return {...base, closeness: 'far', findings: [{code: 'invalid-peer', reason: `invalid peer: ${peer.invalid}`}]}
  if (peer.ipBlock) return evaluateIpBlock(peer, target)
  if (!target.pod) {
    return {
      ...base,
      closeness: 'far',
      findings: [{code: 'peer-not-pod', reason: `the peer selects pods, but ${target.display} is not a pod (only ipBlock peers match such addresses)`}],
    }
  }
  const pods = peer.podSelector
  const namespaces = peer.namespaceSelector
  const podOk = pods ? pods.matches(target.podLabels) : true

  if (!namespaces) {
    const sameNamespace = target.namespace === policyNamespace
    if (podOk && sameNamespace) return {...base, closeness: 'match', findings: []}
    if (podOk) {
      return {
        ...base,
        closeness: 'close',
        findings: [
          {
            code: 'peer-namespace',
            reason: `peer podSelector matches ${sel(pods!)} only in namespace ${policyNamespace}, the policy's own namespace, but ${target.display} is in ${target.namespace}; add a namespaceSelector`,
          },
        ],
      }
    }
    return {...base, closeness: sameNamespace && podSelectorIsNear(pods!, target) ? 'close' : 'far', findings: [podMiss(pods!, target)]}
  }

  const namespaceOk = namespaces.matches(target.namespaceLabels)
  if (namespaceOk && podOk) return {...base, closeness: 'match', findings: []}
  if (namespaceOk) return {...base, closeness: podSelectorIsNear(pods!, target) ? 'close' : 'far', findings: [podMiss(pods!, target)]}
  if (podOk) {
    // With a podSelector that matches, the namespaceSelector is the only thing in the way.
    const close = pods !== undefined || namespaceSelectorIsAbout(namespaces, target)
    return {...base, closeness: close ? 'close' : 'far', findings: [namespaceMiss(namespaces, target)]}
  }
  return {...base, closeness: 'far', findings: [namespaceMiss(namespaces, target), podMiss(pods!, target)]}
}

/**
 * Whether evaluatePeer would say 'match', without wording why not: what a verdict needs (the Calico adapter
 * asks it of every rule for every flow; the near misses are worded only where a result is explained).
 */
export function peerMatches(peer: CompiledPeer, policyNamespace: string, target: ResolvedEndpoint): boolean {
  if (peer.invalid) return false
  if (peer.ipBlock) {
    const block = peer.ipBlock
    return target.ip !== undefined && block.cidr !== undefined && ipInCidr(target.ip, block.cidr) && !block.except.some((e) => e.cidr && ipInCidr(target.ip!, e.cidr))
  }
  if (!target.pod) return false
  if (peer.podSelector && !peer.podSelector.matches(target.podLabels)) return false
  return peer.namespaceSelector ? peer.namespaceSelector.matches(target.namespaceLabels) : target.namespace === policyNamespace
}

const RANK: Record<Closeness, number> = {match: 0, close: 1, far: 2}

export function bestOf<T extends {closeness: Closeness}>(results: T[]): T | undefined {
  return results.reduce<T | undefined>((best, r) => (best === undefined || RANK[r.closeness] < RANK[best.closeness] ? r : best), undefined)
}
