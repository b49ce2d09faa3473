import type {
  ClusterInfo,
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Event,
  ListOptions,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Service,
  Ingress,
  IngressClass,
  Gateway,
  GatewayClass,
  Route,
  RouteKind,
  ReferenceGrant,
} from './types.js'

/**
 * Read-only access to the cluster's objects, live or from a snapshot. Every method caches per run, so checks
 * ask for what they need without worrying about repeat calls. `get*` return undefined for a 404; any other
 * failure throws a NetdiagError. `namespace` undefined means all namespaces.
 */
export interface ClusterView {
  readonly source: 'live' | 'snapshot'
  info(): Promise<ClusterInfo>
  listNamespaces(options?: ListOptions): Promise<Namespace[]>
  getNamespace(name: string): Promise<Namespace | undefined>
  listNodes(options?: ListOptions): Promise<Node[]>
  getNode(name: string): Promise<Node | undefined>
  listPods(namespace: string | undefined, options?: ListOptions): Promise<Pod[]>
  getPod(namespace: string, name: string): Promise<Pod | undefined>
  listServices(namespace: string | undefined, options?: ListOptions): Promise<Service[]>
  getService(namespace: string, name: string): Promise<Service | undefined>
  listEndpointSlices(namespace: string | undefined, options?: ListOptions): Promise<EndpointSlice[]>
  listNetworkPolicies(namespace: string | undefined, options?: ListOptions): Promise<NetworkPolicy[]>
  listDeployments(namespace: string | undefined, options?: ListOptions): Promise<Deployment[]>
  listDaemonSets(namespace: string | undefined, options?: ListOptions): Promise<DaemonSet[]>
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>
  listConfigMaps(namespace: string, options?: ListOptions): Promise<ConfigMap[]>
  /** Live only: events about one object, newest last. A snapshot view throws OfflineError. */
  listEvents(namespace: string, options?: ListOptions): Promise<Event[]>
  /** Live only: the log tail of one container. A snapshot view throws OfflineError. */
  podLogs(namespace: string, pod: string, options: {container?: string; sinceSeconds?: number; tailLines?: number; previous?: boolean}): Promise<string>
  // --- Ingress and Gateway API (kubectl netdiag ingress / route) ---
  // Gateway API kinds: a live cluster that does not serve the kind throws NotServedError (unknown, never empty).
  listIngresses(namespace: string | undefined): Promise<Ingress[]>
  getIngress(namespace: string, name: string): Promise<Ingress | undefined>
  listIngressClasses(): Promise<IngressClass[]>
  getGatewayClass(name: string): Promise<GatewayClass | undefined>
  getGateway(namespace: string, name: string): Promise<Gateway | undefined>
  getRoute(kind: RouteKind, namespace: string, name: string): Promise<Route | undefined>
  listReferenceGrants(namespace: string | undefined): Promise<ReferenceGrant[]>
  listGatewayClasses(): Promise<GatewayClass[]>
  listGateways(namespace: string | undefined): Promise<Gateway[]>
  listRoutes(kind: RouteKind, namespace: string | undefined): Promise<Route[]>
  /** Whether a Secret exists, from its metadata only (PartialObjectMetadata): its data is never requested. Live only. */
  secretExists(namespace: string, name: string): Promise<boolean>
  /** Snapshot only: whether the snapshot holds any object of this kind (a snapshot without one says nothing about it). */
  holdsKind?(kind: string): boolean
  // --- end Ingress and Gateway API ---
  /** Snapshot only: the first malformed object met while answering (its checks errored), so the run exits 2. */
  damage?(): Error | undefined
}
