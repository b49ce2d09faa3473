import {matchesSelector, parseLabelSelector} from '../analysis/labels.js'
import {badInput, OfflineError} from '../errors.js'
import {isDeepStrictEqual} from 'node:util'

import {apiGroupOf, BUILTIN_GROUP, nameKey} from './snapshot-identity.js'
import {validateSnapshotObject} from './snapshot-validate.js'
import {parsedEntry, readSnapshotSegments, segmentsOf, type SnapshotEntry, type SnapshotObject, type SnapshotReadOptions, type SnapshotSegment} from './snapshot-file.js'
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
import {GATEWAY_GROUP, INGRESS_GROUP} from './not-served.js'
import type {ClusterView, DataGap} from './view.js'

const ALL = '*'

/** One kind's segments in file order, by namespace, and the lists made of them once asked for. */
class KindIndex {
  readonly segments: SnapshotSegment[] = []
  readonly byNamespace = new Map<string, SnapshotSegment[]>()
  /** namespace (or ALL) -> entries */
  readonly lists = new Map<string, SnapshotEntry[]>()
}

/**
 * The same read-only view over a snapshot file: no kubeconfig, no network. Objects are indexed by kind and
 * namespace up front (for a file in the layout `kubectl netdiag snapshot` writes, from the file's directory alone),
 * located by name when a list or get first reaches their kind and namespace, and parsed when it needs them, so
 * a run pays for the namespaces it reads.
 */
export class SnapshotClusterView implements ClusterView {
  readonly source = 'snapshot' as const
  private readonly byKind = new Map<SnapshotKind, KindIndex>()
  /** Every admitted entry by identity (nameKey); a segment is admitted when its kind and namespace are first read. */
  private readonly byName = new Map<string, SnapshotEntry>()
  private readonly admitted = new Map<SnapshotSegment, SnapshotEntry[]>()
  private malformed?: Error
  /** What the capture listed whole: `Kind` or `Kind/namespace` (CAPTURED_ANNOTATION). */
  private readonly captured = new Set<string>()

  constructor(
    objects: SnapshotObject[],
    private readonly label = 'snapshot',
    entries: SnapshotEntry[] = [],
    segments: SnapshotSegment[] = [],
  ) {
    for (const segment of [...segmentsOf(objects.map(parsedEntry)), ...segmentsOf(entries), ...segments]) {
      let index = this.byKind.get(segment.kind)
      if (!index) this.byKind.set(segment.kind, (index = new KindIndex()))
      index.segments.push(segment)
      if (segment.namespace) {
        const same = index.byNamespace.get(segment.namespace)
        if (same) same.push(segment)
        else index.byNamespace.set(segment.namespace, [segment])
      }
      // Objects already found are checked for conflicting copies now, as the whole file was read.
      if (!segment.deferred) this.admit(segment)
    }
  }

  static fromFiles(paths: string[], options: SnapshotReadOptions = {}): SnapshotClusterView {
    const captured = new Set<string>()
    const files = [...new Set(paths)]
    const segments = readSnapshotSegments(files, {...options, captured})
    const view = new SnapshotClusterView([], files.join(','), [], segments)
    // One file netdiag wrote holds each object once (its writer checks); several may disagree about one, which
    // is an error whichever namespace it is in: their objects are all located now, as any file's are.
    if (files.length > 1) for (const segment of segments) view.admit(segment)
    for (const scope of captured) view.captured.add(scope)
    return view
  }

  /** The first malformed object a list or get met: checks saw it as an error, the run must end with exit 2. */
  damage(): Error | undefined {
    return this.malformed
  }

  lacks(kind: SnapshotKind, namespace?: string): DataGap | undefined {
    const index = this.byKind.get(kind)
    if (namespace ? index?.byNamespace.has(namespace) : (index?.segments.length ?? 0) > 0) return undefined
    if (this.captured.has(kind) || (namespace && this.captured.has(`${kind}/${namespace}`))) return undefined
    // An empty namespace of an all-namespaces capture holds none of a kind legitimately: the kind is there in
    // other namespaces (two at least, so `kubectl get pods -n shop` does not count) and the Namespace object too.
    if (namespace && index && index.byNamespace.size >= 2 && this.located('Namespace', undefined, namespace)) return undefined
    return namespace
      ? {missing: `the snapshot holds no ${kind} in namespace ${namespace}`, settle: `a snapshot that includes namespace ${namespace} (kubectl netdiag snapshot captures every namespace), or a live run`}
      : {missing: `the snapshot holds no ${kind}`, settle: `a snapshot with the ${kind} objects (kubectl netdiag snapshot captures them), or a live run`}
  }

