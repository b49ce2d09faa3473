import {expectedResolvConf} from '../../analysis/dns/resolv-conf.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clusterDomainOf, dnsService} from './facts.js'
import type {DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** The probes that look up cluster names through the pod's resolver. */
export const EXPLAINED_LOOKUPS = ['dns.probe.internal', 'dns.probe.search']

/** The DNS config the pod's spec asks for (dnsPolicy, dnsConfig) and the resolv.conf the kubelet should write. */
export const podDnsConfigCheck: Check<DnsTarget> = {
  id: 'dns.pod-config',
  title: 'Pod DNS config',
  layer: 'dns',
  requires: ({namespace, fromPod}) => (fromPod ? [{verb: 'get', resource: 'pods', namespace}] : []),
  async run({view, target}) {
    const [service, clusterDomain, fromPod] = await Promise.all([
      dnsService(view),
      clusterDomainOf(view, target.clusterDomain),
      target.fromPod ? view.getPod(target.namespace, target.fromPod) : Promise.resolve(undefined),
    ])
    const clusterIP = service?.spec?.clusterIP && service.spec.clusterIP !== 'None' ? service.spec.clusterIP : undefined
    const pod: Pod = fromPod ?? {metadata: {name: 'a new pod', namespace: target.namespace}, spec: {containers: [], dnsPolicy: 'ClusterFirst'}}
    const name = fromPod ? `pod ${target.namespace}/${target.fromPod}` : `a new pod in ${target.namespace}`
    const expected = expectedResolvConf(pod, {clusterDomain, clusterDNS: clusterIP ? [clusterIP] : []})
    const details = {pod: name, clusterDomain, clusterDNS: clusterIP, expected}
    const objects = fromPod ? [{kind: 'Pod', namespace: target.namespace, name: target.fromPod!}] : []
    // ClusterFirst gets the kube-dns address; without kube-dns in the input that address is unknown, not absent.
    const unknown = !service && pod.spec?.dnsPolicy !== 'Default' && pod.spec?.dnsPolicy !== 'None' ? unknownWithout(view, [{kind: 'Service', namespace: 'kube-system'}], `which nameserver ${name} gets`) : undefined
    if (unknown) return {...unknown, objects}
    // When the pod's lookups of cluster names then fail, this setting is why (see diagnose's explains).
    const explains = {...details, explains: EXPLAINED_LOOKUPS}
    if (expected.effectivePolicy === 'None' && (expected.nameservers ?? []).length === 0) {
      return {status: 'fail', summary: `${name} has dnsPolicy None and no dnsConfig.nameservers: it has no resolver at all`, objects, details: explains, remediation: 'set spec.dnsConfig.nameservers, or use dnsPolicy: ClusterFirst'}
    }
    if (expected.declaredPolicy !== expected.effectivePolicy || expected.effectivePolicy === 'Default') {
      return {
        status: 'warn',
        summary: `${name} resolves through the node's resolv.conf (dnsPolicy ${expected.declaredPolicy}${expected.declaredPolicy !== expected.effectivePolicy ? `, effectively ${expected.effectivePolicy}` : ''}): Service names do not resolve${expected.notes.length ? `; ${expected.notes[0]}` : ''}`,
        objects,
        details: explains,
        remediation: pod.spec?.hostNetwork ? 'set dnsPolicy: ClusterFirstWithHostNet on this hostNetwork pod' : 'set dnsPolicy: ClusterFirst (the default) unless the pod must not use cluster DNS',
      }
    }
    const ndots = expected.options.find((o) => o.startsWith('ndots:')) ?? 'ndots:5'
    return {
      status: 'pass',
      summary: `${name}: dnsPolicy ${expected.effectivePolicy}, nameserver ${(expected.nameservers ?? []).join(', ') || '(node)'}, search ${expected.search.slice(0, 3).join(' ')}, ${ndots}`,
      objects,
      details,
    }
  },
}
