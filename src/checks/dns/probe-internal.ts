import type {Check} from '../../engine/types.js'
import {clusterDomainOf} from './facts.js'
import {describeLookup, evidence, lookup, SOURCE_CHECK} from './lookup.js'
import type {DnsTarget} from './target.js'

/** kubernetes.default.svc.<domain> through the pod's nameserver, over UDP and over TCP: must answer the Service's ClusterIP. */
export const probeInternalLookupCheck: Check<DnsTarget> = {
  id: 'dns.probe.internal',
  title: 'Internal lookup (UDP, TCP)',
  layer: 'dns',
  needsProbe: true,
  symptom: true,
  dependsOn: [SOURCE_CHECK],
  requires: () => [{verb: 'get', resource: 'services', namespace: 'default'}],
  async run(ctx) {
    const domain = await clusterDomainOf(ctx.view, ctx.target.clusterDomain)
    const name = `kubernetes.default.svc.${domain}`
    const [service, udp, tcp] = await Promise.all([
      ctx.view.getService('default', 'kubernetes'),
      lookup(ctx, {name, transport: 'udp', search: false}),
      lookup(ctx, {name, transport: 'tcp', search: false}),
    ])
    const want = service?.spec?.clusterIP
    const ok = (l: typeof udp) => l.result?.status === 'NOERROR' && (!want || l.result.answers.includes(want))
    const details = {name, expected: want, udp: evidence(udp), tcp: evidence(tcp)}
    const udpText = `UDP: ${describeLookup(udp)}`
    const tcpText = `TCP: ${describeLookup(tcp)}`
    if (!ok(udp)) {
      const wrong = udp.result?.status === 'NOERROR' ? ` (expected ${want})` : ''
      return {status: 'fail', summary: `${name} does not resolve from the pod: ${udpText}${wrong}; ${tcpText}`, details, remediation: 'see the root cause above; by hand: kubectl exec -it POD -- dig ' + name}
    }
    if (tcp.unsupported) return {status: 'pass', summary: `${name} -> ${want} over UDP; TCP ${describeLookup(tcp)}`, details}
    if (!ok(tcp)) {
      return {
        status: 'warn',
        summary: `${name} resolves over UDP but not over TCP (${describeLookup(tcp)}): answers larger than 512 bytes and truncated replies will fail`,
        details,
        remediation: 'allow 53/TCP to kube-dns in NetworkPolicies and firewalls; check the kube-dns Service has a 53/TCP port',
      }
    }
    return {status: 'pass', summary: `${name} -> ${want} over UDP and TCP`, details}
  },
}
