// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2), L3/L4, as normalized policies.
// Semantics from docs.cilium.io/en/latest/security/policy/ (language, deny, kubernetes):
// - a policy with rules for a direction (allow or deny) puts the selected endpoints in default deny for it,
//   unless enableDefaultDeny says otherwise; an empty rule `{}` allows nothing;
// - CiliumNetworkPolicy selectors only see endpoints of the policy's namespace unless they name
//   io.kubernetes.pod.namespace; the clusterwide kind sees every namespace;
// - CIDR rules never select endpoints Cilium manages (pods): those are selected by labels;
// - L7 rules, toFQDNs, toServices and toGroups cannot be decided from objects alone: unknown, naming the rule.
import type {LabelSelector} from '../../../cluster/types.js'
import {ipInCidr, parseCidr, type ParsedCidr} from '../../cidr.js'
import type {Labels} from '../../labels.js'
import type {ResolvedEndpoint} from '../../network-policy/endpoints.js'
import type {Direction} from '../../network-policy/types.js'
import {NO, PolicyInputError, unknownMatch, YES, type Match, type NormalizedPolicy, type NormalizedRule, type PolicyObjectRef} from '../model.js'
import {allMatch, anyMatch, listField, objectField, strictSelector} from './common.js'
import {portsMatch, type PortMatcher} from './ports.js'

const NAMESPACE_KEY = 'io.kubernetes.pod.namespace'
const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.'
const SOURCES = /^(k8s|any|container|unspec):/
const ENTITIES = new Set(['all', 'world', 'world-ipv4', 'world-ipv6', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'init', 'health', 'unmanaged', 'ingress'])

interface CiliumObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string}
  spec?: unknown
  specs?: unknown
}

/** The labels Cilium gives a pod's endpoint (k8s source): its own, its namespace's, and the namespace name. */
export function ciliumEndpointLabels(endpoint: ResolvedEndpoint): Labels {
  const labels: Labels = {...endpoint.podLabels, [NAMESPACE_KEY]: endpoint.namespace ?? ''}
  for (const [k, v] of Object.entries(endpoint.namespaceLabels)) labels[`${NAMESPACE_LABELS_PREFIX}${k}`] = v
  const sa = endpoint.pod?.spec?.serviceAccountName
  if (sa) labels['io.cilium.k8s.policy.serviceaccount'] = sa
  return labels
}

function stripSource(key: string): string {
  return key.replace(SOURCES, '')
}

interface EndpointMatcher {
  matches(endpoint: ResolvedEndpoint): boolean
}

/** An endpoint selector; namespace: the CNP's own namespace, which scopes selectors that do not name one. */
function endpointSelector(value: unknown, ref: PolicyObjectRef, field: string, namespace: string | undefined): EndpointMatcher {
  const o = objectField(value, ref, field) as LabelSelector
  const stripped: LabelSelector = {
    ...(o.matchLabels ? {matchLabels: Object.fromEntries(Object.entries(objectField(o.matchLabels, ref, `${field}.matchLabels`)).map(([k, v]) => [stripSource(k), v as string]))} : {}),
    ...(o.matchExpressions ? {matchExpressions: listField(o.matchExpressions, ref, `${field}.matchExpressions`).map((e) => ({...(e as {key: string; operator: string; values?: string[]}), key: stripSource(String((e as {key?: unknown}).key ?? ''))}))} : {}),
  }
  const reserved = [...Object.keys(stripped.matchLabels ?? {}), ...(stripped.matchExpressions ?? []).map((e) => e.key)].find((k) => k.startsWith('reserved:'))
  if (reserved) return {matches: () => false}
  const matcher = strictSelector(stripped, ref, field)
  const namesNamespace = [...Object.keys(stripped.matchLabels ?? {}), ...(stripped.matchExpressions ?? []).map((e) => e.key)].includes(NAMESPACE_KEY)
  return {
    matches: (endpoint) => {
      if (!endpoint.pod) return false
      if (namespace !== undefined && !namesNamespace && endpoint.namespace !== namespace) return false
      return matcher(ciliumEndpointLabels(endpoint))
    },
  }
}

