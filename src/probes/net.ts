// Probes for the pod-to-pod path and node interfaces: the commands to run and parsers of what iproute2,
// iputils/busybox ping, OpenBSD/busybox netcat, tracepath and traceroute print.

// ---------------------------------------------------------------------------------------------- ip link

export interface IpLink {
  index: number
  name: string
  /** The peer or lower device after `@` (veth peer index `if5`, `NONE` for tunl0). */
  link?: string
  mtu: number
  /** Device kind from `ip -d`: vxlan, ipip, geneve, wireguard, veth, bridge, ... undefined for plain NICs. */
  kind?: string
  /** operstate: UP, DOWN, UNKNOWN (tunnels and loopback report UNKNOWN when working), LOWERLAYERDOWN. */
  state: string
  flags: string[]
  /** Administratively up (flag UP). */
  up: boolean
  master?: string
  /** VXLAN details, when the kind is vxlan: VNI and UDP port tell flannel (8472) from Calico (4789). */
  vxlan?: {id?: number; port?: number; local?: string; dev?: string}
}

/** `ip -j -d link`: without -d the JSON has no linkinfo and hence no kind. */
export const IP_LINK_JSON_COMMAND = ['ip', '-j', '-d', 'link', 'show']
/** For images whose ip has no JSON output (old iproute2). */
export const IP_LINK_TEXT_COMMAND = ['ip', '-d', 'link', 'show']
export const IP_ADDR_JSON_COMMAND = ['ip', '-j', 'addr', 'show']

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses `ip -j [-d] link`; throws on output that is not iproute2 JSON. */
export function parseIpLinkJson(stdout: string): IpLink[] {
  const doc: unknown = JSON.parse(stdout)
  if (!Array.isArray(doc)) throw new Error('ip -j link: expected a JSON array')
  return doc.filter(isObject).map((l) => {
    const info = isObject(l.linkinfo) ? l.linkinfo : undefined
    const flags = Array.isArray(l.flags) ? l.flags.filter((f): f is string => typeof f === 'string') : []
    const link: IpLink = {
      index: typeof l.ifindex === 'number' ? l.ifindex : 0,
      name: String(l.ifname ?? ''),
      mtu: typeof l.mtu === 'number' ? l.mtu : 0,
      state: typeof l.operstate === 'string' ? l.operstate : 'UNKNOWN',
      flags,
      up: flags.includes('UP'),
    }
    if (typeof l.link === 'string') link.link = l.link
    if (typeof l.master === 'string') link.master = l.master
    if (info && typeof info.info_kind === 'string') link.kind = info.info_kind
    if (link.kind === 'vxlan' && info && isObject(info.info_data)) {
      const d = info.info_data
      link.vxlan = {
        id: typeof d.id === 'number' ? d.id : undefined,
        port: typeof d.port === 'number' ? d.port : undefined,
        local: typeof d.local === 'string' ? d.local : undefined,
        dev: typeof d.link === 'string' ? d.link : undefined,
      }
    }
    return link
  })
}

/** Words that start an `ip -d link` detail line without being a device kind. */
const NOT_A_KIND = new Set(['addrgenmode', 'numtxqueues', 'numrxqueues', 'altname', 'alias', 'inet', 'inet6', 'vf', 'prop', 'valid_lft', 'gso_max_size'])

