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
  PolicyObject,
  PolicyResource,
  Service,
  SnapshotKind,
  Ingress,
  IngressClass,
  Gateway,
  GatewayClass,
  Route,
  RouteKind,
  ReferenceGrant,
} from './types.js'

/** What the input lacks, and what would settle the question it leaves open. */
export interface DataGap {
  /** e.g. "the snapshot holds no Pod in namespace kube-system" */
  missing: string
  /** e.g. "a snapshot that includes kube-system (kubectl netdiag snapshot captures every namespace), or a live run" */
  settle: string
}

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
  /** networking.k8s.io NetworkPolicies only (a Calico projectcalico.org NetworkPolicy is never one). */
  listNetworkPolicies(namespace: string | undefined, options?: ListOptions): Promise<NetworkPolicy[]>
  /**
   * Which of these policy APIs the cluster serves: live from API discovery (a group the cluster does not serve
   * costs no list call), offline the kinds the snapshot holds, matched by apiVersion group and kind.
   */
  servedPolicyResources(candidates: readonly PolicyResource[]): Promise<PolicyResource[]>
  /** Objects of one served policy API; namespace undefined = all. A 403 throws (forbidden: unknown, never allowed). */
  listPolicyObjects(resource: PolicyResource, namespace?: string): Promise<PolicyObject[]>
  listDeployments(namespace: string | undefined, options?: ListOptions): Promise<Deployment[]>
  listDaemonSets(namespace: string | undefined, options?: ListOptions): Promise<DaemonSet[]>
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>
  listConfigMaps(namespace: string, options?: ListOptions): Promise<ConfigMap[]>
  /** Live only: events about one object, newest last. A snapshot view throws OfflineError. */
  listEvents(namespace: string, options?: ListOptions): Promise<Event[]>
  /** Live only: the log tail of one container. A snapshot view throws OfflineError. */
  podLogs(namespace: string, pod: string, options: {container?: string; sinceSeconds?: number; tailLines?: number; previous?: boolean}): Promise<string>
  /**
   * Whether the input can answer for `kind` (in `namespace`; undefined: cluster-wide or any namespace): undefined
   * when it can, else what is missing. A snapshot lacks what it does not carry (a namespace, a kind); a live view
   * lacks nothing (a refused read is an error of its own). Checks answer "unknown" on a gap, never a verdict.
   */
  lacks?(kind: SnapshotKind, namespace?: string): DataGap | undefined
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
  // --- end Ingress and Gateway API ---
  /** The first malformed object met while answering (its checks errored), so the run exits 2. */
  damage?(): Error | undefined
  /** A check met an object it cannot understand (a malformed policy): the run ends with that error, exit 2. */
  reportMalformed?(error: Error): void
}
