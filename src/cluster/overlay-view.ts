// The what-if view: another ClusterView with objects added or replaced (`--with`) and deleted (`--without`), as
// if applied and rolled out (src/analysis/whatif/synthesize.ts). It also serves `scan`, with no overlay at all:
// lists are read once unfiltered (one call for all namespaces with -A) and label selectors are answered from a
// label index, so a sweep over 10,000 Services costs one pass over the pods, not one API call per Service.
import {compileSelector, parseLabelSelector, selectorRequirements, type LabelMatcher, type Requirement} from '../analysis/labels.js'
import {endpointSlicesFor, podFromWorkload} from '../analysis/whatif/synthesize.js'
import {groupOf, identityKey, kindInfo, WORKLOAD_KINDS, type ObjectIdentity} from '../analysis/whatif/identity.js'
import {podOwner} from '../analysis/label-difference.js'
import {badInput} from '../errors.js'
import type {OverlayObject} from './overlay-files.js'
import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  LabelSelector,
  ListOptions,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  PolicyObject,
  PolicyResource,
  RouteKind,
  Service,
  SnapshotKind,
} from './types.js'
import type {ClusterView, DataGap} from './view.js'

type Obj = {apiVersion?: string; kind?: string; metadata?: {name?: string; namespace?: string; labels?: Record<string, string>; ownerReferences?: Array<{kind: string; name: string}>}}

export interface OverlaySpec {
  objects?: readonly OverlayObject[]
  deletions?: readonly ObjectIdentity[]
  /** Read every namespaced list once for all namespaces (scan -A) instead of once per namespace. */
  allNamespaces?: boolean
}

/** What the overlay did not apply, for the report: kinds netdiag does not analyse, routing kinds not overlaid yet. */
export interface OverlayNotes {
  applied: string[]
  deleted: string[]
  notAnalysed: string[]
}

/**
 * Kinds a sweep reads in one namespace only (Deployments: CoreDNS's in kube-system), never for all namespaces:
 * reading every namespace's to answer one would fetch (or, from a snapshot, parse) thousands for nothing.
 */
const READ_PER_NAMESPACE = new Set(['apps/Deployment'])

const ROUTING = new Set(['Ingress', 'IngressClass', 'Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'])

export class OverlayClusterView implements ClusterView {
  readonly source: ClusterView['source']
  private readonly added = new Map<string, Obj>()
  private readonly deleted = new Set<string>()
  private readonly deletedNamespaces = new Set<string>()
  /** `ns|Kind|name` of workloads the overlay replaces or deletes: their existing pods give way. */
  private readonly replacedWorkloads = new Set<string>()
  private readonly synthesizedPods: Pod[] = []
  /** Namespaces whose Services' EndpointSlices the overlay makes stale: recomputed from the what-if pods. */
  private readonly staleSlices = new Set<string>()
  private readonly newNamespaces = new Set<string>()
  private readonly baseLists = new Map<string, Promise<Obj[]>>()
  private readonly merged = new Map<string, Promise<Indexed>>()
  readonly notes: OverlayNotes = {applied: [], deleted: [], notAnalysed: []}

  constructor(
    private readonly base: ClusterView,
    private readonly spec: OverlaySpec = {},
  ) {
    this.source = base.source
    for (const {object, source} of spec.objects ?? []) {
      const group = groupOf(object.apiVersion)
      const id = {group, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name}
      const words = `${object.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name} (${source})`
      if (!kindInfo(group, object.kind) || ROUTING.has(object.kind)) {
        this.notes.notAnalysed.push(words)
        continue
      }
      this.notes.applied.push(words)
      if (WORKLOAD_KINDS.has(object.kind)) {
        this.replacedWorkloads.add(`${id.namespace}|${object.kind}|${id.name}`)
        const pod = podFromWorkload(object as never)
        if (pod) this.synthesizedPods.push(pod)
        this.staleSlices.add(id.namespace!)
      }
      if (object.kind === 'Service' || object.kind === 'Pod') this.staleSlices.add(id.namespace!)
      if (object.kind === 'Namespace') this.newNamespaces.add(id.name)
      this.added.set(identityKey(id), object)
    }
    for (const id of spec.deletions ?? []) {
      this.deleted.add(identityKey(id))
      this.notes.deleted.push(`${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`)
      if (id.kind === 'Namespace') this.deletedNamespaces.add(id.name)
      if (WORKLOAD_KINDS.has(id.kind)) this.replacedWorkloads.add(`${id.namespace}|${id.kind}|${id.name}`)
      if (id.namespace && ['Service', 'Pod', ...WORKLOAD_KINDS].includes(id.kind)) this.staleSlices.add(id.namespace)
    }
  }

