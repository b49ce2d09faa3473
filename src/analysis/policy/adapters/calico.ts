// Calico NetworkPolicy / GlobalNetworkPolicy (projectcalico.org/v3, and the crd.projectcalico.org/v1 storage
// form) as normalized policies. Semantics from docs.tigera.io/calico/latest/reference/resources/networkpolicy,
// .../globalnetworkpolicy and .../tier:
// - `selector` (default all()) picks the endpoints; a namespaced policy only endpoints of its namespace;
// - rules in order: Allow / Deny decide, Log goes on, Pass jumps to the next tier;
// - an ingress rule's source is the peer and its destination the selected endpoint (egress the reverse);
// - `types` defaults to Ingress, plus Egress when there are egress rules, Egress alone when only egress rules;
// - selectors without namespaceSelector in a namespaced policy stay in the policy's namespace;
// - http matches (L7) and services matches cannot be decided from objects alone: unknown.
import {ipInCidr, parseCidr, type ParsedCidr} from '../../cidr.js'
import type {Labels} from '../../labels.js'
import type {ResolvedEndpoint} from '../../network-policy/endpoints.js'
import type {Direction} from '../../network-policy/types.js'
import {NO, PolicyInputError, unknownMatch, YES, type Match, type NormalizedPolicy, type NormalizedRule, type PolicyObjectRef, type RuleAction, type RuleContext} from '../model.js'
import {CalicoSelectorError, parseCalicoSelector, type CalicoSelector} from './calico-selector.js'
import {allMatch, listField, objectField} from './common.js'
import {portMatches, type PortMatcher} from './ports.js'

interface CalicoObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string}
  spec?: unknown
}

export interface CalicoTierSpec {
  name: string
  order?: number
  defaultAction: 'Deny' | 'Pass'
}

const STAGED = new Set(['StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy'])

export function isStagedCalicoKind(kind: string): boolean {
  return STAGED.has(kind)
}

function refOf(object: CalicoObject): PolicyObjectRef {
  return {kind: object.kind ?? 'NetworkPolicy', apiVersion: object.apiVersion ?? 'projectcalico.org/v3', ...(object.metadata?.namespace ? {namespace: object.metadata.namespace} : {}), name: object.metadata?.name ?? ''}
}

export function calicoTierOf(object: CalicoObject): CalicoTierSpec {
  const ref = refOf(object)
  const spec = object.spec === undefined ? {} : objectField(object.spec, ref, 'spec')
  if (spec.order !== undefined && spec.order !== null && typeof spec.order !== 'number') throw new PolicyInputError(ref, 'spec.order', `must be a number, got ${JSON.stringify(spec.order)}`)
  const action = spec.defaultAction ?? 'Deny'
  if (action !== 'Deny' && action !== 'Pass') throw new PolicyInputError(ref, 'spec.defaultAction', `must be Deny or Pass, got ${JSON.stringify(action)}`)
  const name = ref.name
  // The default tier's order is fixed (last) whatever a partial object says.
  return {name, ...(typeof spec.order === 'number' && name !== 'default' ? {order: spec.order} : name === 'default' ? {order: 1_000_000} : {}), defaultAction: action}
}

function selector(value: unknown, ref: PolicyObjectRef, field: string): CalicoSelector {
  if (value === undefined || value === null) return () => true
  if (typeof value !== 'string') throw new PolicyInputError(ref, field, `must be a selector string, got ${JSON.stringify(value)}`)
  try {
    return parseCalicoSelector(value)
  } catch (error) {
    if (error instanceof CalicoSelectorError) throw new PolicyInputError(ref, field, `cannot parse selector ${JSON.stringify(value)}: ${error.message}`)
    throw error
  }
}

/** Calico's labels for a pod's workload endpoint, and for its namespace (projectcalico.org/name added). */
export function calicoEndpointLabels(e: ResolvedEndpoint): Labels {
  return {...e.podLabels, 'projectcalico.org/namespace': e.namespace ?? '', 'projectcalico.org/orchestrator': 'k8s', 'projectcalico.org/serviceaccount': e.pod?.spec?.serviceAccountName ?? 'default'}
}

function namespaceLabels(e: ResolvedEndpoint): Labels {
  return {...e.namespaceLabels, 'projectcalico.org/name': e.namespace ?? ''}
}

const PROTOCOL_NUMBERS: Record<string, string> = {'1': 'ICMP', '6': 'TCP', '17': 'UDP', '58': 'ICMPV6', '132': 'SCTP', '136': 'UDPLITE'}
const PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'ICMPV6', 'SCTP', 'UDPLITE'])

function protocol(value: unknown, ref: PolicyObjectRef, field: string): string | undefined {
  if (value === undefined || value === null) return undefined
  const text = String(value).toUpperCase()
  const name = PROTOCOL_NUMBERS[text] ?? text
  if (!PROTOCOLS.has(name) && !/^\d+$/.test(text)) throw new PolicyInputError(ref, field, `unknown protocol ${JSON.stringify(value)}`)
  return name
}