/** Parses `ip [-d] link` text (iproute2). Kinds are only known with -d. */
export function parseIpLinkText(stdout: string): IpLink[] {
  const links: IpLink[] = []
  let current: IpLink | undefined
  let detailLines = 0
  for (const line of stdout.split('\n')) {
    const head = /^(\d+):\s+([^:@\s]+)(?:@([^:\s]+))?:\s+<([^>]*)>(.*)$/.exec(line)
    if (head) {
      const rest = head[5]
      const word = (key: string) => new RegExp(`\\b${key} (\\S+)`).exec(rest)?.[1]
      const flags = head[4] === '' ? [] : head[4].split(',')
      current = {
        index: Number(head[1]),
        name: head[2],
        mtu: Number(word('mtu') ?? 0),
        state: word('state') ?? 'UNKNOWN',
        flags,
        up: flags.includes('UP'),
      }
      if (head[3]) current.link = head[3]
      const master = word('master')
      if (master) current.master = master
      links.push(current)
      detailLines = 0
      continue
    }
    if (!current || !/^\s+\S/.test(line)) continue
    detailLines++
    const tokens = line.trim().split(/\s+/)
    // Line 1 is link/<type>; the kind, if any, leads line 2 (`vxlan id 1 ...`, `ipip any remote ...`, `veth`).
    if (detailLines === 2 && /^[a-z][a-z0-9_]*$/.test(tokens[0]) && !tokens[0].endsWith('_slave') && !NOT_A_KIND.has(tokens[0])) {
      current.kind = tokens[0]
      if (current.kind === 'vxlan') {
        const after = (key: string) => {
          const i = tokens.indexOf(key)
          return i >= 0 ? tokens[i + 1] : undefined
        }
        current.vxlan = {
          id: after('id') !== undefined ? Number(after('id')) : undefined,
          port: after('dstport') !== undefined ? Number(after('dstport')) : undefined,
          local: after('local'),
          dev: after('dev'),
        }
      }
    }
  }
  return links
}

export interface IpAddress {
  family: 'inet' | 'inet6'
  address: string
  prefixlen: number
  scope?: string
}

export interface IpInterfaceAddresses {
  name: string
  mtu: number
  state: string
  addresses: IpAddress[]
}

