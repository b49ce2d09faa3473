// An object's identity in a what-if overlay: API group, kind, namespace, name (as the snapshot keys objects, so a
// Calico NetworkPolicy and a Kubernetes one of the same name are two objects).
import {POLICY_RESOURCES} from '../../cluster/policy-resources.js'

export interface ObjectIdentity {
  group: string
  kind: string
  namespace?: string
  name: string
}

/** The group of an apiVersion ("networking.k8s.io/v1" -> "networking.k8s.io", "v1" -> ""). */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return ''
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : ''
}

export function identityKey(id: ObjectIdentity): string {
  return `${id.group}/${id.kind}|${id.namespace ?? ''}|${id.name}`
}

export function describeIdentity(id: ObjectIdentity): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`
}

interface KindInfo {
  group: string
  kind: string
  namespaced: boolean
  /** Lower-case names kubectl accepts for it: singular, plural, short names. */
  names: string[]
}

const info = (group: string, kind: string, namespaced: boolean, ...names: string[]): KindInfo => ({group, kind, namespaced, names: [kind.toLowerCase(), ...names]})

/** The kinds netdiag analyses, and the workload kinds whose pod templates a what-if turns into pods. */
export const KNOWN_KINDS: readonly KindInfo[] = [
  info('', 'Namespace', false, 'namespaces', 'ns'),
  info('', 'Node', false, 'nodes', 'no'),
  info('', 'Pod', true, 'pods', 'po'),
  info('', 'Service', true, 'services', 'svc'),
  info('', 'ConfigMap', true, 'configmaps', 'cm'),
  info('discovery.k8s.io', 'EndpointSlice', true, 'endpointslices'),
  info('networking.k8s.io', 'NetworkPolicy', true, 'networkpolicies', 'netpol', 'np'),
  info('apps', 'Deployment', true, 'deployments', 'deploy'),
  info('apps', 'DaemonSet', true, 'daemonsets', 'ds'),
  info('apps', 'StatefulSet', true, 'statefulsets', 'sts'),
  info('apps', 'ReplicaSet', true, 'replicasets', 'rs'),
  info('networking.k8s.io', 'Ingress', true, 'ingresses', 'ing'),
  info('networking.k8s.io', 'IngressClass', false, 'ingressclasses'),
  info('gateway.networking.k8s.io', 'Gateway', true, 'gateways', 'gtw'),
  info('gateway.networking.k8s.io', 'GatewayClass', false, 'gatewayclasses', 'gc'),
  info('gateway.networking.k8s.io', 'HTTPRoute', true, 'httproutes'),
  info('gateway.networking.k8s.io', 'GRPCRoute', true, 'grpcroutes'),
  info('gateway.networking.k8s.io', 'ReferenceGrant', true, 'referencegrants'),
  ...POLICY_RESOURCES.map((r) => info(r.group, r.kind, r.namespaced, r.plural)),
]

/** Kinds whose pods a what-if synthesizes from spec.template. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'])

export function kindInfo(group: string, kind: string): KindInfo | undefined {
  return KNOWN_KINDS.find((k) => k.group === group && k.kind === kind)
}

/**
 * `--without KIND/NS/NAME` (cluster-scoped: KIND/NAME). KIND as kubectl spells it: Kind, kind, plural, short
 * name, or `plural.group` to pick one group (`networkpolicies.projectcalico.org`). Without a group, the core
 * and Kubernetes groups win over CRDs of the same name (as kubectl resolves `networkpolicy`).
 */
export function parseDeletion(text: string, defaultNamespace: string): ObjectIdentity | {error: string} {
  const parts = text.split('/')
  const usage = `invalid --without "${text}": use KIND/NAMESPACE/NAME, or KIND/NAME for a cluster-scoped kind (e.g. networkpolicy/shop/lockdown)`
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return {error: usage}
  const [kindText, ...rest] = parts as [string, ...string[]]
  const dot = kindText.indexOf('.')
  const word = (dot < 0 ? kindText : kindText.slice(0, dot)).toLowerCase()
  const group = dot < 0 ? undefined : kindText.slice(dot + 1).toLowerCase()
  const matches = KNOWN_KINDS.filter((k) => k.names.includes(word) && (group === undefined || k.group === group))
  const kind = matches.find((k) => k.group === '' || k.group.endsWith('k8s.io')) ?? matches[0]
  if (!kind) return {error: `invalid --without "${text}": netdiag does not analyse kind "${kindText}"`}
  if (!kind.namespaced) {
    if (rest.length !== 1) return {error: `invalid --without "${text}": ${kind.kind} is cluster-scoped: use ${kindText}/NAME`}
    return {group: kind.group, kind: kind.kind, name: rest[0]!}
  }
  if (rest.length === 1) return {group: kind.group, kind: kind.kind, namespace: defaultNamespace, name: rest[0]!}
  return {group: kind.group, kind: kind.kind, namespace: rest[0]!, name: rest[1]!}
}
