// What the cluster's controllers would make of an overlay, so a what-if is judged as if applied and rolled out:
// a workload's pod template becomes one representative pod (Running and Ready: we assume the rollout succeeds,
// and say so in the pod's annotation), and a Service's EndpointSlice is recomputed from the pods its selector
// matches, as the EndpointSlice controller does (kubernetes pkg/controller/endpointslice: one endpoint per
// ready-or-not pod, ports resolved per pod; ready = pod Ready unless publishNotReadyAddresses).
import type {EndpointSlice, Pod, Service} from '../../cluster/types.js'
import {matchesSelector} from '../labels.js'
import {resolveTargetPort} from '../ports.js'
import {isPodReady} from '../svc/pod-readiness.js'
import {normalizeProtocol} from '../ports.js'

export const WHAT_IF_ANNOTATION = 'netdiag.io/what-if'

interface Workload {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string}
  spec?: {template?: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec?: Pod['spec']}}
}

/** The pod a workload's template would make; undefined when it has no template (nothing to run). */
export function podFromWorkload(workload: Workload): Pod | undefined {
  const template = workload.spec?.template
  if (!template?.spec) return undefined
  const name = workload.metadata?.name ?? 'workload'
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-what-if`,
      namespace: workload.metadata?.namespace,
      labels: {...(template.metadata?.labels ?? {})},
      annotations: {[WHAT_IF_ANNOTATION]: `${workload.kind} ${workload.metadata?.namespace}/${name} as if rolled out (assumed Running and Ready)`},
      ownerReferences: [{apiVersion: workload.apiVersion ?? 'apps/v1', kind: workload.kind ?? 'Deployment', name, uid: '', controller: true}],
    },
    spec: template.spec,
    status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]},
  }
}

/** The EndpointSlices the controller would write for a Service with a selector; [] for one without. */
export function endpointSlicesFor(service: Service, pods: readonly Pod[]): EndpointSlice[] {
  const selector = service.spec?.selector
  if (!selector || Object.keys(selector).length === 0) return []
  const name = service.metadata?.name ?? ''
  const namespace = service.metadata?.namespace
  const publish = service.spec?.publishNotReadyAddresses === true
  // One slice per distinct set of resolved ports, as the controller groups endpoints.
  const slices = new Map<string, EndpointSlice>()
  for (const pod of pods) {
    if (pod.metadata?.namespace !== namespace || !matchesSelector({matchLabels: selector}, pod.metadata?.labels ?? {})) continue
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue
    const ports = (service.spec?.ports ?? [])
      .map((p) => ({name: p.name ?? '', protocol: normalizeProtocol(p.protocol), port: resolveTargetPort(p, pod).resolved}))
      .filter((p): p is {name: string; protocol: string; port: number} => p.port !== undefined)
    const key = JSON.stringify(ports)
    let slice = slices.get(key)
    if (!slice) {
      slice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        addressType: 'IPv4',
        metadata: {name: `${name}-what-if-${slices.size}`, namespace, labels: {'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io'}, annotations: {[WHAT_IF_ANNOTATION]: 'recomputed from the what-if pods'}},
        ports,
        endpoints: [],
      }
      slices.set(key, slice)
    }
    const ready = publish || isPodReady(pod)
    const terminating = Boolean(pod.metadata?.deletionTimestamp)
    slice.endpoints.push({
      addresses: [pod.status?.podIP ?? '0.0.0.0'],
      conditions: {ready: ready && !terminating, serving: ready, terminating},
      targetRef: {kind: 'Pod', namespace, name: pod.metadata?.name},
      ...(pod.spec?.nodeName ? {nodeName: pod.spec.nodeName} : {}),
    })
  }
  return [...slices.values()]
}