/** Parses `ip -j addr`. */
export function parseIpAddrJson(stdout: string): IpInterfaceAddresses[] {
  const doc: unknown = JSON.parse(stdout)
  if (!Array.isArray(doc)) throw new Error('ip -j addr: expected a JSON array')
  return doc.filter(isObject).map((l) => ({
    name: String(l.ifname ?? ''),
    mtu: typeof l.mtu === 'number' ? l.mtu : 0,
    state: typeof l.operstate === 'string' ? l.operstate : 'UNKNOWN',
    addresses: (Array.isArray(l.addr_info) ? l.addr_info : [])
      .filter(isObject)
      .filter((a) => (a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string')
      .map((a) => ({
        family: a.family as 'inet' | 'inet6',
        address: a.local as string,
        prefixlen: typeof a.prefixlen === 'number' ? a.prefixlen : 0,
        ...(typeof a.scope === 'string' ? {scope: a.scope} : {}),
      })),
  }))
}

const TUNNEL_KINDS = new Set(['vxlan', 'ipip', 'geneve', 'wireguard', 'gre', 'ip6tnl', 'sit'])

/** Tunnel devices among the links (flannel.1, vxlan.calico, tunl0, cilium_vxlan, wireguard.cali, genev_sys_6081). */
export function tunnelLinks(links: readonly IpLink[]): IpLink[] {
  // The kernel's fallback devices (tunl0@NONE with remote any) exist whenever the module is loaded; Calico uses tunl0 itself.
  return links.filter((l) => l.kind !== undefined && TUNNEL_KINDS.has(l.kind))
}

// ------------------------------------------------------------------------------------------------- ping

export interface PingOptions {
  host: string
  count?: number
  /** Seconds to wait for each reply (-W). */
  timeoutSeconds?: number
  /** ICMP payload bytes (-s); the IPv4 packet is 28 bytes larger. */
  size?: number
  /** Set DF and forbid local fragmentation (-M do, iputils only: busybox ping has no -M). */
  dontFragment?: boolean
  intervalSeconds?: number
}

export function pingCommand(options: PingOptions): string[] {
  const cmd = ['ping', '-c', String(options.count ?? 3), '-W', String(options.timeoutSeconds ?? 2)]
  if (options.intervalSeconds !== undefined) cmd.push('-i', String(options.intervalSeconds))
  if (options.dontFragment) cmd.push('-M', 'do')
  if (options.size !== undefined) cmd.push('-s', String(options.size))
  cmd.push(options.host)
  return cmd
}

/** Payload that makes a packet of exactly `mtu` bytes: IPv4 20 + ICMP 8 = 28 header bytes; IPv6 40 + 8 = 48. */
export function pingPayloadForMtu(mtu: number, ipv6 = false): number {
  return mtu - (ipv6 ? 48 : 28)
}

export type PingOutcome = 'reply' | 'too-big' | 'unreachable' | 'no-reply' | 'unknown-host' | 'error'

export interface PingResult {
  outcome: PingOutcome
  flavor: 'iputils' | 'busybox' | 'unknown'
  transmitted?: number
  received?: number
  /** ICMP errors and local send errors counted by iputils (`+3 errors`). */
  errors?: number
  lossPercent?: number
  rttMs?: {min: number; avg: number; max: number; mdev?: number}
  /** Payload and packet size from the header line: `1472(1500) bytes of data`. */
  payloadSize?: number
  packetSize?: number
  /** A router answered "Frag needed and DF set (mtu = N)". */
  fragNeededMtu?: number
  /** The local kernel refused: "local error: message too long, mtu=N" (or `sendmsg: Message too long`). */
  localTooBig?: {mtu?: number}
  /** ICMP errors from the path: "Destination Host Unreachable", "Packet filtered"... */
  icmpErrors: Array<{from: string; message: string}>
  /** The line that decided the outcome, for evidence. */
  evidence?: string
}

/** Parses iputils and busybox ping output (stdout and stderr together). */
export function parsePing(output: string): PingResult {
  const result: PingResult = {outcome: 'error', flavor: 'unknown', icmpErrors: []}
  const header = /^PING \S+ \(([^)]+)\)(?::)? (\d+)(?:\((\d+)\))? (?:data )?bytes/m.exec(output)
  if (header) {
    result.payloadSize = Number(header[2])
    if (header[3]) result.packetSize = Number(header[3])
    result.flavor = /\) \d+\(\d+\) bytes of data/.test(header[0]) ? 'iputils' : /: \d+ data bytes/.test(header[0]) ? 'busybox' : 'unknown'
  }
  const stats = /(\d+) packets transmitted, (\d+)(?: packets)? received(?:, \+(\d+) errors)?(?:, \+\d+ duplicates)?, ([\d.]+)% packet loss/.exec(output)
  if (stats) {
    result.transmitted = Number(stats[1])
    result.received = Number(stats[2])
    if (stats[3]) result.errors = Number(stats[3])
    result.lossPercent = Number(stats[4])
    if (result.flavor === 'unknown') result.flavor = /packets received/.test(stats[0]) ? 'busybox' : 'iputils'
  }
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/.exec(output)
  if (rtt) {
    result.rttMs = {min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3])}
    if (rtt[4] !== undefined) result.rttMs.mdev = Number(rtt[4])
  }
  const frag = /Frag(?:mentation)? needed and DF set \(mtu = (\d+)\)/.exec(output)
  if (frag) result.fragNeededMtu = Number(frag[1])
  const local = /message too long, mtu=(\d+)/i.exec(output)
  if (local) result.localTooBig = {mtu: Number(local[1])}
  else if (/sendmsg: Message too long|sendto: Message too long/i.test(output)) result.localTooBig = {}
  for (const m of output.matchAll(/^From (\S+)(?: \([^)]*\))?:? icmp_seq=\d+ (.+)$/gm)) {
    if (!/Frag(?:mentation)? needed/.test(m[2])) result.icmpErrors.push({from: m[1], message: m[2].trim()})
  }

  const unknownHost = /(?:Name or service not known|Temporary failure in name resolution|bad address|unknown host|No address associated with hostname)/i.exec(output)
  if ((result.received ?? 0) > 0) {
    result.outcome = 'reply'
    result.evidence = stats?.[0]
  } else if (result.fragNeededMtu !== undefined || result.localTooBig) {
    result.outcome = 'too-big'
    result.evidence = frag?.[0] ?? local?.[0] ?? 'Message too long'
  } else if (result.icmpErrors.length > 0) {
    result.outcome = 'unreachable'
    result.evidence = `From ${result.icmpErrors[0].from}: ${result.icmpErrors[0].message}`
  } else if (unknownHost && !stats) {
    result.outcome = 'unknown-host'
    result.evidence = output.trim().split('\n')[0]
  } else if (stats) {
    result.outcome = 'no-reply'
    result.evidence = stats[0]
  } else {
    result.evidence = output.trim().split('\n')[0]
  }
  return result
}

