// IPv4/IPv6 addresses and CIDRs as BigInts: enough for NetworkPolicy ipBlock, Service and Pod CIDR checks.

export type IpFamily = 4 | 6

export interface ParsedIp {
  family: IpFamily
  value: bigint
}

export interface ParsedCidr {
  family: IpFamily
  /** The network address: host bits are cleared, as Go's net.ParseCIDR does. */
  network: bigint
  prefix: number
  /** The text as given, for messages. */
  text: string
}

const BITS: Record<IpFamily, number> = {4: 32, 6: 128}

/** Parses a dotted quad. Leading zeros read as decimal, like Kubernetes' ParseIPSloppy. */
function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = (value << 8n) | BigInt(octet)
  }
  return value
}

function parseHextets(groups: string[]): bigint[] | undefined {
  const out: bigint[] = []
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
    out.push(BigInt(`0x${group}`))
  }
  return out
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined // zones never appear in pod IPs or policy CIDRs
  let body = text
  let tail: bigint[] = []
  const lastColon = body.lastIndexOf(':')
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(body.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    tail = [v4 >> 16n, v4 & 0xffffn]
    // Keep a trailing "::" intact ("::1.2.3.4" -> "::"), otherwise drop the separating colon.
    body = body.endsWith('::' + body.slice(lastColon + 1)) ? body.slice(0, lastColon + 1) : body.slice(0, lastColon)
  }
  const halves = body.split('::')
  if (halves.length > 2) return undefined
  const split = (s: string): string[] => (s === '' ? [] : s.split(':'))
  const head = parseHextets(split(halves[0] ?? ''))
  if (head === undefined) return undefined
  let groups: bigint[]
  if (halves.length === 2) {
    const rest = parseHextets(split(halves[1] ?? ''))
    if (rest === undefined) return undefined
    const missing = 8 - head.length - rest.length - tail.length
    if (missing < 1) return undefined
    groups = [...head, ...new Array<bigint>(missing).fill(0n), ...rest, ...tail]
  } else {
    groups = [...head, ...tail]
  }
  if (groups.length !== 8) return undefined
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n)
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  const trimmed = text.trim()
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed)
    return value === undefined ? undefined : {family: 6, value}
  }
  const value = parseIpv4(trimmed)
  return value === undefined ? undefined : {family: 4, value}
}

/** 4, 6, or undefined when the text is not an IP address. */
export function ipFamily(text: string): IpFamily | undefined {
  const trimmed = text.trim()
  if (trimmed.includes(':')) return parseIpv6(trimmed) === undefined ? undefined : 6
  return isIpv4(trimmed) ? 4 : undefined
}

const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

/** Whether parseIpv4 accepts the text, without building its value (a sweep asks this of every endpoint). */
function isIpv4(text: string): boolean {
  let parts = 0
  let digits = 0
  let octet = 0
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : DOT
    if (c === DOT) {
      if (digits === 0 || octet > 255 || ++parts > 4) return false
      digits = octet = 0
    } else if (c >= ZERO && c <= NINE && digits < 3) {
      octet = octet * 10 + (c - ZERO)
      digits++
    } else return false
  }
  return parts === 4
}

export function isIp(text: string): boolean {
  return parseIp(text) !== undefined
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family])
  const all = (1n << bits) - 1n
  return prefix === 0 ? 0n : (all << (bits - BigInt(prefix))) & all
}

/** Parses "10.0.0.0/8" or "fd00::/64". A bare address is not a CIDR (the API requires the prefix). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const trimmed = text.trim()
  const slash = trimmed.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp(trimmed.slice(0, slash))
  const prefixText = trimmed.slice(slash + 1)
  if (ip === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = Number(prefixText)
  if (prefix > BITS[ip.family]) return undefined
  return {family: ip.family, network: ip.value & mask(ip.family, prefix), prefix, text: trimmed}
}

/** True when the address has host bits set beyond the prefix ("10.0.0.1/8"): legal, but usually a typo. */
export function cidrHasHostBits(text: string): boolean {
  const cidr = parseCidr(text)
  const ip = parseIp(text.trim().split('/')[0] ?? '')
  return cidr !== undefined && ip !== undefined && ip.value !== cidr.network
}

const V4_MAPPED_PREFIX = 0xffffn << 32n

function contains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  let {family, value} = ip
  // Go's IPNet.Contains treats ::ffff:a.b.c.d as the IPv4 address a.b.c.d.
  if (cidr.family === 4 && family === 6 && value >> 32n === 0xffffn) {
    family = 4
    value -= V4_MAPPED_PREFIX
  }
  if (cidr.family !== family) return false
  return (value & mask(family, cidr.prefix)) === cidr.network
}

/** Whether ip lies in cidr; false when either does not parse or the families differ. */
export function ipInCidr(ip: string | ParsedIp, cidr: string | ParsedCidr): boolean {
  const parsedIp = typeof ip === 'string' ? parseIp(ip) : ip
  const parsedCidr = typeof cidr === 'string' ? parseCidr(cidr) : cidr
  if (parsedIp === undefined || parsedCidr === undefined) return false
  return contains(parsedCidr, parsedIp)
}

/** Whether two CIDRs share at least one address (one contains the other's network). */
export function cidrsOverlap(a: string | ParsedCidr, b: string | ParsedCidr): boolean {
  const pa = typeof a === 'string' ? parseCidr(a) : a
  const pb = typeof b === 'string' ? parseCidr(b) : b
  if (pa === undefined || pb === undefined || pa.family !== pb.family) return false
  const shorter = Math.min(pa.prefix, pb.prefix)
  const m = mask(pa.family, shorter)
  return (pa.network & m) === (pb.network & m)
}

/** The number of addresses in a CIDR (2^(bits-prefix)). */
export function cidrSize(cidr: string | ParsedCidr): bigint | undefined {
  const parsed = typeof cidr === 'string' ? parseCidr(cidr) : cidr
  if (parsed === undefined) return undefined
  return 1n << BigInt(BITS[parsed.family] - parsed.prefix)
}
