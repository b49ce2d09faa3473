// Minimal CIDR math for node analysis only. src/analysis/cidr.ts (another module, not yet written when this
// was) is meant to own ipInCidr/cidrsOverlap; switch to it and delete this file once it exists.

export interface ParsedCidr {
  family: 4 | 6
  /** First address of the block as an integer. */
  base: bigint
  prefix: number
}

function parseV4(ip: string): bigint | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined
    value = (value << 8n) | BigInt(Number(p))
  }
  return value
}

function parseV6(ip: string): bigint | undefined {
  const halves = ip.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  let head = groups(halves[0])
  let tail = halves.length === 2 ? groups(halves[1]) : []
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const last = (tail.length > 0 ? tail : head).at(-1)
  if (last?.includes('.')) {
    const v4 = parseV4(last)
    if (v4 === undefined) return undefined
    const extra = [((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16)]
    if (tail.length > 0) tail = [...tail.slice(0, -1), ...extra]
    else head = [...head.slice(0, -1), ...extra]
  }
  const missing = 8 - head.length - tail.length
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  let value = 0n
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    value = (value << 16n) | BigInt(parseInt(g, 16))
  }
  return value
}

export function parseIp(ip: string): {family: 4 | 6; value: bigint} | undefined {
  const v4 = parseV4(ip)
  if (v4 !== undefined) return {family: 4, value: v4}
  const v6 = ip.includes(':') ? parseV6(ip) : undefined
  return v6 === undefined ? undefined : {family: 6, value: v6}
}

/** Parses `10.244.0.0/16`; host bits are masked off (host-local accepts `10.244.1.1/24`). */
export function parseCidr(cidr: string): ParsedCidr | undefined {
  const [ip, prefixText, ...rest] = cidr.trim().split('/')
  if (rest.length > 0 || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined
  const addr = parseIp(ip)
  if (!addr) return undefined
  const bits = addr.family === 4 ? 32 : 128
  const prefix = Number(prefixText)
  if (prefix > bits) return undefined
  const hostBits = BigInt(bits - prefix)
  return {family: addr.family, base: (addr.value >> hostBits) << hostBits, prefix}
}

export function cidrSize(c: ParsedCidr): bigint {
  return 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix)
}

export function cidrsOverlapLocal(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false
  const aEnd = a.base + cidrSize(a)
  const bEnd = b.base + cidrSize(b)
  return a.base < bEnd && b.base < aEnd
}

export function ipInCidrLocal(ip: string, c: ParsedCidr): boolean {
  const addr = parseIp(ip)
  return addr !== undefined && addressInCidr(addr, c)
}

/** For an address parsed once and tested against many ranges. */
export function addressInCidr(addr: {family: 4 | 6; value: bigint}, c: ParsedCidr): boolean {
  return addr.family === c.family && addr.value >= c.base && addr.value < c.base + cidrSize(c)
}