function ports(value: unknown, ref: PolicyObjectRef, field: string, proto: string | undefined): PortMatcher[] | undefined {
  if (value === undefined || value === null) return undefined
  const list = listField(value, ref, field)
  if (list.length > 0 && !proto) throw new PolicyInputError(ref, field, 'ports need a protocol (TCP, UDP, SCTP or UDPLite) on the rule')
  return list.map((p, i) => {
    const where = `${field}[${i}]`
    if (typeof p === 'number') {
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new PolicyInputError(ref, where, `invalid port ${p}`)
      return {kind: 'number', protocol: proto, port: p}
    }
    if (typeof p !== 'string') throw new PolicyInputError(ref, where, `invalid port ${JSON.stringify(p)}`)
    const range = /^(\d+):(\d+)$/.exec(p)
    if (range) {
      const [start, end] = [Number(range[1]), Number(range[2])]
      if (end < start || end > 65535) throw new PolicyInputError(ref, where, `invalid port range ${JSON.stringify(p)}`)
      return {kind: 'number', protocol: proto, port: start, endPort: end}
    }
    if (/^\d+$/.test(p)) return {kind: 'number', protocol: proto, port: Number(p)}
    if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p)) return {kind: 'named', name: p, protocol: proto}
    throw new PolicyInputError(ref, where, `invalid port ${JSON.stringify(p)}`)
  })
}

interface EntityMatcher {
  matches(e: ResolvedEndpoint, ctx: RuleContext): Match
}

function nets(value: unknown, ref: PolicyObjectRef, field: string): ParsedCidr[] | undefined {
  if (value === undefined || value === null) return undefined
  return listField(value, ref, field).map((n, i) => {
    const c = typeof n === 'string' ? parseCidr(n.includes('/') ? n : n.includes(':') ? `${n}/128` : `${n}/32`) : undefined
    if (!c) throw new PolicyInputError(ref, `${field}[${i}]`, `invalid net ${JSON.stringify(n)}`)
    return c
  })
}

/** source / destination of a rule: selectors, namespaces, service accounts, nets, ports (all ANDed). */
function entity(value: unknown, ref: PolicyObjectRef, field: string, proto: string | undefined, policyNamespace: string | undefined, isPeer: boolean): EntityMatcher {
  if (value === undefined || value === null) return {matches: () => YES}
  const o = objectField(value, ref, field)
  const sel = o.selector !== undefined ? selector(o.selector, ref, `${field}.selector`) : undefined
  const notSel = o.notSelector !== undefined ? selector(o.notSelector, ref, `${field}.notSelector`) : undefined
  const nsSel = o.namespaceSelector !== undefined ? selector(o.namespaceSelector, ref, `${field}.namespaceSelector`) : undefined
  const inNets = nets(o.nets, ref, `${field}.nets`)
  const outNets = nets(o.notNets, ref, `${field}.notNets`)
  const portList = ports(o.ports, ref, `${field}.ports`, proto)
  const notPortList = ports(o.notPorts, ref, `${field}.notPorts`, proto)
  const sa = o.serviceAccounts === undefined ? undefined : objectField(o.serviceAccounts, ref, `${field}.serviceAccounts`)
  const saNames = sa?.names === undefined ? undefined : listField(sa.names, ref, `${field}.serviceAccounts.names`).map(String)
  const saSelector = sa?.selector !== undefined ? selector(sa.selector, ref, `${field}.serviceAccounts.selector`) : undefined
  const services = o.services !== undefined
  const isDestination = field.endsWith('destination')
  return {
    matches: (e, ctx) => {
      const parts: Match[] = []
      if (services) parts.push(unknownMatch(`${field}.services needs the Service's endpoints`))
      const labelled = sel !== undefined || notSel !== undefined || nsSel !== undefined || saNames !== undefined || saSelector !== undefined
      if (labelled) {
        if (!e.pod) {
          // Selectors also match (Global)NetworkSets and host endpoints, which netdiag does not read.
          parts.push(!isPeer ? NO : unknownMatch(`${field} selectors may match a NetworkSet or host endpoint holding ${e.display}`))
        } else {
          const labels = calicoEndpointLabels(e)
          let ok = true
          if (nsSel) ok &&= nsSel(namespaceLabels(e))
          else if (policyNamespace !== undefined && (sel || notSel)) ok &&= e.namespace === policyNamespace
          if (sel) ok &&= sel(labels)
          if (notSel) ok &&= !notSel(labels)
          if (saNames) ok &&= saNames.includes(e.pod.spec?.serviceAccountName ?? 'default')
          parts.push(ok ? YES : NO)
          if (ok && saSelector) parts.push(unknownMatch(`${field}.serviceAccounts.selector needs the ServiceAccount's labels`))
        }
      }
      if (inNets) parts.push(!e.ip ? unknownMatch(`${field}.nets needs the address of ${e.display}`) : inNets.some((c) => ipInCidr(e.ip!, c)) ? YES : NO)
      if (outNets) parts.push(!e.ip ? unknownMatch(`${field}.notNets needs the address of ${e.display}`) : outNets.some((c) => ipInCidr(e.ip!, c)) ? NO : YES)
      if (portList) {
        if (!isDestination) parts.push(portList.length ? unknownMatch(`${field}.ports: source ports are ephemeral`) : YES)
        else parts.push(portList.some((p) => portMatches(p, ctx)) ? YES : NO)
      }
      if (notPortList) {
        if (!isDestination) parts.push(unknownMatch(`${field}.notPorts: source ports are ephemeral`))
        else parts.push(notPortList.some((p) => portMatches(p, ctx)) ? NO : YES)
      }
      return allMatch(parts)
    },
  }
}