export interface MtuBisection {
  /** Largest size for which the test passed; undefined if even `lo` failed. */
  maxPassing?: number
  /** Smallest size seen to fail; undefined if `hi` passed. */
  minFailing?: number
  /** Every size tried, in order, with its result. */
  tried: Array<{size: number; ok: boolean}>
}

/**
 * Finds the largest size in [lo, hi] for which `test` passes, assuming sizes up to some limit pass and all
 * above fail. Tries `hi` first (the common all-good case costs one probe), then `lo`, then bisects.
 */
export async function pathMtuBisect(lo: number, hi: number, test: (size: number) => Promise<boolean>): Promise<MtuBisection> {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) throw new RangeError(`pathMtuBisect: bad range [${lo}, ${hi}]`)
  const tried: MtuBisection['tried'] = []
  const probe = async (size: number) => {
    const ok = await test(size)
    tried.push({size, ok})
    return ok
  }
  if (await probe(hi)) return {maxPassing: hi, tried}
  if (lo === hi || !(await probe(lo))) return {minFailing: lo === hi ? hi : lo, tried}
  let good = lo
  let bad = hi
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2)
    if (await probe(mid)) good = mid
    else bad = mid
  }
  return {maxPassing: good, minFailing: bad, tried}
}

// --------------------------------------------------------------------------------------------------- nc

export interface NcOptions {
  host: string
  port: number
  timeoutSeconds?: number
  udp?: boolean
}

export function ncCommand(options: NcOptions): string[] {
  const cmd = ['nc', '-z', '-v', '-w', String(options.timeoutSeconds ?? 3)]
  if (options.udp) cmd.push('-u')
  cmd.push(options.host, String(options.port))
  return cmd
}

/**
 * What a UDP "succeeded" means: nc sent a datagram and no ICMP port-unreachable came back before the timeout.
 * That is also what a firewall that drops silently looks like, so it proves nothing about a listener.
 */
export const UDP_PROBE_CAVEAT =
  'UDP has no handshake: "succeeded" only means no ICMP port-unreachable came back (a silent drop looks the same); only a refusal is conclusive'

export type NcOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'unknown-host' | 'udp-no-rejection' | 'unsupported' | 'unknown'

export interface NcResult {
  outcome: NcOutcome
  flavor: 'openbsd' | 'busybox' | 'unknown'
  /** The message nc printed, for evidence. */
  message?: string
  /** Service name nc printed (`http`, `domain`). */
  service?: string
  caveat?: string
}

export interface NcContext {
  exitCode: number
  udp?: boolean
  /** The exec wrapper killed it, or it ran for the whole -w timeout. */
  timedOut?: boolean
}

function classifyError(text: string): NcOutcome {
  if (/Connection refused/i.test(text)) return 'refused'
  if (/timed out|Operation now in progress/i.test(text)) return 'timeout'
  if (/No route to host|Network is unreachable|Host is unreachable|Network unreachable/i.test(text)) return 'unreachable'
  if (/name resolution|Name or service not known|bad address|No address associated|getaddrinfo/i.test(text)) return 'unknown-host'
  return 'unknown'
}

/**
 * Parses `nc -z -v -w S host port` (OpenBSD netcat, as in netshoot and Debian; busybox nc, which only has -z
 * when built with NC_EXTRA and, with a single -v, prints nothing for a refusal).
 */