  /** Every namespace the snapshot holds anything of, sorted: what a hint names instead of a kubectl command. */
  namespaces(): string[] {
    const names = new Set<string>()
    for (const [kind, index] of this.byKind) {
      if (kind === 'Namespace') for (const entry of this.entries(kind, undefined)) names.add(entry.name)
      else for (const namespace of index.byNamespace.keys()) names.add(namespace)
    }
    return [...names].sort()
  }

  reportMalformed(error: Error): void {
    this.malformed ??= error
  }

  async info(): Promise<ClusterInfo> {
    const nodes = await this.listNodes()
    const version = nodes.map((n) => n.status?.nodeInfo?.kubeletVersion).find(Boolean)
    return {context: 'snapshot', server: this.label, version}
  }

  async listNamespaces(options?: ListOptions) {
    return this.list<Namespace>('Namespace', undefined, options)
  }

  async getNamespace(name: string) {
    const namespace = this.get<Namespace>('Namespace', undefined, name)
    if (namespace) return namespace
    // `kubectl get pods -A` without namespaces still tells us the namespace exists.
    const seen = [...this.byKind.values()].some((index) => index.byNamespace.has(name))
    return seen ? ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {'kubernetes.io/metadata.name': name}}} as Namespace) : undefined
  }

  async listNodes(options?: ListOptions) {
    return this.list<Node>('Node', undefined, options)
  }

  async getNode(name: string) {
    return this.get<Node>('Node', undefined, name)
  }

  async listPods(namespace: string | undefined, options?: ListOptions) {
    return this.list<Pod>('Pod', namespace, options)
  }

  async getPod(namespace: string, name: string) {
    return this.get<Pod>('Pod', namespace, name)
  }

  async listServices(namespace: string | undefined, options?: ListOptions) {
    return this.list<Service>('Service', namespace, options)
  }

  async getService(namespace: string, name: string) {
    return this.get<Service>('Service', namespace, name)
  }

  async listEndpointSlices(namespace: string | undefined, options?: ListOptions) {
    return this.list<EndpointSlice>('EndpointSlice', namespace, options)
  }

  async listNetworkPolicies(namespace: string | undefined, options?: ListOptions) {
    return this.list<NetworkPolicy>('NetworkPolicy', namespace, options).filter((p) => apiGroupOf(p.apiVersion, 'networking.k8s.io') === 'networking.k8s.io')
  }

  async servedPolicyResources(candidates: readonly PolicyResource[]) {
    // Namespaced kinds count as served when the kind is present at all: listPolicyObjects then parses and
    // filters by group only the namespaces asked for (every NetworkPolicy of a large snapshot is not parsed).
    return candidates.filter((r) =>
      r.namespaced ? this.byKind.has(r.kind as SnapshotKind) : this.list<PolicyObject>(r.kind as SnapshotKind, undefined).some((o) => apiGroupOf(o.apiVersion, '') === r.group),
    )
  }

  async listPolicyObjects(resource: PolicyResource, namespace?: string) {
    return this.list<PolicyObject>(resource.kind as SnapshotKind, resource.namespaced ? namespace : undefined).filter((o) => apiGroupOf(o.apiVersion, '') === resource.group)
  }

  async listDeployments(namespace: string | undefined, options?: ListOptions) {
    return this.list<Deployment>('Deployment', namespace, options)
  }

  async listDaemonSets(namespace: string | undefined, options?: ListOptions) {
    return this.list<DaemonSet>('DaemonSet', namespace, options)
  }

  async getConfigMap(namespace: string, name: string) {
    return this.get<ConfigMap>('ConfigMap', namespace, name)
  }

  async listConfigMaps(namespace: string, options?: ListOptions) {
    return this.list<ConfigMap>('ConfigMap', namespace, options)
  }

  async listEvents(): Promise<Event[]> {
    throw new OfflineError('events')
  }

  async podLogs(): Promise<string> {
    throw new OfflineError('pod logs')
  }

  // --- Ingress and Gateway API (kubectl netdiag ingress / route): kind and apiVersion group both match ---
  async listIngresses(namespace: string | undefined) {
    return this.inGroup<Ingress>('Ingress', INGRESS_GROUP, namespace)
  }

  async getIngress(namespace: string, name: string) {
    return this.inGroup<Ingress>('Ingress', INGRESS_GROUP, namespace, name)[0]
  }

  async listIngressClasses() {
    return this.inGroup<IngressClass>('IngressClass', INGRESS_GROUP, undefined)
  }

  async getGatewayClass(name: string) {
    return this.inGroup<GatewayClass>('GatewayClass', GATEWAY_GROUP, undefined, name)[0]
  }

  async getGateway(namespace: string, name: string) {
    return this.inGroup<Gateway>('Gateway', GATEWAY_GROUP, namespace, name)[0]
  }

  async getRoute(kind: RouteKind, namespace: string, name: string) {
    return this.inGroup<Route>(kind, GATEWAY_GROUP, namespace, name)[0]
  }

  async listReferenceGrants(namespace: string | undefined) {
    return this.inGroup<ReferenceGrant>('ReferenceGrant', GATEWAY_GROUP, namespace)
  }

  async listGatewayClasses() {
    return this.inGroup<GatewayClass>('GatewayClass', GATEWAY_GROUP, undefined)
  }

  async listGateways(namespace: string | undefined) {
    return this.inGroup<Gateway>('Gateway', GATEWAY_GROUP, namespace)
  }

  async listRoutes(kind: RouteKind, namespace: string | undefined) {
    return this.inGroup<Route>(kind, GATEWAY_GROUP, namespace)
  }

  async secretExists(): Promise<boolean> {
    throw new OfflineError('a Secret (snapshots never hold Secrets)')
  }

  private inGroup<T>(kind: SnapshotKind, group: string, namespace: string | undefined, name?: string): T[] {
    const objects = this.list<SnapshotObject>(kind, namespace, name === undefined ? {} : {fieldSelector: `metadata.name=${name}`})
    return objects.filter((o) => apiGroupOf(o.apiVersion, BUILTIN_GROUP[kind] ?? '?') === group) as T[]
  }
  // --- end Ingress and Gateway API ---

  /**
   * One object once, however often the files hold it (`--snapshot a.json --snapshot b.json` with overlapping
   * captures): the same uid, else the same API group, kind, namespace and name, is one object (a Calico
   * NetworkPolicy and a Kubernetes one of the same name are two). The same object with
   * different content in two places is an error naming both: which one is true cannot be known.
   */
  private add(entry: SnapshotEntry): boolean {
    const key = nameKey(entry.kind, entry.namespace, entry.name, entry.apiVersion)
    const seen = this.byName.get(key)
    if (seen) {
      if (sameObject(seen, entry)) return false
      const where = seen.source === entry.source ? `twice in ${entry.source}` : `in ${seen.source ?? 'the snapshot'} and in ${entry.source ?? 'the snapshot'}`
      const uids = seen.uid && entry.uid && seen.uid !== entry.uid ? ` (uid ${seen.uid} and ${entry.uid}: recreated between captures?)` : ''
      throw badInput(`${entry.kind} ${entry.namespace ? `${entry.namespace}/` : ''}${entry.name} appears ${where} with different content${uids}: pass one capture of it`)
    }
    this.byName.set(key, entry)
    return true
  }

  /** A segment's entries, each object once (see add); a deferred segment is read here, the first time. */
  private admit(segment: SnapshotSegment): SnapshotEntry[] {
    let kept = this.admitted.get(segment)
    if (kept) return kept
    try {
      kept = segment.entries().filter((entry) => this.add(entry))
    } catch (error) {
      // Read during a check: the run must still end with exit 2.
      if (segment.deferred) this.malformed ??= error as Error
      throw error
    }
    this.admitted.set(segment, kept)
    return kept
  }

  /** The entries of a kind in one namespace, or in all (ALL), in file order. */
  private entries(kind: SnapshotKind, namespace: string | undefined): SnapshotEntry[] {
    const index = this.byKind.get(kind)
    if (!index) return []
    const bucket = namespace ?? ALL
    let list = index.lists.get(bucket)
    if (list) return list
    list = []
    for (const segment of namespace === undefined ? index.segments : (index.byNamespace.get(namespace) ?? [])) for (const entry of this.admit(segment)) list.push(entry)
    index.lists.set(bucket, list)
    return list
  }

  /** Namespaces, nodes or a namespace's pod names the snapshot holds, sorted: what a "not found" hint names. */
  held(what: 'namespaces' | 'nodes' | {pods: string}): string[] {
    if (what === 'namespaces') return this.namespaces()
    const entries = what === 'nodes' ? this.entries('Node', undefined) : this.entries('Pod', what.pods)
    return entries.map((e) => e.name).sort()
  }

  private load(entry: SnapshotEntry): SnapshotObject {
    try {
      const object = entry.object()
      // A flag on the entry, not a WeakSet of objects: tens of thousands of weak keys cost the GC more than the check.
      if (!entry.validated) {
        validateSnapshotObject(object)
        entry.validated = true
      }
      return object
    } catch (error) {
      this.malformed ??= error as Error
      throw error
    }
  }

  /** The entry of that name, unparsed: locating the kind's objects of the namespace (all, for a kind without) admits them by name. */
  private located(kind: SnapshotKind, namespace: string | undefined, name: string): SnapshotEntry | undefined {
    this.entries(kind, namespace)
    return this.byName.get(nameKey(kind, namespace, name))
  }

  private get<T>(kind: SnapshotKind, namespace: string | undefined, name: string): T | undefined {
    const entry = this.located(kind, namespace, name)
    return entry ? (this.load(entry) as T) : undefined
  }

  private list<T>(kind: SnapshotKind, namespace: string | undefined, options: ListOptions = {}): T[] {
    let entries = this.entries(kind, namespace)
    const labelFilter = options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined
    const fieldFilter = options.fieldSelector ? parseFieldSelector(options.fieldSelector) : undefined
    // metadata.name/namespace terms are answered from the index, before any object is parsed.
    const indexed = fieldFilter?.filter((term) => term.matchesEntry)
    if (indexed?.length) entries = entries.filter((entry) => indexed.every((term) => term.matchesEntry!(entry)))
    const objects = entries.map((entry) => this.load(entry))
    if (!labelFilter && !fieldFilter) return objects as T[]
    return objects.filter(
      (object) =>
        (!labelFilter || matchesSelector(labelFilter, object.metadata?.labels ?? {})) &&
        (!fieldFilter || fieldFilter.every((term) => term.matches(object))),
    ) as T[]
  }
}