  /** Whether the overlay changes anything (an empty --with directory is refused earlier). */
  get changes(): boolean {
    return this.added.size > 0 || this.deleted.size > 0
  }

  info() {
    return this.base.info()
  }

  lacks(kind: SnapshotKind, namespace?: string): DataGap | undefined {
    // A namespace the overlay creates holds nothing but what the overlay brings: nothing is missing there.
    if (namespace && this.newNamespaces.has(namespace) && !this.deletedNamespaces.has(namespace)) return undefined
    return this.base.lacks?.(kind, namespace)
  }

  damage() {
    return this.base.damage?.()
  }

  reportMalformed(error: Error) {
    this.base.reportMalformed?.(error)
  }

  async listNamespaces(options?: ListOptions) {
    return this.list<Namespace>('', 'Namespace', undefined, options, () => this.base.listNamespaces())
  }

  async getNamespace(name: string) {
    return this.get<Namespace>('', 'Namespace', undefined, name, () => this.base.getNamespace(name))
  }

  listNodes(options?: ListOptions) {
    return this.list<Node>('', 'Node', undefined, options, () => this.base.listNodes())
  }

  getNode(name: string) {
    return this.get<Node>('', 'Node', undefined, name, () => this.base.getNode(name))
  }

  listPods(namespace: string | undefined, options?: ListOptions) {
    return this.list<Pod>('', 'Pod', namespace, options, (ns) => this.base.listPods(ns))
  }

