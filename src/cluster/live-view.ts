import {ExitCode, NetdiagError} from '../errors.js'
import {type ApiLog, RawApiClient} from './api-client.js'
import {type Attempt, isNotFound, toNetdiagError} from './api-errors.js'
import type {Connection} from './kubeconfig.js'
import {timePhase} from './phase-times.js'
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
  Ingress,
  IngressClass,
  Gateway,
  GatewayClass,
  Route,
  RouteKind,
  ReferenceGrant,
} from './types.js'
import {GATEWAY_GROUP, NotServedError} from './not-served.js'
import type {ClusterView} from './view.js'

interface Resource {
  /** API path prefix: /api/v1 or /apis/GROUP/VERSION */
  prefix: string
  plural: string
  apiVersion: string
  kind: string
  namespaced: boolean
}

const CORE = '/api/v1'
const r = (prefix: string, plural: string, apiVersion: string, kind: string, namespaced = true): Resource => ({prefix, plural, apiVersion, kind, namespaced})
export const RESOURCES = {
  namespaces: r(CORE, 'namespaces', 'v1', 'Namespace', false),
  nodes: r(CORE, 'nodes', 'v1', 'Node', false),
  pods: r(CORE, 'pods', 'v1', 'Pod'),
  services: r(CORE, 'services', 'v1', 'Service'),
  configmaps: r(CORE, 'configmaps', 'v1', 'ConfigMap'),
  events: r(CORE, 'events', 'v1', 'Event'),
  endpointslices: r('/apis/discovery.k8s.io/v1', 'endpointslices', 'discovery.k8s.io/v1', 'EndpointSlice'),
  networkpolicies: r('/apis/networking.k8s.io/v1', 'networkpolicies', 'networking.k8s.io/v1', 'NetworkPolicy'),
  deployments: r('/apis/apps/v1', 'deployments', 'apps/v1', 'Deployment'),
  daemonsets: r('/apis/apps/v1', 'daemonsets', 'apps/v1', 'DaemonSet'),
  ingresses: r('/apis/networking.k8s.io/v1', 'ingresses', 'networking.k8s.io/v1', 'Ingress'),
  ingressclasses: r('/apis/networking.k8s.io/v1', 'ingressclasses', 'networking.k8s.io/v1', 'IngressClass', false),
  secrets: r(CORE, 'secrets', 'v1', 'Secret'),
} as const

// --- Ingress and Gateway API: kinds, and the versions tried in order (ReferenceGrant is v1beta1 on older CRDs) ---
const GATEWAY_VERSIONS = ['v1', 'v1beta1']
const GATEWAY_KINDS = {
  gatewayclasses: {kind: 'GatewayClass', namespaced: false},
  gateways: {kind: 'Gateway', namespaced: true},
  httproutes: {kind: 'HTTPRoute', namespaced: true},
  grpcroutes: {kind: 'GRPCRoute', namespaced: true},
  referencegrants: {kind: 'ReferenceGrant', namespaced: true},
} as const
type GatewayPlural = keyof typeof GATEWAY_KINDS
const ROUTE_PLURALS: Record<RouteKind, GatewayPlural> = {HTTPRoute: 'httproutes', GRPCRoute: 'grpcroutes'}
// --- end Ingress and Gateway API ---

/**
 * The live API, read-only. Each distinct call is made once per run (the promise is cached), lists use the
 * caller's label/field selectors, objects keep the API's wire shape, and every failure becomes a NetdiagError
 * naming the verb and resource.
 */
export class LiveClusterView implements ClusterView {
  readonly source = 'live' as const
  private readonly api: RawApiClient
  private readonly cache = new Map<string, Promise<unknown>>()
  private malformed?: Error

  constructor(
    private readonly connection: Connection,
    /** Per API request; 0: no limit of its own (the check's timeout still bounds it). */
    private readonly requestTimeoutMs = 30_000,
    log?: ApiLog,
  ) {
    this.api = new RawApiClient(connection, log)
  }

  /** A malformed object a check met (a policy it cannot understand): the run exits 2 with it. */
  damage(): Error | undefined {
    return this.malformed
  }

  reportMalformed(error: Error): void {
    this.malformed ??= error
  }

  info(): Promise<ClusterInfo> {
    return this.call('version', {verb: 'get', resource: 'version'}, async () => {
      const version = await this.api.get<{gitVersion?: string}>('/version')
      return {context: this.connection.context, server: this.connection.server, version: version.gitVersion}
    })
  }

  listNamespaces(options?: ListOptions) {
    return this.list<Namespace>(RESOURCES.namespaces, undefined, options)
  }