function entityMatches(entity: string, endpoint: ResolvedEndpoint): Match {
  if (entity === 'all') return YES
  if (endpoint.pod && !endpoint.hostNetwork) return entity === 'cluster' ? YES : NO
  return unknownMatch(`entity ${entity} depends on what ${endpoint.display} is to Cilium (host, remote node, world)`)
}

type CidrRule = {cidr: ParsedCidr; except: ParsedCidr[]} | {group: string}

function cidrRule(value: unknown, ref: PolicyObjectRef, field: string): CidrRule {
  const text = typeof value === 'string' ? value : (value as {cidr?: unknown})?.cidr
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined
  if (!cidr) {
    const group = value && typeof value === 'object' ? ((value as Record<string, unknown>).cidrGroupRef ?? (value as Record<string, unknown>).cidrGroupSelector) : undefined
    if (group) return {group: JSON.stringify(group)}
    throw new PolicyInputError(ref, field, `invalid CIDR ${JSON.stringify(text)}`)
  }
  const except = listField(typeof value === 'object' ? (value as {except?: unknown}).except : undefined, ref, `${field}.except`).map((e, i) => {
    const parsed = typeof e === 'string' ? parseCidr(e) : undefined
    if (!parsed) throw new PolicyInputError(ref, `${field}.except[${i}]`, `invalid CIDR ${JSON.stringify(e)}`)
    return parsed
  })
  return {cidr, except}
}

function cidrMatches(rule: CidrRule, endpoint: ResolvedEndpoint): Match {
  if ('group' in rule) return unknownMatch(`a CIDRSet with CIDR group ${rule.group} needs the CiliumCIDRGroup objects`)
  if (endpoint.pod && !endpoint.hostNetwork) return NO
  if (!endpoint.ip) return unknownMatch(`a CIDR rule needs the address of ${endpoint.display}`)
  return ipInCidr(endpoint.ip, rule.cidr) && !rule.except.some((e) => ipInCidr(endpoint.ip!, e)) ? YES : NO
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'ANY'])

function toPorts(value: unknown, ref: PolicyObjectRef, field: string, deny: boolean): {ports: PortMatcher[]; l7?: string} {
  const ports: PortMatcher[] = []
  let l7: string | undefined
  listField(value, ref, field).forEach((raw, i) => {
    const where = `${field}[${i}]`
    const entry = objectField(raw, ref, where)
    const rules = entry.rules as Record<string, unknown> | undefined
    if (rules && Object.values(rules).some((r) => Array.isArray(r) ? r.length > 0 : r)) {
      if (deny) throw new PolicyInputError(ref, `${where}.rules`, 'deny rules cannot carry L7 rules')
      l7 ??= `${where}.rules (${Object.keys(rules).join(', ')}) filters requests at L7`
    }
    if (entry.serverNames || entry.terminatingTLS || entry.originatingTLS) l7 ??= `${where} inspects TLS`
    const list = listField(entry.ports, ref, `${where}.ports`)
    if (list.length === 0) ports.push({kind: 'any'})
    list.forEach((p, j) => {
      const pw = `${where}.ports[${j}]`
      const port = objectField(p, ref, pw)
      const protocol = port.protocol === undefined ? 'ANY' : String(port.protocol)
      if (!PROTOCOLS.has(protocol)) throw new PolicyInputError(ref, `${pw}.protocol`, `must be TCP, UDP, SCTP or ANY, got ${JSON.stringify(port.protocol)}`)
      const proto = protocol === 'ANY' ? undefined : protocol
      const text = port.port === undefined ? '0' : String(port.port)
      if (/^\d+$/.test(text)) {
        const n = Number(text)
        if (n > 65535) throw new PolicyInputError(ref, `${pw}.port`, `port ${text} is out of range`)
        if (n === 0) ports.push({kind: 'any', ...(proto ? {protocol: proto} : {})})
        else {
          const end = port.endPort === undefined ? undefined : Number(port.endPort)
          if (end !== undefined && (!Number.isInteger(end) || end < n || end > 65535)) throw new PolicyInputError(ref, `${pw}.endPort`, `invalid endPort ${JSON.stringify(port.endPort)}`)
          ports.push({kind: 'number', ...(proto ? {protocol: proto} : {}), port: n, ...(end !== undefined ? {endPort: end} : {})})
        }
      } else if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text) && text.length <= 15) {
        ports.push({kind: 'named', name: text, ...(proto ? {protocol: proto} : {})})
      } else {
        throw new PolicyInputError(ref, `${pw}.port`, `invalid port ${JSON.stringify(port.port)}`)
      }
    })
  })
  return {ports, ...(l7 ? {l7} : {})}
}

