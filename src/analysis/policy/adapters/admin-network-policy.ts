// AdminNetworkPolicy / BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy
// (v1alpha2, tiers Admin and Baseline) as normalized policies. Field names and semantics from
// kubernetes-sigs/network-policy-api apis/v1alpha1/*_types.go (v0.1.5) and apis/v1alpha2/clusternetworkpolicy_types.go.
import {PolicyInputError, type NormalizedPolicy, type NormalizedRule, type PolicyObjectRef, type RuleAction} from '../model.js'
import type {Direction} from '../../network-policy/types.js'
import {allMatch, anyMatch, kubePeer, listField, objectField, peerMatches, subjectMatches, type KubePeer} from './common.js'
import {portsMatch, type PortMatcher} from './ports.js'

export const POLICY_GROUP = 'policy.networking.k8s.io'
export const ANP_API_VERSION = `${POLICY_GROUP}/v1alpha1`
export const CNP_API_VERSION = `${POLICY_GROUP}/v1alpha2`

interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string}
  spec?: unknown
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP'])

function refOf(object: KubeObject, fallbackApiVersion: string): PolicyObjectRef {
  return {kind: object.kind ?? 'AdminNetworkPolicy', apiVersion: object.apiVersion ?? fallbackApiVersion, name: object.metadata?.name ?? ''}
}

function protocolOf(value: unknown, ref: PolicyObjectRef, field: string, fallback?: string): string {
  if ((value === undefined || value === '') && fallback) return fallback
  if (typeof value !== 'string' || !PROTOCOLS.has(value)) throw new PolicyInputError(ref, field, `protocol must be TCP, UDP or SCTP, got ${JSON.stringify(value)}`)
  return value
}

function portNumber(value: unknown, ref: PolicyObjectRef, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw new PolicyInputError(ref, field, `must be a port number 1-65535, got ${JSON.stringify(value)}`)
  return value
}

function range(o: Record<string, unknown>, ref: PolicyObjectRef, field: string, protocol: string): PortMatcher {
  const start = portNumber(o.start, ref, `${field}.start`)
  const end = portNumber(o.end, ref, `${field}.end`)
  if (end < start) throw new PolicyInputError(ref, field, `end ${end} is below start ${start}`)
  return {kind: 'number', protocol, port: start, endPort: end}
}

/** v1alpha1 `ports`: exactly one of portNumber, namedPort, portRange per entry. */
function v1alpha1Ports(value: unknown, ref: PolicyObjectRef, field: string): PortMatcher[] {
  return listField(value, ref, field).map((entry, i) => {
    const where = `${field}[${i}]`
    const o = objectField(entry, ref, where)
    const set = ['portNumber', 'namedPort', 'portRange'].filter((k) => o[k] !== undefined && o[k] !== null)
    if (set.length !== 1) throw new PolicyInputError(ref, where, 'must set exactly one of portNumber, namedPort, portRange')
    if (o.portNumber) {
      const p = objectField(o.portNumber, ref, `${where}.portNumber`)
      return {kind: 'number', protocol: protocolOf(p.protocol, ref, `${where}.portNumber.protocol`, 'TCP'), port: portNumber(p.port, ref, `${where}.portNumber.port`)}
    }
    if (o.namedPort !== undefined) {
      if (typeof o.namedPort !== 'string' || o.namedPort === '') throw new PolicyInputError(ref, `${where}.namedPort`, 'must be a port name')
      return {kind: 'named', name: o.namedPort}
    }
    const r = objectField(o.portRange, ref, `${where}.portRange`)
    return range(r, ref, `${where}.portRange`, protocolOf(r.protocol, ref, `${where}.portRange.protocol`, 'TCP'))
  })
}

/** v1alpha2 `protocols`: tcp/udp/sctp with an optional destinationPort, or destinationNamedPort. */
function v1alpha2Protocols(value: unknown, ref: PolicyObjectRef, field: string): PortMatcher[] {
  return listField(value, ref, field).map((entry, i) => {
    const where = `${field}[${i}]`
    const o = objectField(entry, ref, where)
    const set = ['tcp', 'udp', 'sctp', 'destinationNamedPort'].filter((k) => o[k] !== undefined && o[k] !== null)
    if (set.length !== 1) throw new PolicyInputError(ref, where, 'must set exactly one of tcp, udp, sctp, destinationNamedPort')
    const key = set[0]!
    if (key === 'destinationNamedPort') {
      if (typeof o.destinationNamedPort !== 'string' || o.destinationNamedPort === '') throw new PolicyInputError(ref, `${where}.destinationNamedPort`, 'must be a port name')
      return {kind: 'named', name: o.destinationNamedPort}
    }
    const protocol = key.toUpperCase()
    const p = objectField(o[key], ref, `${where}.${key}`)
    if (p.destinationPort === undefined || p.destinationPort === null) return {kind: 'any', protocol}
    const d = objectField(p.destinationPort, ref, `${where}.${key}.destinationPort`)
    if (d.range) return range(objectField(d.range, ref, `${where}.${key}.destinationPort.range`), ref, `${where}.${key}.destinationPort.range`, protocol)
    return {kind: 'number', protocol, port: portNumber(d.number, ref, `${where}.${key}.destinationPort.number`)}
  })
}