  async getPod(namespace: string, name: string) {
    const synthesized = this.synthesizedPods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name)
    if (synthesized) return synthesized
    const pod = await this.get<Pod>('', 'Pod', namespace, name, () => this.base.getPod(namespace, name))
    return pod && !this.replacedPod(pod, namespace) ? pod : undefined
  }

  listServices(namespace: string | undefined, options?: ListOptions) {
    return this.list<Service>('', 'Service', namespace, options, (ns) => this.base.listServices(ns))
  }

  getService(namespace: string, name: string) {
    return this.get<Service>('', 'Service', namespace, name, () => this.base.getService(namespace, name))
  }

  listEndpointSlices(namespace: string | undefined, options?: ListOptions) {
    return this.list<EndpointSlice>('discovery.k8s.io', 'EndpointSlice', namespace, options, (ns) => this.base.listEndpointSlices(ns))
  }

  listNetworkPolicies(namespace: string | undefined, options?: ListOptions) {
    return this.list<NetworkPolicy>('networking.k8s.io', 'NetworkPolicy', namespace, options, (ns) => this.base.listNetworkPolicies(ns))
  }

  async servedPolicyResources(candidates: readonly PolicyResource[]) {
    const served = await this.base.servedPolicyResources(candidates)
    const brought = candidates.filter((r) => !served.includes(r) && [...this.added.values()].some((o) => o.kind === r.kind && groupOf(o.apiVersion) === r.group))
    return [...served, ...brought]
  }

  listPolicyObjects(resource: PolicyResource, namespace?: string) {
    const served = this.base.servedPolicyResources([resource]).then((s) => s.length > 0)
    return this.list<PolicyObject>(resource.group, resource.kind, resource.namespaced ? namespace : undefined, undefined, async (ns) =>
      (await served) ? this.base.listPolicyObjects(resource, ns) : [],
    )
  }

  listDeployments(namespace: string | undefined, options?: ListOptions) {
    return this.list<Deployment>('apps', 'Deployment', namespace, options, (ns) => this.base.listDeployments(ns))
  }

  listDaemonSets(namespace: string | undefined, options?: ListOptions) {
    return this.list<DaemonSet>('apps', 'DaemonSet', namespace, options, (ns) => this.base.listDaemonSets(ns))
  }

  getConfigMap(namespace: string, name: string) {
    return this.get<ConfigMap>('', 'ConfigMap', namespace, name, () => this.base.getConfigMap(namespace, name))
  }

  listConfigMaps(namespace: string, options?: ListOptions) {
    return this.list<ConfigMap>('', 'ConfigMap', namespace, options, (ns) => this.base.listConfigMaps(ns!))
  }

  listEvents(namespace: string, options?: ListOptions) {
    return this.base.listEvents(namespace, options)
  }

  podLogs(namespace: string, pod: string, options: Parameters<ClusterView['podLogs']>[2]) {
    return this.base.podLogs(namespace, pod, options)
  }

  listIngresses(namespace: string | undefined) {
    return this.base.listIngresses(namespace)
  }

  getIngress(namespace: string, name: string) {
    return this.base.getIngress(namespace, name)
  }

  listIngressClasses() {
    return this.base.listIngressClasses()
  }

  getGatewayClass(name: string) {
    return this.base.getGatewayClass(name)
  }

  getGateway(namespace: string, name: string) {
    return this.base.getGateway(namespace, name)
  }

  getRoute(kind: RouteKind, namespace: string, name: string) {
    return this.base.getRoute(kind, namespace, name)
  }

  listReferenceGrants(namespace: string | undefined) {
    return this.base.listReferenceGrants(namespace)
  }

  listGatewayClasses() {
    return this.base.listGatewayClasses()
  }

  listGateways(namespace: string | undefined) {
    return this.base.listGateways(namespace)
  }

  listRoutes(kind: RouteKind, namespace: string | undefined) {
    return this.base.listRoutes(kind, namespace)
  }

  secretExists(namespace: string, name: string) {
    return this.base.secretExists(namespace, name)
  }

  // --- the overlay itself ---

  private hidden(group: string, kind: string, object: Obj, namespace: string | undefined): boolean {
    const ns = object.metadata?.namespace ?? namespace
    if (ns && this.deletedNamespaces.has(ns) && kind !== 'Namespace') return true
    const key = identityKey({group, kind, ...(ns && kind !== 'Namespace' && kind !== 'Node' ? {namespace: ns} : {}), name: object.metadata?.name ?? ''})
    return this.deleted.has(key) || this.added.has(key)
  }

  private replacedPod(pod: Pod, namespace: string | undefined): boolean {
    if (this.replacedWorkloads.size === 0) return false
    const owner = podOwner(pod)
    return this.replacedWorkloads.has(`${pod.metadata?.namespace ?? namespace}|${owner.kind}|${owner.name}`)
  }

  private async get<T>(group: string, kind: string, namespace: string | undefined, name: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.changes) return read()
    const key = identityKey({group, kind, ...(namespace ? {namespace} : {}), name})
    if (namespace && this.deletedNamespaces.has(namespace)) return undefined
    if (this.deleted.has(key)) return undefined
    const added = this.added.get(key)
    if (added) return added as T
    return read()
  }

  private baseList(kind: string, namespace: string | undefined, read: (namespace: string | undefined) => Promise<Obj[]>): Promise<Obj[]> {
    const all = this.spec.allNamespaces && namespace !== undefined && !READ_PER_NAMESPACE.has(kind)
    const key = `${kind}|${all ? '*' : (namespace ?? '*')}`
    let list = this.baseLists.get(key)
    if (!list) this.baseLists.set(key, (list = read(all ? undefined : namespace)))
    return all ? list.then((objects) => byNamespace(objects).get(namespace!) ?? []) : list
  }

  private async list<T>(group: string, kind: string, namespace: string | undefined, options: ListOptions | undefined, read: (namespace: string | undefined) => Promise<unknown[]>): Promise<T[]> {
    const key = `${group}/${kind}|${namespace ?? '*'}`
    let indexed = this.merged.get(key)
    if (!indexed) this.merged.set(key, (indexed = this.merge(group, kind, namespace, read)))
    return (await indexed).select(options) as T[]
  }

  private async merge(group: string, kind: string, namespace: string | undefined, read: (namespace: string | undefined) => Promise<unknown[]>): Promise<Indexed> {
    const listed = await this.baseList(`${group}/${kind}`, namespace, read as (ns: string | undefined) => Promise<Obj[]>)
    if (!this.changes) return new Indexed(listed)
    const base = listed.filter((o) => !this.hidden(group, kind, o, namespace) && !(kind === 'Pod' && this.replacedPod(o as Pod, namespace)))
    const inScope = (o: Obj) => namespace === undefined || o.metadata?.namespace === namespace
    const added = [...this.added.values()].filter((o) => o.kind === kind && groupOf(o.apiVersion) === group && inScope(o))
    let objects = [...base, ...added]
    if (kind === 'Pod') objects.push(...this.synthesizedPods.filter((p) => inScope(p as Obj) && !this.deletedNamespaces.has(p.metadata?.namespace ?? '')))
    if (kind === 'EndpointSlice' && this.staleSlices.size > 0) objects = await this.recomputeSlices(objects, namespace)
    return new Indexed(objects)
  }

  /** In namespaces the overlay touches, the slices of every Service with a selector come from the what-if pods. */
  private async recomputeSlices(slices: Obj[], namespace: string | undefined): Promise<Obj[]> {
    const namespaces = [...this.staleSlices].filter((ns) => namespace === undefined || ns === namespace)
    if (namespaces.length === 0) return slices
    const stale = new Set(namespaces)
    const kept = slices.filter((s) => !stale.has(s.metadata?.namespace ?? '') || s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'] !== 'endpointslice-controller.k8s.io')
    const fresh = await Promise.all(
      namespaces.map(async (ns) => {
        const [services, pods] = await Promise.all([this.listServices(ns), this.listPods(ns)])
        return services.flatMap((service) => endpointSlicesFor(service, pods))
      }),
    )
    return [...kept, ...(fresh.flat() as Obj[])]
  }
}

