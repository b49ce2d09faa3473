import {formatLabelSelector} from '../../analysis/labels.js'
import {summarizeEndpointSlices, type SliceSummary} from '../../analysis/svc/endpoint-slices.js'
import {hasSelector} from '../../analysis/svc/service-type.js'
import {selectServicePorts} from '../../analysis/svc/service-ports.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE, ROLE_LABEL} from '../../cluster/debug-pod-spec.js'
import type {AccessRequirement} from '../../cluster/access.js'
import type {EndpointSlice, ObjectRef, Pod, Service, ServicePort} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {SERVICE_NAME_LABEL, type SvcTarget} from './target.js'

// Lookups the svc checks share. The view caches API calls; this also caches what is derived from them, per
// view and target (the checks of one run share one target object), so e.g. the pod list is indexed once however
// many checks ask. Per target: a sweep's ten thousand Services each let go of theirs when their checks are done.
const memo = new WeakMap<ClusterView, WeakMap<SvcTarget, Map<string, Promise<unknown>>>>()

function once<T>(view: ClusterView, target: SvcTarget, key: string, compute: () => Promise<T>): Promise<T> {
  let perView = memo.get(view)
  if (!perView) memo.set(view, (perView = new WeakMap()))
  let cache = perView.get(target)
  if (!cache) perView.set(target, (cache = new Map()))
  let value = cache.get(key) as Promise<T> | undefined
  if (!value) cache.set(key, (value = compute()))
  return value
}

/** The Service, read once per target (each svc check asks; a live view caches the call, rejection included, the same way). */
export function serviceOf(view: ClusterView, target: SvcTarget): Promise<Service | undefined> {
  return once(view, target, 'service', () => view.getService(target.namespace, target.name))
}

/** Like serviceOf, for checks that depend on svc.service (which fails when it is missing). */
export async function requireService(view: ClusterView, target: SvcTarget): Promise<Service> {
  const service = await serviceOf(view, target)
  if (!service) throw new Error(`Service ${target.namespace}/${target.name} disappeared during the run`)
  return service
}

/** What a check reading the Service's EndpointSlices and pods needs. */
export function slicesAndPodsAccess({namespace}: SvcTarget): AccessRequirement[] {
  return [
    {verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', namespace},
    {verb: 'list', resource: 'pods', namespace},
  ]
}

export function serviceRef(target: SvcTarget): ObjectRef {
  return {kind: 'Service', namespace: target.namespace, name: target.name}
}

export function podRef(pod: Pod): ObjectRef {
  return {kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '?'}
}

/** The Service ports this run is about (--port, else all). The command has validated --port already. */
export function portsInScope(service: Service, target: SvcTarget): ServicePort[] {
  return selectServicePorts(service, target.port).ports
}

/**
 * Pods the Service's selector matches (the API filters live; a snapshot filters one namespace), once per run:
 * svc.selector, svc.ports and svc.type all ask. The list is shared, so it is frozen: no check may reorder it.
 */
export function selectedPods(view: ClusterView, target: SvcTarget, service: Service): Promise<readonly Pod[]> {
  if (!hasSelector(service)) return Promise.resolve([])
  const selector = formatLabelSelector({matchLabels: service.spec!.selector!})
  return once(view, target, `selected|${target.namespace}|${selector}`, async () => Object.freeze(await view.listPods(target.namespace, {labelSelector: selector})))
}

export function serviceSlices(view: ClusterView, target: SvcTarget): Promise<EndpointSlice[]> {
  return view.listEndpointSlices(target.namespace, {labelSelector: `${SERVICE_NAME_LABEL}=${target.name}`})
}

export function sliceSummary(view: ClusterView, target: SvcTarget, service: Service): Promise<SliceSummary> {
  return once(view, target, `slices|${target.namespace}|${target.name}|${target.port ?? ''}`, async () =>
    summarizeEndpointSlices(await serviceSlices(view, target), portsInScope(service, target)),
  )
}

/** Backend pods by name, for joining EndpointSlice targetRefs to pods. */
export function podsByName(view: ClusterView, target: SvcTarget, service: Service): Promise<Map<string, Pod>> {
  return once(view, target, `pods-by-name|${target.namespace}|${target.name}`, async () => new Map((await selectedPods(view, target, service)).map((p) => [p.metadata?.name ?? '', p])))
}

/**
 * The client as NetworkPolicies see it: the --from-pod pod, else the debug pod we start in the namespace
 * (labels from debug-pod-spec; the per-run session label is random, so no policy can select on it).
 */
export async function clientPod(view: ClusterView, target: SvcTarget): Promise<{pod: Pod; real: boolean}> {
  if (target.fromPod) {
    const pod = await view.getPod(target.fromPodNamespace ?? target.namespace, target.fromPod)
    if (pod) return {pod, real: true}
  }
  return {
    real: false,
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'netdiag-probe', namespace: target.namespace, labels: {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ROLE_LABEL]: 'netdiag-probe'}},
      spec: {containers: [{name: 'probe'}]},
    },
  }
}