const ACTIONS: Record<'anp' | 'banp' | 'cnp', Record<string, RuleAction>> = {
  anp: {Allow: 'Allow', Deny: 'Deny', Pass: 'Pass'},
  banp: {Allow: 'Allow', Deny: 'Deny'},
  cnp: {Accept: 'Allow', Deny: 'Deny', Pass: 'Pass'},
}

function rules(spec: Record<string, unknown>, direction: Direction, ref: PolicyObjectRef, flavour: 'anp' | 'banp' | 'cnp'): NormalizedRule[] {
  const list = listField(spec[direction], ref, `spec.${direction}`)
  const peersKey = direction === 'ingress' ? 'from' : 'to'
  const allowedPeers: KubePeer['kind'][] =
    direction === 'ingress' ? ['namespaces', 'pods'] : flavour === 'cnp' ? ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'] : ['namespaces', 'pods', 'nodes', 'networks']
  return list.map((raw, index) => {
    const where = `spec.${direction}[${index}]`
    const rule = objectField(raw, ref, where)
    const action = typeof rule.action === 'string' ? ACTIONS[flavour][rule.action] : undefined
    if (!action) throw new PolicyInputError(ref, `${where}.action`, `must be one of ${Object.keys(ACTIONS[flavour]).join(', ')}, got ${JSON.stringify(rule.action)}`)
    const peerList = listField(rule[peersKey], ref, `${where}.${peersKey}`)
    if (peerList.length === 0) throw new PolicyInputError(ref, `${where}.${peersKey}`, 'needs at least one peer')
    const peers = peerList.map((p, i) => kubePeer(p, ref, `${where}.${peersKey}[${i}]`, allowedPeers))
    const ports = flavour === 'cnp' ? v1alpha2Protocols(rule.protocols, ref, `${where}.protocols`) : v1alpha1Ports(rule.ports, ref, `${where}.ports`)
    const name = `${direction}[${index}]${typeof rule.name === 'string' && rule.name ? ` "${rule.name}"` : ''}`
    return {
      name,
      action,
      matches: (ctx) => allMatch([anyMatch(peers.map((p) => peerMatches(p, ctx.other))), portsMatch(ports, ctx)]),
    }
  })
}

function compile(object: KubeObject, flavour: 'anp' | 'banp' | 'cnp'): NormalizedPolicy {
  const ref = refOf(object, flavour === 'cnp' ? CNP_API_VERSION : ANP_API_VERSION)
  const spec = objectField(object.spec, ref, 'spec')
  let layer: 'admin' | 'baseline' = flavour === 'banp' ? 'baseline' : 'admin'
  let priority = 0
  if (flavour === 'cnp') {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') throw new PolicyInputError(ref, 'spec.tier', `must be Admin or Baseline, got ${JSON.stringify(spec.tier)}`)
    layer = spec.tier === 'Admin' ? 'admin' : 'baseline'
  }
  if (flavour !== 'banp') {
    if (typeof spec.priority !== 'number' || !Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > 1000) {
      throw new PolicyInputError(ref, 'spec.priority', `must be an integer 0-1000, got ${JSON.stringify(spec.priority)}`)
    }
    priority = spec.priority
  }
  const subject = kubePeer(spec.subject, ref, 'spec.subject', ['namespaces', 'pods'])
  return {
    ref,
    layer,
    priority,
    selects: (endpoint) => subjectMatches(subject, endpoint),
    // These tiers never isolate: traffic no rule matches falls through to the next layer.
    isolates: {ingress: false, egress: false},
    rules: {ingress: rules(spec, 'ingress', ref, flavour), egress: rules(spec, 'egress', ref, flavour)},
  }
}

export function adaptAdminNetworkPolicy(object: KubeObject): NormalizedPolicy {
  return compile({kind: 'AdminNetworkPolicy', ...object}, 'anp')
}

export function adaptBaselineAdminNetworkPolicy(object: KubeObject): NormalizedPolicy {
  return compile({kind: 'BaselineAdminNetworkPolicy', ...object}, 'banp')
}

export function adaptClusterNetworkPolicy(object: KubeObject): NormalizedPolicy {
  return compile({kind: 'ClusterNetworkPolicy', ...object}, 'cnp')
}
