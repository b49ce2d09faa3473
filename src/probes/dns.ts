// DNS lookups from a probe pod: the command lines for dig, bind nslookup and busybox nslookup, and parsers
// of their output. Formats were captured from dig/nslookup 9.18 and busybox 1.35, plus older outputs quoted
// in CoreDNS and Kubernetes issues (dig 9.11-9.16 timeouts, busybox <= 1.27 nslookup).
import {hasTool, type ToolSet} from './tools.js'

export type DnsRecordType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'TXT' | 'NS' | 'SOA' | 'MX'
export type DnsTransport = 'udp' | 'tcp'
export type DnsClient = 'dig' | 'nslookup' | 'busybox-nslookup'
export type DnsStatus = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'timeout' | 'error'

export interface DnsQuery {
  name: string
  type?: DnsRecordType
  /** Server IP; omitted = the pod's resolv.conf nameserver (what applications use). */
  server?: string
  port?: number
  transport?: DnsTransport
  /**
   * Expand through the resolv.conf search list like an application would. Default: only for names without a
   * dot. When false, the name is sent as an absolute name (a trailing dot is added for nslookup).
   */
  search?: boolean
  timeoutSeconds?: number
  tries?: number
  /** dig only: keep a truncated UDP answer (+ignore) instead of retrying over TCP, to see that it was truncated. */
  keepTruncated?: boolean
}

export interface DnsRecord {
  name: string
  ttl?: number
  type: string
  data: string
}

export interface DnsLookupResult {
  client: DnsClient
  status: DnsStatus
  /** Data of the answer records of the queried type (IPs for A/AAAA). */
  answers: string[]
  /** All answer records, CNAMEs included, when the client shows them. */
  records: DnsRecord[]
  /** The name the answer is for (after search-list expansion, when the client says). */
  queriedName?: string
  server?: string
  port?: number
  transport?: DnsTransport
  queryTimeMs?: number
  /** For timeout/error: what the client said (`connection refused`, `timed out`, `rcode NOTIMP`). */
  error?: string
  /** The answer had the TC flag: it did not fit a UDP datagram (dig with keepTruncated). */
  truncated?: boolean
  /** The lines that matter, for the report. */
  excerpt: string
}

export type DnsLookupPlan = {client: DnsClient; command: string[]; note?: string} | {client?: undefined; unsupported: string}

const useSearch = (q: DnsQuery) => !q.name.endsWith('.') && (q.search ?? !q.name.includes('.'))
const absolute = (name: string) => (name.endsWith('.') ? name : `${name}.`)

/** `dig +time=2 +tries=1 [+tcp] [+search] [@server] [-p port] name A` */
export function digCommand(q: DnsQuery): string[] {
  return [
    'dig',
    `+time=${q.timeoutSeconds ?? 2}`,
    `+tries=${q.tries ?? 1}`,
    ...(q.transport === 'tcp' ? ['+tcp'] : []),
    ...(q.keepTruncated ? ['+ignore'] : []),
    ...(useSearch(q) ? ['+search'] : []),
    ...(q.server ? [`@${q.server}`] : []),
    ...(q.port ? ['-p', String(q.port)] : []),
    q.name,
    q.type ?? 'A',
  ]
}

/** bind nslookup: `nslookup -timeout=2 -retry=0 [-vc] [-port=N] -type=A name [server]` */
export function nslookupCommand(q: DnsQuery): string[] {
  return [
    'nslookup',
    `-timeout=${q.timeoutSeconds ?? 2}`,
    `-retry=${Math.max(0, (q.tries ?? 1) - 1)}`,
    ...(q.transport === 'tcp' ? ['-vc'] : []),
    ...(q.port ? [`-port=${q.port}`] : []),
    `-type=${q.type ?? 'A'}`,
    useSearch(q) ? q.name : absolute(q.name),
    ...(q.server ? [q.server] : []),
  ]
}

/**
 * busybox nslookup: `nslookup [-type=aaaa] name [server[:port]]`. No TCP mode and no timeout flag on every
 * build (the probe's exec timeout bounds it); A queries pass no flag so old busybox builds understand them.
 */
export function busyboxNslookupCommand(q: DnsQuery): string[] | {unsupported: string} {
  if (q.transport === 'tcp') {
    return {unsupported: 'TCP not testable: the probe image only has busybox nslookup, which has no TCP mode (use an image with dig, e.g. --image nicolaka/netshoot)'}
  }
  let server = q.server
  if (server && q.port) server = server.includes(':') ? `[${server}]:${q.port}` : `${server}:${q.port}`
  return [
    'nslookup',
    ...(q.type && q.type !== 'A' ? [`-type=${q.type.toLowerCase()}`] : []),
    useSearch(q) ? q.name : absolute(q.name),
    ...(server ? [server] : []),
  ]
}

