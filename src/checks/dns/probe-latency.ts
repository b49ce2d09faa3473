import {externalNameCost} from '../../analysis/dns/search-expansion.js'
import type {ResolvConf} from '../../analysis/dns/resolv-conf.js'
import type {Check} from '../../engine/types.js'
import {clusterDomainOf} from './facts.js'
import type {DnsTarget} from './target.js'

const SLOW_QUERY_MS = 100

/** What one external short lookup costs with the pod's ndots and search list, and how fast the servers answered. */
export const probeLatencyCheck: Check<DnsTarget> = {
  id: 'dns.probe.latency',
  title: 'Latency and search expansion',
  layer: 'dns',
  needsProbe: true,
  dependsOn: ['dns.probe.resolv-conf', 'dns.probe.internal', 'dns.probe.replicas'],
  async run(ctx) {
    const resolv = ctx.result('dns.probe.resolv-conf')?.details?.parsed as ResolvConf
    const internal = ctx.result('dns.probe.internal')?.details as {udp?: {queryTimeMs?: number}; tcp?: {queryTimeMs?: number}}
    const replicas = (ctx.result('dns.probe.replicas')?.details?.replicas as Array<{pod: string; queryTimeMs?: number}> | undefined) ?? []
    const domain = await clusterDomainOf(ctx.view, ctx.target.clusterDomain)
    const example = ctx.target.externalName ?? 'example.com'
    const cost = externalNameCost(example.replace(/\.$/, ''), {search: resolv.search, ndots: resolv.ndots}, {clusterDomain: domain})
    const times = [internal?.udp?.queryTimeMs, internal?.tcp?.queryTimeMs, ...replicas.map((r) => r.queryTimeMs)].filter((t): t is number => t !== undefined)
    const slowest = times.length ? Math.max(...times) : undefined
    const details = {queryTimesMs: times, searchCost: cost?.details, ndots: resolv.ndots, search: resolv.search}
    if (slowest !== undefined && slowest > SLOW_QUERY_MS) {
      return {status: 'warn', summary: `cluster DNS answered in up to ${slowest} ms (over ${SLOW_QUERY_MS} ms): CoreDNS is overloaded or far away`, details, remediation: 'scale CoreDNS (kubectl -n kube-system scale deploy coredns --replicas=N), or install NodeLocal DNSCache'}
    }
    if (cost && cost.severity === 'warn') return {status: 'warn', summary: cost.message, details, remediation: cost.remediation}
    const speed = slowest !== undefined ? `queries answered in ${Math.min(...times)}-${slowest} ms` : 'no timing available'
    return {status: 'pass', summary: `${speed}; ${cost ? cost.message : `an external name costs ${2} queries`}`, details}
  },
}