const UNDECIDABLE: Record<Direction, string[]> = {ingress: ['fromGroups', 'fromRequires'], egress: ['toFQDNs', 'toServices', 'toGroups', 'toRequires']}

function ciliumRules(list: unknown, direction: Direction, deny: boolean, ref: PolicyObjectRef, base: string, namespace: string | undefined): NormalizedRule[] {
  const p = direction === 'ingress' ? 'from' : 'to'
  return listField(list, ref, base).map((raw, index) => {
    const where = `${base}[${index}]`
    const rule = objectField(raw, ref, where)
    const peers: Array<(e: ResolvedEndpoint) => Match> = []
    const endpoints = listField(rule[`${p}Endpoints`], ref, `${where}.${p}Endpoints`).map((s, i) => endpointSelector(s, ref, `${where}.${p}Endpoints[${i}]`, namespace))
    for (const m of endpoints) peers.push((e) => (m.matches(e) ? YES : NO))
    for (const [i, entity] of listField(rule[`${p}Entities`], ref, `${where}.${p}Entities`).entries()) {
      if (typeof entity !== 'string' || !ENTITIES.has(entity)) throw new PolicyInputError(ref, `${where}.${p}Entities[${i}]`, `unknown entity ${JSON.stringify(entity)}`)
      peers.push((e) => entityMatches(entity, e))
    }
    for (const [i, c] of listField(rule[`${p}CIDR`], ref, `${where}.${p}CIDR`).entries()) {
      const r = cidrRule(c, ref, `${where}.${p}CIDR[${i}]`)
      peers.push((e) => cidrMatches(r, e))
    }
    for (const [i, c] of listField(rule[`${p}CIDRSet`], ref, `${where}.${p}CIDRSet`).entries()) {
      const r = cidrRule(c, ref, `${where}.${p}CIDRSet[${i}]`)
      peers.push((e) => cidrMatches(r, e))
    }
    for (const [i, s] of listField(rule[`${p}Nodes`], ref, `${where}.${p}Nodes`).entries()) {
      const m = strictSelector(s, ref, `${where}.${p}Nodes[${i}]`)
      peers.push((e) => (e.node ? (m(e.node.labels) ? YES : NO) : e.pod && !e.hostNetwork ? NO : unknownMatch(`${p}Nodes needs the node behind ${e.display}`)))
    }
    const undecidable = UNDECIDABLE[direction].find((f) => rule[f] !== undefined && rule[f] !== null)
    if (undecidable) peers.push(() => unknownMatch(`${where}.${undecidable} cannot be resolved statically`))
    const l3Fields = Object.keys(rule).filter((k) => k !== 'toPorts' && k !== 'icmps' && k !== 'authentication')
    const {ports, l7} = toPorts(rule.toPorts, ref, `${where}.toPorts`, deny)
    const icmps = rule.icmps !== undefined
    const empty = l3Fields.length === 0 && rule.toPorts === undefined && !icmps
    const name = where.replace(/^spec\./, '')
    return {
      name,
      action: deny ? 'Deny' : 'Allow',
      matches: (ctx) => {
        if (empty) return NO
        // A rule with only toPorts is L4-only: every peer, on those ports.
        const peer = l3Fields.length === 0 ? YES : anyMatch(peers.map((f) => f(ctx.other)))
        const port = icmps && rule.toPorts === undefined ? (ctx.traffic.protocol?.toUpperCase() === 'ICMP' ? unknownMatch(`${name}.icmps: ICMP types are not evaluated`) : NO) : portsMatch(ports, ctx)
        const both = allMatch([peer, port])
        if (both.result === 'yes' && l7) return unknownMatch(l7)
        return both
      },
    }
  })
}

