// The Kubernetes object shapes every layer above src/cluster speaks. Type-only re-exports: analysis and
// checks stay free of the client library at run time, and a client upgrade touches this file only.
export type {
  CoreV1Event as Event,
  V1ConfigMap as ConfigMap,
  V1Container as Container,
  V1ContainerPort as ContainerPort,
  V1ContainerStatus as ContainerStatus,
  V1DaemonSet as DaemonSet,
  V1Deployment as Deployment,
  V1EndpointSlice as EndpointSlice,
  V1LabelSelector as LabelSelector,
  V1LabelSelectorRequirement as LabelSelectorRequirement,
  V1Namespace as Namespace,
  V1NetworkPolicy as NetworkPolicy,
  V1NetworkPolicyPeer as NetworkPolicyPeer,
  V1NetworkPolicyPort as NetworkPolicyPort,
  V1Node as Node,
  V1ObjectMeta as ObjectMeta,
  V1Pod as Pod,
  V1Service as Service,
  V1ServicePort as ServicePort,
} from '@kubernetes/client-node'

// --- Ingress and Gateway API (kubectl netdiag ingress / route) ---
export type {
  V1HTTPIngressPath as IngressPath,
  V1Ingress as Ingress,
  V1IngressBackend as IngressBackend,
  V1IngressClass as IngressClass,
  V1IngressRule as IngressRule,
} from '@kubernetes/client-node'
export type * from './gateway-types.js'
/** Snapshot kinds of the Ingress and Gateway API groups (matched by apiVersion group too: Istio also has a Gateway). */
export const ROUTING_SNAPSHOT_KINDS = ['Ingress', 'IngressClass', 'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'] as const
// --- end Ingress and Gateway API ---

/** The kinds a snapshot may carry, keyed by the `kind` field of each item. */
export const SNAPSHOT_KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'Service',
  'EndpointSlice',
  'NetworkPolicy',
  'Deployment',
  'DaemonSet',
  'ConfigMap',
  // Policy CRDs (src/analysis/policy/kinds.ts), matched by apiVersion group as well as kind.
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy',
  'Tier',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  ...ROUTING_SNAPSHOT_KINDS,
] as const
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number]

export interface ObjectRef {
  kind: string
  namespace?: string
  name: string
  /** For kinds outside the core groups (Ingress, Gateway API), so they are not mistaken for another group's kind. */
  apiVersion?: string
}

/** Selectors in the API's string syntax, passed through to list calls (and evaluated locally offline). */
export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
}

export interface ClusterInfo {
  context?: string
  server?: string
  version?: string
}

/** A policy API beyond networking.k8s.io/v1 NetworkPolicy (AdminNetworkPolicy, Cilium, Calico...). */
export interface PolicyResource {
  group: string
  version: string
  kind: string
  plural: string
  namespaced: boolean
}

/** An object of such an API, in its wire shape, apiVersion and kind always set. */
export interface PolicyObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string; uid?: string; labels?: Record<string, string>}
  spec?: unknown
  [field: string]: unknown
}
