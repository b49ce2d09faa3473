// Pieces the Kubernetes-style adapters share: strict label selectors (fail closed), CIDR lists and the
// peer kinds of AdminNetworkPolicy / ClusterNetworkPolicy (namespaces, pods, nodes, networks).
import type {LabelSelector} from '../../../cluster/types.js'
import {ipInCidr, parseCidr, type ParsedCidr} from '../../cidr.js'
import {compileSelector, selectorProblems, type LabelMatcher} from '../../labels.js'
import type {ResolvedEndpoint} from '../../network-policy/endpoints.js'
import {NO, PolicyInputError, unknownMatch, YES, type Match, type PolicyObjectRef} from '../model.js'

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61}[A-Za-z0-9]|[A-Za-z0-9])$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** Why a label key is invalid (prefix/name, per apimachinery IsQualifiedName), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/')
  if (parts.length > 2) return `label key ${JSON.stringify(key)} has more than one "/"`
  const name = parts[parts.length - 1]!
  if (!LABEL_NAME.test(name)) return `label key ${JSON.stringify(key)} is not a valid label name`
  if (parts.length === 2 && !DNS_SUBDOMAIN.test(parts[0]!)) return `label key ${JSON.stringify(key)} has an invalid prefix`
  return undefined
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `label value ${JSON.stringify(value)} is not a string`
  if (value.length > 63 || !LABEL_VALUE.test(value)) return `label value ${JSON.stringify(value)} is not a valid label value`
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A LabelSelector the API server would accept, compiled; anything else is a PolicyInputError naming the field. */
export function strictSelector(value: unknown, ref: PolicyObjectRef, field: string): LabelMatcher {
  if (!isObject(value)) throw new PolicyInputError(ref, field, `must be a label selector object, got ${JSON.stringify(value)}`)
  const selector = value as LabelSelector
  if (selector.matchLabels !== undefined && !isObject(selector.matchLabels)) throw new PolicyInputError(ref, `${field}.matchLabels`, 'must be an object')
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const problem = labelKeyProblem(k) ?? labelValueProblem(v)
    if (problem) throw new PolicyInputError(ref, `${field}.matchLabels`, problem)
  }
  if (selector.matchExpressions !== undefined && !Array.isArray(selector.matchExpressions)) throw new PolicyInputError(ref, `${field}.matchExpressions`, 'must be a list')
  ;(selector.matchExpressions ?? []).forEach((e, i) => {
    const where = `${field}.matchExpressions[${i}]`
    if (!isObject(e) || typeof e.key !== 'string') throw new PolicyInputError(ref, where, 'needs a key')
    const problem = labelKeyProblem(e.key) ?? (e.values ?? []).map(labelValueProblem).find(Boolean)
    if (problem) throw new PolicyInputError(ref, where, problem)
  })
  const problems = selectorProblems(selector)
  if (problems.length > 0) throw new PolicyInputError(ref, field, problems[0]!)
  return compileSelector(selector)
}

export function strictCidrs(values: unknown, ref: PolicyObjectRef, field: string): ParsedCidr[] {
  if (!Array.isArray(values)) throw new PolicyInputError(ref, field, 'must be a list of CIDRs')
  return values.map((text, i) => {
    const cidr = typeof text === 'string' ? parseCidr(text) : undefined
    if (!cidr) throw new PolicyInputError(ref, `${field}[${i}]`, `invalid CIDR ${JSON.stringify(text)}`)
    return cidr
  })
}

export function listField(value: unknown, ref: PolicyObjectRef, field: string): unknown[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new PolicyInputError(ref, field, 'must be a list')
  return value
}

export function objectField(value: unknown, ref: PolicyObjectRef, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new PolicyInputError(ref, field, `must be an object, got ${JSON.stringify(value)}`)
  return value
}

/** A pod in matching namespaces (namespaceSelector AND podSelector), both required as in NamespacedPod. */
export interface NamespacedPodMatcher {
  namespaces: LabelMatcher
  pods: LabelMatcher
}

