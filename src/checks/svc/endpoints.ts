import type {EndpointRecord, PortEndpoints} from '../../analysis/svc/endpoint-slices.js'
import {familyOf} from '../../analysis/svc/ip-families.js'
import {podNotReadyReason} from '../../analysis/svc/pod-readiness.js'
import {hasSelector} from '../../analysis/svc/service-type.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {podsByName, portsInScope, requireService, serviceRef, sliceSummary, slicesAndPodsAccess} from './facts.js'
import type {SvcTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

interface NotReadyEndpoint {
  address: string
  pod?: string
  node?: string
  terminating: boolean
  reason: string
}

/** "2/3", or per family for a dual-stack Service ("IPv4 1/1 and IPv6 1/1"): each pod is listed once per family. */
function readyCounts(p: PortEndpoints): string {
  const byFamily = new Map<string, {ready: number; total: number}>()
  for (const e of p.endpoints) {
    const f = familyOf(e.address) ?? '?'
    const c = byFamily.get(f) ?? {ready: 0, total: 0}
    c.total++
    if (e.ready) c.ready++
    byFamily.set(f, c)
  }
  if (byFamily.size < 2) return `${p.ready}/${p.endpoints.length}`
  return [...byFamily.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([f, c]) => `${f} ${c.ready}/${c.total}`).join(' and ')
}

function portName(p: PortEndpoints): string {
  return `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`
}

function whyNotReady(endpoint: EndpointRecord, pods: Map<string, Pod>): NotReadyEndpoint {
  const pod = endpoint.pod ? pods.get(endpoint.pod) : undefined
  const reason = endpoint.terminating ? 'terminating' : pod ? (podNotReadyReason(pod)?.message ?? 'pod is not ready') : 'not ready (no pod to inspect)'
  return {address: endpoint.address, ...(endpoint.pod ? {pod: endpoint.pod} : {}), ...(endpoint.nodeName ? {node: endpoint.nodeName} : {}), terminating: endpoint.terminating, reason}
}

/**
 * With publishNotReadyAddresses the EndpointSlice controller marks every endpoint ready whatever its pod says
 * (kubernetes pkg/controller/endpointslice: ready = publishNotReadyAddresses || podutil.IsPodReady), so the
 * pods themselves are the evidence. The first port whose published endpoints include pods failing readiness.
 */
function publishedButFailing(ports: PortEndpoints[], pods: Map<string, Pod>): {port: PortEndpoints; failing: NotReadyEndpoint[]; total: number} | undefined {
  for (const port of ports) {
    const published = port.endpoints.filter((e) => e.ready && !e.terminating && e.pod && pods.has(e.pod))
    const failing = published.filter((e) => podNotReadyReason(pods.get(e.pod!)!)).map((e) => whyNotReady({...e, ready: false}, pods))
    if (failing.length > 0) return {port, failing, total: published.length}
  }
  return undefined
}

/** EndpointSlices per port: ready/serving/terminating, and for every not-ready endpoint the pod and why. */
export const endpointsCheck: Check<SvcTarget> = {
  id: 'svc.endpoints',
  title: 'Endpoints',
  layer: 'service',
  dependsOn: ['svc.selector'],
  requires: slicesAndPodsAccess,
  async run({view, target}) {
    const service = await requireService(view, target)
    const name = `${target.namespace}/${target.name}`
    const [summary, pods] = await Promise.all([sliceSummary(view, target, service), podsByName(view, target, service)])
    const objects = [serviceRef(target), ...summary.slices.map((s) => ({kind: 'EndpointSlice', namespace: target.namespace, name: s}))]
    const perPort = summary.ports.map((p) => ({
      port: portName(p),
      ready: p.ready,
      serving: p.serving,
      terminating: p.terminating,
      notReady: p.endpoints.filter((e) => !e.ready).map((e) => whyNotReady(e, pods)),
    }))
    const details = {slices: summary.slices, managedBy: summary.managedBy, addressTypes: summary.addressTypes, ports: perPort, endpointsWithoutServicePorts: summary.withoutPorts.map((e) => e.pod ?? e.address)}
    if (summary.slices.length === 0) {
      const unknown = unknownWithout(view, [{kind: 'EndpointSlice', namespace: target.namespace}], `whether Service ${name} has endpoints`)
      if (unknown) return {...unknown, objects}
      return {
        status: 'fail',
        summary: hasSelector(service)
          ? `Service ${name} has no EndpointSlice although its selector matches pods: the EndpointSlice controller (kube-controller-manager) has not written any`
          : `Service ${name} has no selector and no EndpointSlice: nothing receives its traffic`,
        objects,
        details,
        remediation: hasSelector(service)
          ? 'check kube-controller-manager: kubectl -n kube-system logs -l component=kube-controller-manager --tail=50 | grep -i endpointslice'
          : `create an EndpointSlice labelled kubernetes.io/service-name=${target.name} in ${target.namespace} (see svc.type)`,
      }
    }
    const published = service.spec?.publishNotReadyAddresses ? publishedButFailing(summary.ports, pods) : undefined
    if (published) {
      const {port, failing, total} = published
      const every = failing.length === total
      return {
        status: every ? 'fail' : 'warn',
        summary: `Service ${name} has publishNotReadyAddresses: true, so its EndpointSlices call ${every ? `every endpoint of port ${portName(port)}` : `${failing.length} of ${total} endpoints of port ${portName(port)}`} ready although ${every ? 'no backend passes' : 'these fail'} readiness: ${failing.slice(0, 3).map((r) => `${r.pod}: ${r.reason}`).join('; ')}`,
        objects: [...objects, ...failing.slice(0, 5).map((r) => ({kind: 'Pod', namespace: target.namespace, name: r.pod!}))],
        details: {...details, publishNotReadyAddresses: true, failingReadiness: failing, explains: ['svc.connect', 'svc.dns']},
        remediation: `kubectl -n ${target.namespace} describe pod ${failing[0]!.pod}   # Events show the failing readiness probe; publishNotReadyAddresses (meant for StatefulSet peer discovery) sends traffic to pods that say they cannot serve`,
      }
    }
    const empty = summary.ports.filter((p) => p.ready === 0)
    if (empty.length > 0) {
      const p = empty[0]!
      const reasons = p.endpoints.map((e) => whyNotReady(e, pods))
      const terminatingOnly = p.serving > 0
      const why =
        reasons.length === 0
          ? summary.withoutPorts.length > 0
            ? `${summary.withoutPorts.length} pod(s) are endpoints of the Service but not of this port: its targetPort does not resolve on them (see svc.ports)`
            : 'no pod is listed'
          : reasons.slice(0, 3).map((r) => `${r.pod ?? r.address}: ${r.reason}`).join('; ')
      return {
        status: 'fail',
        summary: `Service ${name} has no ready endpoint for port ${portName(p)}${terminatingOnly ? ` (only ${p.serving} terminating endpoint(s) still serving)` : ''}: ${why}`,
        objects: [...objects, ...reasons.filter((r) => r.pod).slice(0, 5).map((r) => ({kind: 'Pod', namespace: target.namespace, name: r.pod!}))],
        details,
        remediation: reasons[0]?.pod
          ? `kubectl -n ${target.namespace} describe pod ${reasons[0].pod}   # Events show the failing probe's output; then kubectl -n ${target.namespace} logs ${reasons[0].pod}`
          : `kubectl -n ${target.namespace} get endpointslices -l kubernetes.io/service-name=${target.name} -o yaml`,
      }
    }
    const partial = summary.ports.filter((p) => p.notReady > 0)
    const counts = summary.ports.map((p) => `${readyCounts(p)} ready for ${portName(p)}`).join(', ')
    if (partial.length > 0) {
      const reasons = partial[0]!.endpoints.filter((e) => !e.ready).map((e) => whyNotReady(e, pods))
      return {
        status: 'warn',
        summary: `Service ${name}: ${counts}; not ready: ${reasons.slice(0, 3).map((r) => `${r.pod ?? r.address} (${r.reason})`).join('; ')}`,
        objects: [...objects, ...reasons.filter((r) => r.pod).slice(0, 5).map((r) => ({kind: 'Pod', namespace: target.namespace, name: r.pod!}))],
        details,
      }
    }
    const ports = portsInScope(service, target)
    return {
      status: 'pass',
      summary: `Service ${name}: ${counts || `no ports (${ports.length})`} in ${summary.slices.length} EndpointSlice(s)`,
      objects,
      details,
    }
  },
}
