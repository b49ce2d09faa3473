// `getent hosts NAME`: the lookup a program in the pod makes (libc resolver, search list and ndots included),
// unlike dig, which ignores the search list by default. Present in glibc images and in Alpine (musl-utils),
// hence in netshoot.

export function getentHostsCommand(name: string): string[] {
  return ['getent', 'hosts', name]
}

export type GetentOutcome = 'resolved' | 'not-found' | 'missing-tool' | 'error'

export interface GetentResult {
  outcome: GetentOutcome
  addresses: string[]
  /** The canonical name getent printed after the address (the CNAME target for ExternalName). */
  canonicalName?: string
}

/**
 * getent exits 0 with "ADDRESS NAME [ALIASES]" lines, 2 when the name does not resolve (NXDOMAIN and "no
 * address" alike), 127 from the shell when it is not installed.
 */
export function parseGetentHosts(stdout: string, exitCode: number, stderr = ''): GetentResult {
  if (exitCode === 127 || /not found|No such file/i.test(stderr)) return {outcome: 'missing-tool', addresses: []}
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean)
  const addresses: string[] = []
  let canonicalName: string | undefined
  for (const line of lines) {
    const [address, name] = line.split(/\s+/)
    if (!address || !/^[0-9a-fA-F:.]+$/.test(address) || !/[.:]/.test(address)) continue
    if (!addresses.includes(address)) addresses.push(address)
    canonicalName ??= name
  }
  if (exitCode === 0 && addresses.length > 0) return {outcome: 'resolved', addresses, ...(canonicalName ? {canonicalName} : {})}
  if (exitCode === 2 || (exitCode === 0 && addresses.length === 0)) return {outcome: 'not-found', addresses: []}
  return {outcome: 'error', addresses}
}