export function namespacedPod(value: unknown, ref: PolicyObjectRef, field: string): NamespacedPodMatcher {
  const o = objectField(value, ref, field)
  return {namespaces: strictSelector(o.namespaceSelector, ref, `${field}.namespaceSelector`), pods: strictSelector(o.podSelector, ref, `${field}.podSelector`)}
}

/** A subject or peer of ANP/BANP/CNP: exactly one of namespaces / pods (subjects), or nodes / networks too (egress peers). */
export type KubePeer =
  | {kind: 'namespaces'; matches: LabelMatcher}
  | {kind: 'pods'; matches: NamespacedPodMatcher}
  | {kind: 'nodes'; matches: LabelMatcher}
  | {kind: 'networks'; cidrs: ParsedCidr[]}
  | {kind: 'domainNames'; names: string[]}

export function kubePeer(value: unknown, ref: PolicyObjectRef, field: string, allowed: readonly KubePeer['kind'][]): KubePeer {
  const o = objectField(value, ref, field)
  const present = (['namespaces', 'pods', 'nodes', 'networks', 'domainNames'] as const).filter((k) => o[k] !== undefined && o[k] !== null)
  if (present.length !== 1) throw new PolicyInputError(ref, field, `must set exactly one of ${allowed.join(', ')}${present.length ? ` (sets ${present.join(', ')})` : ''}`)
  const kind = present[0]!
  if (!allowed.includes(kind)) throw new PolicyInputError(ref, `${field}.${kind}`, `is not a valid peer here (allowed: ${allowed.join(', ')})`)
  switch (kind) {
    case 'namespaces':
      return {kind, matches: strictSelector(o.namespaces, ref, `${field}.namespaces`)}
    case 'pods':
      return {kind, matches: namespacedPod(o.pods, ref, `${field}.pods`)}
    case 'nodes':
      return {kind, matches: strictSelector(o.nodes, ref, `${field}.nodes`)}
    case 'networks':
      return {kind, cidrs: strictCidrs(o.networks, ref, `${field}.networks`)}
    case 'domainNames':
      return {kind, names: listField(o.domainNames, ref, `${field}.domainNames`).map(String)}
  }
}

/** Subjects select pods only (never host-network addresses without a pod). */
export function subjectMatches(peer: KubePeer, endpoint: ResolvedEndpoint): Match {
  if (!endpoint.pod) return NO
  return peerMatches(peer, endpoint)
}

export function peerMatches(peer: KubePeer, endpoint: ResolvedEndpoint): Match {
  switch (peer.kind) {
    case 'namespaces':
      return endpoint.pod && peer.matches(endpoint.namespaceLabels) ? YES : NO
    case 'pods':
      return endpoint.pod && peer.matches.namespaces(endpoint.namespaceLabels) && peer.matches.pods(endpoint.podLabels) ? YES : NO
    case 'nodes':
      // A node peer matches the node's own addresses: a hostNetwork pod's address is its node's.
      if (endpoint.node) return peer.matches(endpoint.node.labels) ? YES : NO
      if (endpoint.pod && !endpoint.hostNetwork) return NO
      return unknownMatch(`a nodes peer needs the labels of the node behind ${endpoint.display}`)
    case 'networks':
      // Networks match every address, pods' included (network-policy-api: "cluster-internal traffic will be checked against the rule as well").
      if (!endpoint.ip) return unknownMatch(`a networks peer needs the address of ${endpoint.display}`)
      return peer.cidrs.some((c) => ipInCidr(endpoint.ip!, c)) ? YES : NO
    case 'domainNames':
      return unknownMatch(`domainNames ${peer.names.join(', ')} depend on DNS answers at run time`)
  }
}

/** Any of the peers matches: yes if one does, unknown if none does but one cannot be told, else no. */
export function anyMatch(results: Iterable<Match>): Match {
  let unknown: Match | undefined
  for (const r of results) {
    if (r.result === 'yes') return r
    if (r.result === 'unknown') unknown ??= r
  }
  return unknown ?? NO
}

/** Both parts must match: no wins over unknown, unknown over yes. */
export function allMatch(results: Match[]): Match {
  if (results.some((r) => r.result === 'no')) return NO
  return results.find((r) => r.result === 'unknown') ?? YES
}
