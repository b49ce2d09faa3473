import {matchesSelector, parseLabelSelector} from '../analysis/labels.js'
import {badInput, OfflineError} from '../errors.js'
import {type SnapshotObject, readSnapshotFiles} from './snapshot-file.js'
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
  SnapshotKind,
} from './types.js'
import type {ClusterView} from './view.js'

const ALL = '*'

/** The same read-only view over a snapshot file: no kubeconfig, no network. */
export class SnapshotClusterView implements ClusterView {
  readonly source = 'snapshot' as const
  /** kind -> namespace (or ALL) -> objects */
  private readonly byNamespace = new Map<SnapshotKind, Map<string, SnapshotObject[]>>()
  private readonly byName = new Map<string, SnapshotObject>()

  constructor(
    objects: SnapshotObject[],
    private readonly label = 'snapshot',
  ) {
    for (const object of objects) this.add(object)
  }

  static fromFiles(paths: string[]): SnapshotClusterView {
    return new SnapshotClusterView(readSnapshotFiles(paths), paths.join(','))
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
    const seen = [...this.byNamespace.values()].some((index) => index.has(name))
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
    return this.list<NetworkPolicy>('NetworkPolicy', namespace, options)
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

  private add(object: SnapshotObject): void {
    const namespace = object.metadata?.namespace
    let index = this.byNamespace.get(object.kind)
    if (!index) this.byNamespace.set(object.kind, (index = new Map()))
    for (const bucket of namespace ? [namespace, ALL] : [ALL]) {
      const list = index.get(bucket)
      if (list) list.push(object)
      else index.set(bucket, [object])
    }
    this.byName.set(nameKey(object.kind, namespace, object.metadata?.name ?? ''), object)
  }

  private get<T>(kind: SnapshotKind, namespace: string | undefined, name: string): T | undefined {
    return this.byName.get(nameKey(kind, namespace, name)) as T | undefined
  }

  private list<T>(kind: SnapshotKind, namespace: string | undefined, options: ListOptions = {}): T[] {
    const objects = this.byNamespace.get(kind)?.get(namespace ?? ALL) ?? []
    const labelFilter = options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined
    const fieldFilter = options.fieldSelector ? parseFieldSelector(options.fieldSelector) : undefined
    if (!labelFilter && !fieldFilter) return objects as T[]
    return objects.filter(
      (object) =>
        (!labelFilter || matchesSelector(labelFilter, object.metadata?.labels ?? {})) &&
        (!fieldFilter || fieldFilter.every((term) => term.matches(object))),
    ) as T[]
  }
}

function nameKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}|${namespace ?? ''}|${name}`
}

interface FieldTerm {
  matches(object: SnapshotObject): boolean
}

/** The field selectors the API supports for the kinds we read: `a.b=c`, `a.b==c`, `a.b!=c`, comma-joined. */
function parseFieldSelector(selector: string): FieldTerm[] {
  return selector.split(',').map((term) => {
    const match = /^\s*([A-Za-z.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term)
    if (!match) throw badInput(`invalid field selector "${term}"`)
    const [, path, operator, value] = match
    const read = (object: SnapshotObject) =>
      path.split('.').reduce<unknown>((current, part) => (current as Record<string, unknown> | undefined)?.[part], object) ?? ''
    return {matches: (object) => (operator === '!=' ? String(read(object)) !== value : String(read(object)) === value)}
  })
}
