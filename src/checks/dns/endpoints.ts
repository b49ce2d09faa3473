import {formatLabels, matchesSelector} from '../../analysis/labels.js'
import type {EndpointSlice} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {dnsPods, dnsService, isPodReady, podRef} from './facts.js'
import {DNS_NAMESPACE, DNS_SELECTOR, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** The EndpointSlices of kube-dns list the ready CoreDNS pods, and only them. */
export const dnsEndpointsCheck: Check<DnsTarget> = {
  id: 'dns.endpoints',
  title: 'DNS endpoints',
  layer: 'dns',
  dependsOn: ['dns.service'],
  requires: () => [{verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', namespace: DNS_NAMESPACE}],
  async run({view}) {
    const unknown = unknownWithout(view, [{kind: 'Service', namespace: DNS_NAMESPACE}, {kind: 'EndpointSlice', namespace: DNS_NAMESPACE}, {kind: 'Pod', namespace: DNS_NAMESPACE}], 'whether kube-dns has ready endpoints')
    if (unknown) return unknown
    const service = await dnsService(view)
    if (!service) return {status: 'skip', skippedBecause: 'dns.service', summary: 'skipped: no cluster DNS Service'}
    const name = service.metadata!.name!
    const [slices, pods] = await Promise.all([
      view.listEndpointSlices(DNS_NAMESPACE, {labelSelector: `kubernetes.io/service-name=${name}`}),
      dnsPods(view),
    ])
    const ready = readyAddresses(slices)
    const readyPods = pods.filter(isPodReady)
    const readyPodIPs = new Set(readyPods.flatMap((p) => (p.status?.podIPs ?? []).map((ip) => ip.ip ?? '')).concat(readyPods.map((p) => p.status?.podIP ?? '')).filter(Boolean))
    const objects = [{kind: 'Service', namespace: DNS_NAMESPACE, name}, ...slices.map((s) => ({kind: 'EndpointSlice', namespace: DNS_NAMESPACE, name: s.metadata!.name!}))]
    const details = {slices: slices.length, readyAddresses: [...ready], readyPodIPs: [...readyPodIPs]}
    if (slices.length === 0) {
      return {status: 'fail', summary: `Service ${DNS_NAMESPACE}/${name} has no EndpointSlices: its selector ${JSON.stringify(service.spec?.selector ?? {})} matches no pod, or the EndpointSlice controller is not running`, objects, details, remediation: `compare: kubectl -n ${DNS_NAMESPACE} get pods -l k8s-app=kube-dns --show-labels`}
    }
    if (ready.size === 0) {
      const selector = service.spec?.selector ?? {}
      // Ready pods the selector misses: the Service is broken, not CoreDNS (the controller keeps an empty slice).
      if (readyPods.length > 0 && !readyPods.some((p) => matchesSelector({matchLabels: selector}, p.metadata?.labels))) {
        return {
          status: 'fail',
          summary: `Service ${DNS_NAMESPACE}/${name} has no ready endpoints although ${readyPods.length} CoreDNS pod(s) are ready: its selector ${formatLabels(selector) || '(none)'} matches none of them (they carry ${DNS_SELECTOR}); every lookup to its ClusterIP times out`,
          objects,
          details,
          remediation: `kubectl -n ${DNS_NAMESPACE} patch service ${name} --type=merge -p '{"spec":{"selector":{"k8s-app":"kube-dns"}}}'`,
        }
      }
      return {status: 'fail', summary: `Service ${DNS_NAMESPACE}/${name} has no ready endpoints: every lookup to its ClusterIP times out`, objects, details, remediation: 'fix the CoreDNS pods (see dns.pods); endpoints become ready with them'}
    }
    const stale = [...ready].filter((ip) => !readyPodIPs.has(ip))
    const missing = readyPods.filter((p) => !ready.has(p.status?.podIP ?? ''))
    if (stale.length > 0 || missing.length > 0) {
      return {
        status: 'warn',
        summary: `EndpointSlices of ${DNS_NAMESPACE}/${name} disagree with the ready CoreDNS pods:${stale.length ? ` ${stale.join(', ')} listed but not a ready pod;` : ''}${missing.length ? ` ${missing.map((p) => p.metadata?.name).join(', ')} ready but not listed` : ''}`,
        objects: [...objects, ...missing.map(podRef)],
        details: {...details, stale, missing: missing.map((p) => p.metadata?.name)},
        remediation: 'check the kube-controller-manager (EndpointSlice controller) logs; the pods\' labels must match the Service selector',
      }
    }
    return {status: 'pass', summary: `${ready.size} ready endpoint(s) in ${slices.length} EndpointSlice(s), matching the ready CoreDNS pods`, objects, details}
  },
}

/** Addresses whose endpoint is ready (an absent `ready` means ready, per discovery.k8s.io/v1). */
export function readyAddresses(slices: EndpointSlice[]): Set<string> {
  const ready = new Set<string>()
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue
      for (const address of endpoint.addresses ?? []) ready.add(address)
    }
  }
  return ready
}