  getNamespace(name: string) {
    return this.get<Namespace>(RESOURCES.namespaces, undefined, name)
  }

  listNodes(options?: ListOptions) {
    return this.list<Node>(RESOURCES.nodes, undefined, options)
  }

  getNode(name: string) {
    return this.get<Node>(RESOURCES.nodes, undefined, name)
  }

  listPods(namespace: string | undefined, options?: ListOptions) {
    return this.list<Pod>(RESOURCES.pods, namespace, options)
  }

  getPod(namespace: string, name: string) {
    return this.get<Pod>(RESOURCES.pods, namespace, name)
  }

  listServices(namespace: string | undefined, options?: ListOptions) {
    return this.list<Service>(RESOURCES.services, namespace, options)
  }

  getService(namespace: string, name: string) {
    return this.get<Service>(RESOURCES.services, namespace, name)
  }

  listEndpointSlices(namespace: string | undefined, options?: ListOptions) {
    return this.list<EndpointSlice>(RESOURCES.endpointslices, namespace, options)
  }

  listNetworkPolicies(namespace: string | undefined, options?: ListOptions) {
    return this.list<NetworkPolicy>(RESOURCES.networkpolicies, namespace, options)
  }

  servedPolicyResources(candidates: readonly PolicyResource[]): Promise<PolicyResource[]> {
    return this.call(`discovery|${candidates.map((c) => `${c.group}/${c.version}/${c.plural}`).join(',')}`, {verb: 'get', resource: 'API discovery'}, async () => {
      const groups = await this.api.get<{groups?: Array<{name: string; versions?: Array<{version: string}>}>}>('/apis')
      const servedVersions = new Set((groups.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => `${g.name}/${v.version}`)))
      const wanted = [...new Set(candidates.map((c) => `${c.group}/${c.version}`))].filter((gv) => servedVersions.has(gv))
      const served = new Map(await Promise.all(wanted.map(async (gv) => [gv, await this.servedResources(gv)] as const)))
      return candidates.filter((c) => served.get(`${c.group}/${c.version}`)?.has(c.plural))
    })
  }

  listPolicyObjects(resource: PolicyResource, namespace?: string) {
    return this.list<PolicyObject>(r(`/apis/${resource.group}/${resource.version}`, resource.plural, `${resource.group}/${resource.version}`, resource.kind, resource.namespaced), namespace, {}, resource.group)
  }

  listDeployments(namespace: string | undefined, options?: ListOptions) {
    return this.list<Deployment>(RESOURCES.deployments, namespace, options)
  }

  listDaemonSets(namespace: string | undefined, options?: ListOptions) {
    return this.list<DaemonSet>(RESOURCES.daemonsets, namespace, options)
  }

  getConfigMap(namespace: string, name: string) {
    return this.get<ConfigMap>(RESOURCES.configmaps, namespace, name)
  }

  listConfigMaps(namespace: string, options?: ListOptions) {
    return this.list<ConfigMap>(RESOURCES.configmaps, namespace, options)
  }

  listEvents(namespace: string, options?: ListOptions) {
    return this.list<Event>(RESOURCES.events, namespace, options)
  }

  podLogs(namespace: string, pod: string, options: {container?: string; sinceSeconds?: number; tailLines?: number; previous?: boolean}) {
    const path = `${CORE}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`
    return this.call(`log|${namespace}|${pod}|${JSON.stringify(options)}`, {verb: 'get', resource: 'pods/log', namespace, name: pod}, () =>
      this.api.get<string>(path, options, 'text'),
    )
  }

  // --- Ingress and Gateway API (kubectl netdiag ingress / route) ---
  listIngresses(namespace: string | undefined) {
    return this.list<Ingress>(RESOURCES.ingresses, namespace)
  }

  getIngress(namespace: string, name: string) {
    return this.get<Ingress>(RESOURCES.ingresses, namespace, name)
  }

  listIngressClasses() {
    return this.list<IngressClass>(RESOURCES.ingressclasses, undefined)
  }

  async getGatewayClass(name: string) {
    return this.get<GatewayClass>(await this.gatewayResource('gatewayclasses'), undefined, name)
  }

  async getGateway(namespace: string, name: string) {
    return this.get<Gateway>(await this.gatewayResource('gateways'), namespace, name)
  }

  async getRoute(kind: RouteKind, namespace: string, name: string) {
    return this.get<Route>(await this.gatewayResource(ROUTE_PLURALS[kind]), namespace, name)
  }

  async listReferenceGrants(namespace: string | undefined) {
    return this.list<ReferenceGrant>(await this.gatewayResource('referencegrants'), namespace)
  }

  async listGatewayClasses() {
    return this.list<GatewayClass>(await this.gatewayResource('gatewayclasses'), undefined)
  }

  async listGateways(namespace: string | undefined) {
    return this.list<Gateway>(await this.gatewayResource('gateways'), namespace)
  }

  async listRoutes(kind: RouteKind, namespace: string | undefined) {
    return this.list<Route>(await this.gatewayResource(ROUTE_PLURALS[kind]), namespace)
  }

  /** GET with Accept: PartialObjectMetadata, so the API server returns metadata and never the Secret's data. */
  secretExists(namespace: string, name: string): Promise<boolean> {
    const path = `${CORE}/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`
    return this.call(`secret-meta|${namespace}|${name}`, {verb: 'get', resource: 'secrets', namespace, name}, async () => {
      try {
        await this.api.get(path, {}, 'json', {Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'})
        return true
      } catch (error) {
        if (isNotFound(error)) return false
        throw error
      }
    })
  }

  /** The first served version of a Gateway API kind, by discovery; NotServedError when no version serves it. */
  private gatewayResource(plural: GatewayPlural): Promise<Resource> {
    const {kind, namespaced} = GATEWAY_KINDS[plural]
    return this.call(`gateway-resource|${plural}`, {verb: 'get', resource: `${GATEWAY_GROUP} discovery`}, async () => {
      for (const version of GATEWAY_VERSIONS) {
        const served = await this.servedResources(`${GATEWAY_GROUP}/${version}`)
        if (served.has(plural)) return r(`/apis/${GATEWAY_GROUP}/${version}`, plural, `${GATEWAY_GROUP}/${version}`, kind, namespaced)
      }
      throw new NotServedError(`${kind}.${GATEWAY_GROUP}`)
    })
  }

  // --- end Ingress and Gateway API ---

  /** The resources one group/version serves, by discovery (cached per run); none when the API server has no such group. */
  private servedResources(groupVersion: string): Promise<Set<string>> {
    return this.call(`discovery|${groupVersion}`, {verb: 'get', resource: `${groupVersion} discovery`}, async () => {
      try {
        const list = await this.api.get<{resources?: Array<{name?: string}>}>(`/apis/${groupVersion}`)
        return new Set((list.resources ?? []).map((res) => res.name ?? ''))
      } catch (error) {
        if (isNotFound(error)) return new Set<string>()
        throw error
      }
    })
  }

  private list<T>(resource: Resource, namespace: string | undefined, options: ListOptions = {}, group = ''): Promise<T[]> {
    const path = namespace && resource.namespaced ? `${resource.prefix}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}` : `${resource.prefix}/${resource.plural}`
    const key = `${group}${resource.plural}|${namespace ?? '*'}|${options.labelSelector ?? ''}|${options.fieldSelector ?? ''}`
    return this.call(key, {verb: 'list', resource: group ? `${resource.plural}.${group}` : resource.plural, namespace}, async () => {
      const list = await this.api.get<{items?: Array<Record<string, unknown>>}>(path, {labelSelector: options.labelSelector, fieldSelector: options.fieldSelector})
      // List items come without apiVersion/kind; add them so objects look the same live and in snapshots.
      return (list.items ?? []).map((item) => ({apiVersion: resource.apiVersion, kind: resource.kind, ...item})) as T[]
    })
  }

  private get<T>(resource: Resource, namespace: string | undefined, name: string): Promise<T | undefined> {
    const path = `${resource.prefix}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.plural}/${encodeURIComponent(name)}`
    return this.call(`${resource.plural}|${namespace ?? ''}|${name}`, {verb: 'get', resource: resource.plural, namespace, name}, async () => {
      try {
        return await this.api.get<T>(path)
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    })
  }

  private call<T>(cacheKey: string, attempt: Attempt, fetch: () => Promise<T>): Promise<T> {
    const cached = this.cache.get(cacheKey)
    if (cached) return cached as Promise<T>
    const promise = timePhase('api', () => withTimeout(fetch(), this.requestTimeoutMs, attempt)).catch((error: unknown) => {
      throw toNetdiagError(error, {...attempt, server: this.connection.server})
    })
    this.cache.set(cacheKey, promise)
    return promise
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, attempt: Attempt): Promise<T> {
  if (ms <= 0) return promise
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new NetdiagError(
            `the API server did not answer within ${Math.round(ms / 1000)}s to ${attempt.verb} ${attempt.resource}: it is overloaded or unreachable`,
            ExitCode.unreachable,
            'timeout',
          ),
        ),
      ms,
    )
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