function byNamespace(objects: Obj[]): Map<string, Obj[]> {
  const cached = bucketCache.get(objects)
  if (cached) return cached
  const buckets = new Map<string, Obj[]>()
  for (const object of objects) {
    const ns = object.metadata?.namespace ?? ''
    const bucket = buckets.get(ns)
    if (bucket) bucket.push(object)
    else buckets.set(ns, [object])
  }
  bucketCache.set(objects, buckets)
  return buckets
}
const bucketCache = new WeakMap<Obj[], Map<string, Obj[]>>()

/** One list, with a label index built on first use: an equality term picks its bucket, the rest filters it. */
class Indexed {
  /** label key -> value -> objects (no `key=value` text per label of every object). */
  private byLabel?: Map<string, Map<string, Obj[]>>

  constructor(private readonly objects: Obj[]) {}

  select(options: ListOptions = {}): Obj[] {
    let objects = this.objects
    if (options.labelSelector) {
      const {matches, equality} = parsedSelector(options.labelSelector)
      if (equality) objects = this.index().get(equality.key)?.get(equality.values[0]!) ?? []
      objects = objects.filter((o) => matches(o.metadata?.labels ?? {}))
    }
    if (options.fieldSelector) objects = objects.filter(fieldFilter(options.fieldSelector))
    // A caller may sort what it gets: never hand out the cached list itself.
    return objects === this.objects ? objects.slice() : objects
  }

  private index(): Map<string, Map<string, Obj[]>> {
    if (this.byLabel) return this.byLabel
    const index = new Map<string, Map<string, Obj[]>>()
    for (const object of this.objects) {
      const labels = object.metadata?.labels
      if (!labels) continue
      for (const key in labels) {
        if (!Object.hasOwn(labels, key)) continue
        // As a string, the way the selector's value is compared (a snapshot could hold a non-string value).
        const value = `${labels[key]}`
        let values = index.get(key)
        if (!values) index.set(key, (values = new Map()))
        const bucket = values.get(value)
        if (bucket) bucket.push(object)
        else values.set(value, [object])
      }
    }
    return (this.byLabel = index)
  }
}

interface ParsedSelector {
  matches: LabelMatcher
  /** A `key=value` term, to pick the index bucket. */
  equality?: Requirement
}

const selectors = new Map<string, ParsedSelector>()

/** Parsed and compiled once per distinct selector: a sweep asks the same few thousand selectors of many lists. */
function parsedSelector(text: string): ParsedSelector {
  let parsed = selectors.get(text)
  if (!parsed) {
    let selector: LabelSelector
    try {
      selector = parseLabelSelector(text)
    } catch (error) {
      throw badInput(`invalid label selector "${text}": ${(error as Error).message}`)
    }
    const equality = selectorRequirements(selector).find((r) => r.operator === 'In' && r.values.length === 1)
    selectors.set(text, (parsed = {matches: compileSelector(selector), ...(equality ? {equality} : {})}))
  }
  return parsed
}

/** The field selectors the checks use (`a.b=c`, `a.b==c`, `a.b!=c`, comma-joined), evaluated locally. */
function fieldFilter(selector: string): (object: Obj) => boolean {
  const terms = selector.split(',').map((term) => {
    const match = /^\s*([A-Za-z.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term)
    if (!match) throw badInput(`invalid field selector "${term}"`)
    const [, path, operator, value] = match as unknown as [string, string, string, string]
    return (object: Obj) => {
      const actual = String(path.split('.').reduce<unknown>((current, part) => (current as Record<string, unknown> | undefined)?.[part], object) ?? '')
      return operator === '!=' ? actual !== value : actual === value
    }
  })
  return (object) => terms.every((test) => test(object))
}