function sameObject(a: SnapshotEntry, b: SnapshotEntry): boolean {
  if (a.uid && b.uid && a.uid !== b.uid) return false
  if (a.raw && b.raw && a.raw() === b.raw()) return true
  return isDeepStrictEqual(a.object(), b.object())
}

interface FieldTerm {
  matches(object: SnapshotObject): boolean
  /** For the fields the index knows (INDEXED_FIELDS). */
  matchesEntry?(entry: SnapshotEntry): boolean
}

const INDEXED_FIELDS: Partial<Record<string, 'name' | 'namespace' | 'nodeName' | 'phase'>> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'spec.nodeName': 'nodeName',
  'status.phase': 'phase',
}

/** The field selectors the API supports for the kinds we read: `a.b=c`, `a.b==c`, `a.b!=c`, comma-joined. */
function parseFieldSelector(selector: string): FieldTerm[] {
  return selector.split(',').map((term) => {
    const match = /^\s*([A-Za-z.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term)
    if (!match) throw badInput(`invalid field selector "${term}"`)
    const [, path, operator, value] = match
    const read = (object: SnapshotObject) =>
      path.split('.').reduce<unknown>((current, part) => (current as Record<string, unknown> | undefined)?.[part], object) ?? ''
    const test = (actual: unknown) => (operator === '!=' ? String(actual ?? '') !== value : String(actual ?? '') === value)
    const indexed = INDEXED_FIELDS[path!]
    // An entry the index knows nothing about for this field is kept: its parsed object is tested after.
    const matchesEntry = (entry: SnapshotEntry) => (entry[indexed!] === undefined && indexed !== 'namespace' ? true : test(entry[indexed!]))
    return {matches: (object) => test(read(object)), ...(indexed ? {matchesEntry} : {})}
  })
}