const ACTIONS = new Set(['Allow', 'Deny', 'Log', 'Pass'])

function calicoRules(list: unknown, direction: Direction, ref: PolicyObjectRef, policyNamespace: string | undefined): NormalizedRule[] {
  return listField(list, ref, `spec.${direction}`).map((raw, index) => {
    const where = `spec.${direction}[${index}]`
    const rule = objectField(raw, ref, where)
    if (typeof rule.action !== 'string' || !ACTIONS.has(rule.action)) throw new PolicyInputError(ref, `${where}.action`, `must be Allow, Deny, Log or Pass, got ${JSON.stringify(rule.action)}`)
    const proto = protocol(rule.protocol, ref, `${where}.protocol`)
    const notProto = protocol(rule.notProtocol, ref, `${where}.notProtocol`)
    const source = entity(rule.source, ref, `${where}.source`, proto, policyNamespace, direction === 'ingress')
    const destination = entity(rule.destination, ref, `${where}.destination`, proto, policyNamespace, direction === 'egress')
    const l7 = rule.http !== undefined ? `${where}.http matches requests at L7` : undefined
    const icmp = rule.icmp !== undefined || rule.notICMP !== undefined
    return {
      name: `${direction}[${index}]`,
      action: rule.action as RuleAction,
      matches: (ctx) => {
        const traffic = (ctx.traffic.protocol ?? 'TCP').toUpperCase()
        if (proto && proto !== traffic) return NO
        if (notProto && notProto === traffic) return NO
        const src = direction === 'ingress' ? ctx.other : ctx.subject
        const dst = direction === 'ingress' ? ctx.subject : ctx.other
        const m = allMatch([source.matches(src, ctx), destination.matches(dst, ctx), icmp && traffic.startsWith('ICMP') ? unknownMatch(`${where}: ICMP type matches are not evaluated`) : YES])
        return m.result === 'yes' && l7 ? unknownMatch(l7) : m
      },
    }
  })
}

export function adaptCalicoPolicy(object: CalicoObject): NormalizedPolicy {
  const ref = refOf(object)
  const spec = objectField(object.spec ?? {}, ref, 'spec')
  const global = /Global/.test(ref.kind)
  const policyNamespace = global ? undefined : (object.metadata?.namespace ?? 'default')
  const subject = selector(spec.selector, ref, 'spec.selector')
  const nsSelector = global && spec.namespaceSelector !== undefined ? selector(spec.namespaceSelector, ref, 'spec.namespaceSelector') : undefined
  const saSelector = spec.serviceAccountSelector !== undefined ? selector(spec.serviceAccountSelector, ref, 'spec.serviceAccountSelector') : undefined
  if (spec.order !== undefined && spec.order !== null && typeof spec.order !== 'number') throw new PolicyInputError(ref, 'spec.order', `must be a number, got ${JSON.stringify(spec.order)}`)
  const ingress = listField(spec.ingress, ref, 'spec.ingress')
  const egress = listField(spec.egress, ref, 'spec.egress')
  let types: Record<Direction, boolean>
  if (spec.types !== undefined) {
    const given = listField(spec.types, ref, 'spec.types')
    for (const [i, t] of given.entries()) if (t !== 'Ingress' && t !== 'Egress') throw new PolicyInputError(ref, `spec.types[${i}]`, `must be Ingress or Egress, got ${JSON.stringify(t)}`)
    types = {ingress: given.includes('Ingress'), egress: given.includes('Egress')}
  } else {
    types = {ingress: ingress.length > 0 || egress.length === 0, egress: egress.length > 0}
  }
  // Pre-DNAT, untracked and forward-only policies apply to host endpoints, not to pods.
  const hostOnly = spec.preDNAT === true || spec.doNotTrack === true
  return {
    ref,
    layer: 'calico',
    tier: typeof spec.tier === 'string' && spec.tier ? spec.tier : 'default',
    ...(typeof spec.order === 'number' ? {priority: spec.order} : {}),
    selects: (e) => {
      if (hostOnly || !e.pod) return NO
      if (policyNamespace !== undefined && e.namespace !== policyNamespace) return NO
      if (nsSelector && !nsSelector(namespaceLabels(e))) return NO
      if (!subject(calicoEndpointLabels(e))) return NO
      return saSelector ? unknownMatch('spec.serviceAccountSelector needs the ServiceAccount labels') : YES
    },
    isolates: types,
    rules: {ingress: types.ingress ? calicoRules(ingress, 'ingress', ref, policyNamespace) : [], egress: types.egress ? calicoRules(egress, 'egress', ref, policyNamespace) : []},
  }
}