export function parseNc(output: string, context: NcContext): NcResult {
  const text = output.trim()
  const udp = context.udp ?? false
  const ok = /Connection to (\S+) (\d+) port \[(tcp|udp)\/([^\]]*)\] succeeded!/.exec(text)
  if (ok) {
    const result: NcResult = {outcome: ok[3] === 'udp' ? 'udp-no-rejection' : 'connected', flavor: 'openbsd', message: ok[0]}
    if (ok[4] && ok[4] !== '*') result.service = ok[4]
    if (ok[3] === 'udp') result.caveat = UDP_PROBE_CAVEAT
    return result
  }
  const bbOpen = /^(\S+) \((\S+)\) open$/m.exec(text)
  if (bbOpen) return udp ? {outcome: 'udp-no-rejection', flavor: 'busybox', message: bbOpen[0], caveat: UDP_PROBE_CAVEAT} : {outcome: 'connected', flavor: 'busybox', message: bbOpen[0]}
  if (/invalid option -- '?z'?|unrecognized option/i.test(text)) return {outcome: 'unsupported', flavor: /BusyBox/.test(text) ? 'busybox' : 'unknown', message: text.split('\n')[0]}
  const obsdFail = /nc: connect to (\S+) port (\d+) \((tcp|udp)\) (?:failed|timed out): (.+)/.exec(text)
  if (obsdFail) return {outcome: classifyError(obsdFail[0]), flavor: 'openbsd', message: obsdFail[0]}
  const obsdResolve = /nc: getaddrinfo for host "([^"]+)" port (\S+): (.+)/.exec(text)
  if (obsdResolve) return {outcome: 'unknown-host', flavor: 'openbsd', message: obsdResolve[0]}
  const bbFail = /^nc: (?:(\S+) \((\S+)\): (.+)|can't connect to remote host \(([^)]+)\): (.+)|(timed out)|bad address '([^']+)')$/m.exec(text)
  if (bbFail) return {outcome: classifyError(bbFail[0]), flavor: 'busybox', message: bbFail[0]}
  if (text === '') {
    if (context.exitCode === 0) return udp ? {outcome: 'udp-no-rejection', flavor: 'unknown', caveat: UDP_PROBE_CAVEAT} : {outcome: 'connected', flavor: 'unknown'}
    if (context.timedOut) return {outcome: 'timeout', flavor: 'unknown'}
    // OpenBSD nc -u reports an ICMP port-unreachable silently; busybox with one -v hides refusals the same way.
    return {outcome: udp ? 'refused' : 'unknown', flavor: 'unknown', message: `exit ${context.exitCode} with no output`}
  }
  return {outcome: context.exitCode === 0 ? 'connected' : context.timedOut ? 'timeout' : classifyError(text), flavor: 'unknown', message: text.split('\n')[0]}
}

// ------------------------------------------------------------------------------- tracepath / traceroute

export interface TraceHop {
  ttl: number
  /** Responding addresses, in order seen (ECMP can show several). */
  addresses: string[]
  rttMs?: number
  /** A PMTU the hop reported (tracepath `pmtu N`, traceroute --mtu `F=N`). */
  pmtu?: number
  /** `!H`, `!N`, `!P`, `!X` (administratively prohibited), `!F-1450`... */
  annotations: string[]
  /** Every probe of this TTL went unanswered. */
  noReply: boolean
  reached?: boolean
}

export interface TraceResult {
  tool: 'tracepath' | 'traceroute'
  destination?: string
  hops: TraceHop[]
  /** Final path MTU (tracepath's Resume line, or the last F= of traceroute --mtu). */
  pmtu?: number
  reached: boolean
}

export function tracepathCommand(host: string, maxHops = 16): string[] {
  return ['tracepath', '-n', '-m', String(maxHops), host]
}

export function tracerouteCommand(host: string, maxHops = 16, waitSeconds = 2): string[] {
  return ['traceroute', '-n', '-m', String(maxHops), '-w', String(waitSeconds), '-q', '1', host]
}

function hopFor(hops: TraceHop[], ttl: number): TraceHop {
  let hop = hops.find((h) => h.ttl === ttl)
  if (!hop) {
    hop = {ttl, addresses: [], annotations: [], noReply: true}
    hops.push(hop)
  }
  return hop
}

/** Parses iputils `tracepath -n` (one line per probe, several per TTL). */
export function parseTracepath(output: string): TraceResult {
  const hops: TraceHop[] = []
  let pmtu: number | undefined
  let reached = false
  for (const line of output.split('\n')) {
    const local = /^\s*\d+\?:\s+\[LOCALHOST\]\s+pmtu (\d+)/.exec(line)
    if (local) {
      pmtu = Number(local[1])
      continue
    }
    const resume = /Resume: pmtu (\d+)/.exec(line)
    if (resume) {
      pmtu = Number(resume[1])
      continue
    }
    const m = /^\s*(\d+):\s+(.*)$/.exec(line)
    if (!m) continue
    const hop = hopFor(hops, Number(m[1]))
    const rest = m[2].trim()
    if (/^no reply$/.test(rest)) continue
    const [address, ...tail] = rest.split(/\s+/)
    hop.noReply = false
    if (!hop.addresses.includes(address)) hop.addresses.push(address)
    const tailText = tail.join(' ')
    const rtt = /([\d.]+)ms/.exec(tailText)
    if (rtt && hop.rttMs === undefined) hop.rttMs = Number(rtt[1])
    const hopPmtu = /pmtu (\d+)/.exec(tailText)
    if (hopPmtu) {
      hop.pmtu = Number(hopPmtu[1])
      pmtu = hop.pmtu
    }
    for (const a of tailText.match(/![A-Z]\S*/g) ?? []) if (!hop.annotations.includes(a)) hop.annotations.push(a)
    if (/\breached\b/.test(tailText)) {
      hop.reached = true
      reached = true
    }
  }
  hops.sort((a, b) => a.ttl - b.ttl)
  const destination = hops.find((h) => h.reached)?.addresses.at(-1)
  return {tool: 'tracepath', destination, hops, pmtu, reached}
}

const IP_TOKEN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$/

/** Parses `traceroute -n` (Linux traceroute and busybox), with `--mtu` F= annotations. */
export function parseTraceroute(output: string): TraceResult {
  const hops: TraceHop[] = []
  const head = /^traceroute to \S+ \(([^)]+)\)/m.exec(output)
  const destination = head?.[1]
  let pmtu: number | undefined
  for (const line of output.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (!m) continue
    const hop = hopFor(hops, Number(m[1]))
    const tokens = m[2].trim().split(/\s+/)
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]
      if (t === '*') continue
      if (IP_TOKEN.test(t)) {
        hop.noReply = false
        if (!hop.addresses.includes(t)) hop.addresses.push(t)
      } else if (/^[\d.]+$/.test(t) && tokens[i + 1] === 'ms') {
        if (hop.rttMs === undefined) hop.rttMs = Number(t)
        i++
      } else if (/^F=(\d+)$/.test(t)) {
        hop.pmtu = Number(t.slice(2))
        pmtu = hop.pmtu
      } else if (/^![A-Z<>\d-]*/.test(t)) {
        if (!hop.annotations.includes(t)) hop.annotations.push(t)
      }
    }
    if (destination && hop.addresses.includes(destination)) hop.reached = true
  }
  hops.sort((a, b) => a.ttl - b.ttl)
  return {tool: 'traceroute', destination, hops, pmtu, reached: hops.some((h) => h.reached)}
}

/** The last hop that answered, i.e. where packets are lost when the destination is never reached. */
export function lastRespondingHop(trace: TraceResult): TraceHop | undefined {
  return [...trace.hops].reverse().find((h) => !h.noReply)
}