/** Picks the best client the image has: dig, then bind nslookup, then busybox nslookup. */
export function planDnsLookup(q: DnsQuery, tools: ToolSet): DnsLookupPlan {
  if (hasTool(tools, 'dig')) return {client: 'dig', command: digCommand(q)}
  const nslookup = tools.available.nslookup
  if (nslookup && !nslookup.busybox) return {client: 'nslookup', command: nslookupCommand(q)}
  if (nslookup) {
    const command = busyboxNslookupCommand(q)
    if ('unsupported' in command) return command
    return {client: 'busybox-nslookup', command}
  }
  return {unsupported: 'no DNS client (dig or nslookup) in the probe image: use --image nicolaka/netshoot or an image with bind-tools'}
}

const RCODES = new Set(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED'])

function statusFromRcode(rcode: string): {status: DnsStatus; error?: string} {
  const r = rcode.toUpperCase()
  return RCODES.has(r) ? {status: r as DnsStatus} : {status: 'error', error: `rcode ${r}`}
}

function excerptOf(lines: string[], keep: (line: string) => boolean): string {
  return lines
    .filter((l) => l.trim() !== '' && keep(l))
    .slice(0, 20)
    .join('\n')
    .slice(0, 1500)
}

// Transport-level failures, in the wording of dig/nslookup 9.11 to 9.18 and busybox.
function transportFailure(text: string): {status: DnsStatus; error: string; server?: string; port?: number} | undefined {
  const comm = [...text.matchAll(/;; communications error to ([^#\s]+)#(\d+): ([^\n]+)/g)]
  const connect = /;; Connection to ([^#\s]+)#(\d+)\([^)]*\) for \S+ failed: ([^\n]+?)\.?$/m.exec(text)
  const setup = /;; UDP setup with ([^#\s]+)#(\d+)\([^)]*\) for \S+ failed: ([^\n]+?)\.?$/m.exec(text)
  const last = connect ?? setup ?? comm[comm.length - 1]
  const reason = last?.[3].trim()
  const server = last?.[1]
  const port = last ? Number(last[2]) : undefined
  if (/connection timed out; no servers could be reached/.test(text) || reason === 'timed out') {
    return {status: 'timeout', error: reason ?? 'connection timed out; no servers could be reached', server, port}
  }
  if (reason) return {status: 'error', error: reason, server, port}
  const noAddress = /couldn't get address for '([^']+)': ([^\n]+)/.exec(text)
  if (noAddress) return {status: 'error', error: `cannot resolve server name ${noAddress[1]}: ${noAddress[2].trim()}`}
  if (/no servers could be reached/.test(text)) return {status: 'error', error: 'no servers could be reached'}
  return undefined
}

export function parseDigOutput(output: string): DnsLookupResult {
  const lines = output.split('\n')
  const result: DnsLookupResult = {client: 'dig', status: 'error', answers: [], records: [], excerpt: ''}
  const header = /->>HEADER<<- opcode: \w+, status: (\w+)/.exec(output)
  const server = /^;; SERVER: ([^#\s]+)#(\d+)\(([^)]*)\)(?: \((UDP|TCP)\))?/m.exec(output)
  const time = /^;; Query time: (\d+) (msec|usec)/m.exec(output)
  if (server) {
    result.server = server[1]
    result.port = Number(server[2])
    if (server[4]) result.transport = server[4].toLowerCase() as DnsTransport
  }
  if (time) result.queryTimeMs = time[2] === 'usec' ? Number(time[1]) / 1000 : Number(time[1])
  if (!result.transport && /^; <<>> DiG .*\+tcp/m.test(output)) result.transport = 'tcp'

  let section = ''
  let qtype: string | undefined
  for (const line of lines) {
    const s = /^;; (\w+) SECTION:/.exec(line)
    if (s) {
      section = s[1]
      continue
    }
    if (line.trim() === '') {
      section = ''
      continue
    }
    if (section === 'QUESTION' && line.startsWith(';')) {
      const [name, , type] = line.slice(1).trim().split(/\s+/)
      result.queriedName = name
      qtype = type
    } else if (section === 'ANSWER' && !line.startsWith(';')) {
      const [name, ttl, , type, ...data] = line.trim().split(/\s+/)
      result.records.push({name, ttl: Number(ttl), type, data: data.join(' ')})
    }
  }
  result.answers = result.records.filter((r) => qtype === undefined || r.type === qtype).map((r) => r.data)

  const flags = /^;; flags: ([a-z ]+);/m.exec(output)
  if (flags?.[1].split(' ').includes('tc')) result.truncated = true
  if (header) {
    Object.assign(result, statusFromRcode(header[1]))
  } else {
    const failure = transportFailure(output)
    if (failure) {
      result.status = failure.status
      result.error = failure.error
      result.server ??= failure.server
      result.port ??= failure.port
    } else {
      result.error = output.trim() === '' ? 'no output' : 'unrecognised dig output'
    }
  }
  result.excerpt = excerptOf(lines, (l) =>
    /status:|^;; (SERVER|Query time):|communications error|timed out|failed:|no servers|couldn't get address/.test(l) || (!l.startsWith(';') && result.records.length > 0 && /\sIN\s/.test(l)),
  )
  if (result.excerpt === '') result.excerpt = excerptOf(lines, () => true)
  return result
}

/** bind nslookup and busybox nslookup (new and pre-1.28 formats). */
export function parseNslookupOutput(output: string, client: 'nslookup' | 'busybox-nslookup' = 'nslookup'): DnsLookupResult {
  const lines = output.split('\n')
  const result: DnsLookupResult = {client, status: 'error', answers: [], records: [], excerpt: ''}

  const serverLine = /^Server:\s+(\S+)/m.exec(output)
  const addressLine = /^Address(?: 1)?:\s+(\S+)/m.exec(output)
  const endpoint = addressLine?.[1] ?? serverLine?.[1]
  if (endpoint) {
    const hash = /^(.+)#(\d+)$/.exec(endpoint)
    const colon = /^([\d.]+):(\d+)$/.exec(endpoint) ?? /^\[([^\]]+)\]:(\d+)$/.exec(endpoint)
    const m = hash ?? colon
    result.server = m ? m[1] : endpoint
    if (m) result.port = Number(m[2])
  }

  let currentName: string | undefined
  for (const line of lines) {
    const name = /^Name:\s+(\S+)/.exec(line)
    if (name) {
      currentName = name[1]
      continue
    }
    const cname = /^(\S+)\s+canonical name = (\S+)/.exec(line)
    if (cname) {
      result.records.push({name: cname[1], type: 'CNAME', data: cname[2]})
      continue
    }
    if (currentName === undefined) continue
    const addr = /^Address(?: \d+)?:\s+(\S+)/.exec(line)
    if (addr) {
      result.records.push({name: currentName, type: addr[1].includes(':') ? 'AAAA' : 'A', data: addr[1]})
      result.answers.push(addr[1])
    }
  }
  if (result.answers.length > 0) result.queriedName = result.records.find((r) => r.type !== 'CNAME')?.name

  const cannotFind = /\*\* server can't find ([^:\s]+): (\w+)/.exec(output)
  const noAnswer = /\*\*\* Can't find ([^:\s]+): No answer/.exec(output)
  const oldBusybox = /nslookup: can't resolve '([^']+)'/.exec(output)
  if (result.answers.length > 0) {
    result.status = 'NOERROR'
  } else if (cannotFind) {
    result.queriedName = cannotFind[1]
    Object.assign(result, statusFromRcode(cannotFind[2]))
  } else if (noAnswer) {
    result.queriedName = noAnswer[1]
    result.status = 'NOERROR'
  } else {
    const failure = transportFailure(output)
    if (failure) {
      result.status = failure.status
      result.error = failure.error
      result.server ??= failure.server
      result.port ??= failure.port
    } else if (oldBusybox) {
      // busybox <= 1.27 goes through the libc resolver and does not say whether it was NXDOMAIN or a timeout.
      result.queriedName = oldBusybox[1]
      result.error = `can't resolve '${oldBusybox[1]}' (this busybox nslookup does not say why: NXDOMAIN or no answer from the server)`
    } else if (serverLine) {
      // busybox prints nothing after the server lines for an empty (NODATA) answer.
      result.status = 'NOERROR'
    } else {
      result.error = output.trim() === '' ? 'no output' : 'unrecognised nslookup output'
    }
  }
  result.excerpt = excerptOf(lines, () => true)
  return result
}

export interface DnsExecOutput {
  stdout: string
  stderr: string
  exitCode?: number
  timedOut?: boolean
}

/** Parses what a planned lookup printed; stderr is included because dig and nslookup split messages across both. */
export function parseDnsLookup(client: DnsClient, exec: DnsExecOutput): DnsLookupResult {
  const output = [exec.stdout, exec.stderr].filter((s) => s && s.trim() !== '').join('\n')
  if (exec.timedOut && output.trim() === '') {
    return {client, status: 'timeout', answers: [], records: [], error: 'the probe command timed out before the client answered', excerpt: ''}
  }
  const result = client === 'dig' ? parseDigOutput(output) : parseNslookupOutput(output, client)
  if (exec.timedOut && result.status === 'error') {
    result.status = 'timeout'
    result.error = `the probe command timed out${result.error ? ` (${result.error})` : ''}`
  }
  return result
}
