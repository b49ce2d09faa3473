import type {Namespace, Pod} from '../../cluster/types.js'
import {parseIp, type ParsedIp} from '../cidr.js'
import type {Labels} from '../labels.js'
import type {Endpoint} from './types.js'

/** Set by the API server on every namespace since Kubernetes 1.21; what `namespaceSelector` usually keys on. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name'

/** A namespace's labels including the automatic kubernetes.io/metadata.name (added if the object lacks it). */
export function namespaceLabels(namespace: Namespace | string, labels?: Labels): Labels {
  const name = typeof namespace === 'string' ? namespace : (namespace.metadata?.name ?? '')
  const own = typeof namespace === 'string' ? (labels ?? {}) : (namespace.metadata?.labels ?? {})
  return name === '' || NAMESPACE_NAME_LABEL in own ? {...own} : {...own, [NAMESPACE_NAME_LABEL]: name}
}

/** A pod endpoint; pass the pod's Namespace object (or its labels) so namespaceSelectors can match. */
export function podEndpoint(pod: Pod, namespace?: Namespace | Labels, ip?: string): Endpoint {
  const ns = pod.metadata?.namespace ?? 'default'
  const labels =
    namespace === undefined
      ? namespaceLabels(ns)
      : typeof (namespace as Namespace).metadata === 'object' || (namespace as Namespace).kind === 'Namespace'
        ? namespaceLabels(namespace as Namespace)
        : namespaceLabels(ns, namespace as Labels)
  return {pod, namespace: ns, namespaceLabels: labels, ...(ip ? {ip} : {})}
}

/** An address that is not a pod (outside the cluster, a node, or a Service ClusterIP). */
export function ipEndpoint(ip: string, options: {serviceIp?: boolean} = {}): Endpoint {
  return {ip, ...(options.serviceIp ? {serviceIp: true} : {})}
}

/** An endpoint with everything the evaluator needs worked out once. */
export interface ResolvedEndpoint {
  endpoint: Endpoint
  pod?: Pod
  namespace?: string
  namespaceLabels: Labels
  podLabels: Labels
  ipText?: string
  ip?: ParsedIp
  hostNetwork: boolean
  node?: {name: string; labels: Labels}
  /** "shop/web-1", "10.0.0.1" or "an unknown address", for messages. */
  display: string
}

export function podIp(pod: Pod): string | undefined {
  return pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? undefined
}

// Both evaluators resolve each side of every flow they judge, and a sweep judges the same endpoints many times
// (dns.policy: every label group against every CoreDNS replica, UDP and TCP): resolve each Endpoint once.
// Endpoints are values: nothing changes one after it is built (podEndpoint, ipEndpoint).
const resolved = new WeakMap<Endpoint, ResolvedEndpoint>()

export function resolveEndpoint(endpoint: Endpoint): ResolvedEndpoint {
  let known = resolved.get(endpoint)
  if (!known) resolved.set(endpoint, (known = resolve(endpoint)))
  return known
}

function resolve(endpoint: Endpoint): ResolvedEndpoint {
  const pod = endpoint.pod
  const namespace = endpoint.namespace ?? pod?.metadata?.namespace ?? (pod ? 'default' : undefined)
  const labels = endpoint.namespaceLabels ?? {}
  const ipText = endpoint.ip ?? (pod ? podIp(pod) : undefined)
  const ip = ipText ? parseIp(ipText) : undefined
  const display = pod
    ? `${namespace}/${pod.metadata?.name ?? '?'}`
    : (ipText ?? 'an unknown address')
  return {
    endpoint,
    ...(pod ? {pod} : {}),
    ...(namespace !== undefined ? {namespace} : {}),
    namespaceLabels: namespace !== undefined ? namespaceLabels(namespace, labels) : {...labels},
    podLabels: pod?.metadata?.labels ?? {},
    ...(ipText ? {ipText} : {}),
    ...(ip ? {ip} : {}),
    hostNetwork: pod?.spec?.hostNetwork === true,
    ...(endpoint.node ? {node: endpoint.node} : {}),
    display,
  }
}
