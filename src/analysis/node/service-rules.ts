// Which Service ports kube-proxy has programmed on a node, read from the rules of its mode, against what the API
// says should be there. A Service missing on one node (a failed or stuck sync) breaks only the pods on that node.
import type {Service} from '../../cluster/types.js'
import type {Finding} from './finding.js'

/** `10.96.0.10:53/UDP`, `[fd00:10:96::a]:53/UDP`. */
export type ServicePortKey = string

export function servicePortKey(ip: string, port: number, protocol: string): ServicePortKey {
  return `${ip.includes(':') ? `[${ip.toLowerCase()}]` : ip}:${port}/${protocol.toUpperCase()}`
}

/**
 * Elements of kube-proxy's nftables maps `service-ips` and `no-endpoint-services` (`nft list map ip kube-proxy
 * service-ips`): `10.96.0.1 . tcp . 443 : goto service-...`. Names of kube-proxy's maps: k8s.io/kubernetes
 * pkg/proxy/nftables/proxier.go (serviceIPsMap, noEndpointServicesMap).
 */
export function parseNftServiceMap(text: string): ServicePortKey[] {
  const keys: ServicePortKey[] = []
  const element = /([0-9a-fA-F:.]+) \. (tcp|udp|sctp) \. (\d+) :/g
  for (const m of text.matchAll(element)) keys.push(servicePortKey(m[1]!, Number(m[3]), m[2]!))
  return keys
}

/**
 * ClusterIP jumps in iptables-save's KUBE-SERVICES (nat: `-d 10.96.0.10/32 -p udp ... --dport 53 -j KUBE-SVC-...`;
 * filter: the REJECT kube-proxy writes for a Service with no endpoints). pkg/proxy/iptables/proxier.go.
 */
export function parseIptablesServiceRules(text: string): ServicePortKey[] {
  const keys: ServicePortKey[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('-A KUBE-SERVICES ')) continue
    const ip = / -d ([0-9a-fA-F:.]+)\/(?:32|128) /.exec(line)?.[1]
    const protocol = / -p (tcp|udp|sctp) /.exec(line)?.[1]
    const port = / --dport (\d+)/.exec(line)?.[1]
    if (ip && protocol && port) keys.push(servicePortKey(ip, Number(port), protocol))
  }
  return keys
}

/** Virtual servers in `ipvsadm -Ln`: `TCP  10.96.0.1:443 rr`, `UDP  [fd00::a]:53 rr`. */
export function parseIpvsadm(text: string): ServicePortKey[] {
  const keys: ServicePortKey[] = []
  for (const line of text.split('\n')) {
    const m = /^(TCP|UDP|SCTP)\s+(?:\[([0-9a-fA-F:]+)\]|([0-9.]+)):(\d+)\s/.exec(line)
    if (m) keys.push(servicePortKey(m[2] ?? m[3]!, Number(m[4]), m[1]!))
  }
  return keys
}

export interface ExpectedServicePort {
  service: string
  key: ServicePortKey
}

/** A Service this young may not be synced yet (kube-proxy's minSyncPeriod, often 1s): not judged. */
export const SYNC_GRACE_MS = 10_000

/**
 * Every ClusterIP port kube-proxy should program: not headless, not ExternalName, not claimed by another proxy,
 * not created within SYNC_GRACE_MS of `now`.
 */
export function expectedServicePorts(services: readonly Service[], now: Date): ExpectedServicePort[] {
  const out: ExpectedServicePort[] = []
  for (const s of services) {
    const created = s.metadata?.creationTimestamp ? new Date(s.metadata.creationTimestamp).getTime() : undefined
    if (created !== undefined && now.getTime() - created < SYNC_GRACE_MS) continue
    if (s.spec?.type === 'ExternalName') continue
    // kube-proxy ignores Services labelled for another proxy (service.kubernetes.io/service-proxy-name)
    if (s.metadata?.labels?.['service.kubernetes.io/service-proxy-name'] !== undefined) continue
    const ips = (s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None')
    for (const ip of ips) for (const p of s.spec?.ports ?? []) out.push({service: `${s.metadata?.namespace}/${s.metadata?.name}`, key: servicePortKey(ip, p.port, p.protocol ?? 'TCP')})
  }
  return out
}

export interface NodeServiceRules {
  /** The mode whose rules were read. */
  mode: string
  /** What was read (`nft list map ip kube-proxy service-ips`...); undefined when the rules could not be read. */
  keys?: ServicePortKey[]
  /** Why not, when keys is undefined. */
  unreadable?: string
  /** The families whose rules were read (`ip`, `ip6`): a Service of another family is not judged. */
  families: Array<'ipv4' | 'ipv6'>
  source: string
}

/** Services the API has whose ClusterIP ports are absent from the node's kube-proxy rules. */
export function judgeServiceRules(rules: NodeServiceRules, expected: readonly ExpectedServicePort[]): Finding[] {
  if (!rules.keys) {
    return [{status: 'warn', code: 'service-rules.unread', message: `kube-proxy ${rules.mode} mode: its Service rules could not be read (${rules.unreadable ?? 'unknown reason'}), so whether every Service is programmed on this node is unknown`}]
  }
  const have = new Set(rules.keys)
  const judged = expected.filter((e) => rules.families.includes(e.key.startsWith('[') ? 'ipv6' : 'ipv4'))
  const unjudged = expected.length - judged.length
  const missing = judged.filter((e) => !have.has(e.key))
  if (missing.length === 0) {
    const other = rules.families.includes('ipv4') ? 'IPv6' : 'IPv4'
    const note = unjudged > 0 ? `; ${unjudged} ${other} Service port(s) not judged (no ${other} rules were read)` : ''
    return [{status: 'pass', code: 'service-rules.complete', message: `all ${judged.length} Service port(s) are in ${rules.source}${note}`}]
  }
  const services = [...new Set(missing.map((m) => m.service))]
  return [
    {
      status: 'fail',
      code: 'service-rules.missing',
      message: `${missing.length} of ${judged.length} Service port(s) are missing from ${rules.source}: ${missing
        .slice(0, 4)
        .map((m) => `${m.service} ${m.key}`)
        .join(', ')}${missing.length > 4 ? ` (+${missing.length - 4} more)` : ''}: pods on this node cannot reach ${services.length === 1 ? 'that Service' : 'those Services'} by ClusterIP`,
      remediation: 'kube-proxy on this node did not program them: read its log (kubectl -n kube-system logs <kube-proxy pod on this node> --tail=100) for sync errors; restarting that pod resyncs every rule',
      details: {missing, services},
    },
  ]
}