function adaptSpec(spec: Record<string, unknown>, ref: PolicyObjectRef, base: string, namespace: string | undefined): NormalizedPolicy {
  const rules: Record<Direction, NormalizedRule[]> = {
    ingress: [...ciliumRules(spec.ingressDeny, 'ingress', true, ref, `${base}.ingressDeny`, namespace), ...ciliumRules(spec.ingress, 'ingress', false, ref, `${base}.ingress`, namespace)],
    egress: [...ciliumRules(spec.egressDeny, 'egress', true, ref, `${base}.egressDeny`, namespace), ...ciliumRules(spec.egress, 'egress', false, ref, `${base}.egress`, namespace)],
  }
  const defaultDeny = (spec.enableDefaultDeny ?? {}) as {ingress?: boolean; egress?: boolean}
  const has = (d: Direction) => spec[d] !== undefined || spec[`${d}Deny`] !== undefined
  let selects: (e: ResolvedEndpoint) => Match
  if (spec.nodeSelector !== undefined) {
    strictSelector(spec.nodeSelector, ref, `${base}.nodeSelector`)
    selects = () => NO // host policies select nodes, never pods
  } else {
    const m = endpointSelector(spec.endpointSelector, ref, `${base}.endpointSelector`, namespace)
    selects = (e) => (m.matches(e) ? YES : NO)
  }
  return {
    ref,
    layer: 'cilium',
    selects,
    isolates: {ingress: has('ingress') && defaultDeny.ingress !== false, egress: has('egress') && defaultDeny.egress !== false},
    rules,
  }
}

/** One normalized policy per spec (a Cilium object may carry `spec` and a `specs` list); merged into one. */
export function adaptCiliumPolicy(object: CiliumObject): NormalizedPolicy {
  const ref: PolicyObjectRef = {kind: object.kind ?? 'CiliumNetworkPolicy', apiVersion: object.apiVersion ?? 'cilium.io/v2', ...(object.metadata?.namespace ? {namespace: object.metadata.namespace} : {}), name: object.metadata?.name ?? ''}
  const namespace = ref.kind === 'CiliumNetworkPolicy' ? (object.metadata?.namespace ?? 'default') : undefined
  const specs: Array<{spec: Record<string, unknown>; base: string}> = []
  if (object.spec !== undefined) specs.push({spec: objectField(object.spec, ref, 'spec'), base: 'spec'})
  listField(object.specs, ref, 'specs').forEach((s, i) => specs.push({spec: objectField(s, ref, `specs[${i}]`), base: `specs[${i}]`}))
  if (specs.length === 0) throw new PolicyInputError(ref, 'spec', 'has neither spec nor specs')
  const parts = specs.map(({spec, base}) => adaptSpec(spec, ref, base, namespace))
  if (parts.length === 1) return parts[0]!
  // Several specs: each has its own selector, so rules only count for the endpoints their spec selects.
  const scoped = (d: Direction): NormalizedRule[] =>
    parts.flatMap((p) => p.rules[d].map((r) => ({...r, matches: (ctx: Parameters<NormalizedRule['matches']>[0]) => (p.selects(ctx.subject).result === 'yes' ? r.matches(ctx) : NO)})))
  return {
    ref,
    layer: 'cilium',
    selects: (e) => anyMatch(parts.map((p) => p.selects(e))),
    isolates: {ingress: parts.some((p) => p.isolates.ingress), egress: parts.some((p) => p.isolates.egress)},
    rules: {ingress: scoped('ingress'), egress: scoped('egress')},
  }
}
