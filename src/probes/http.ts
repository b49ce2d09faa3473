// An HTTP(S) request from a debug pod with curl, and the parser of what it prints. The request goes to an
// address (a controller's Service, a Gateway address, a backend pod) with the Host header the user's request
// would carry; for https the host is also the TLS SNI (curl --resolve), and the certificate is not verified:
// the probe asks whether the route works, the TLS checks ask whether the certificate is right.

export interface HttpRequest {
  scheme: 'http' | 'https'
  /** An IP address or a DNS name. */
  address: string
  port: number
  /** The Host header (and SNI); undefined sends the address itself. */
  host?: string
  /** Starts with /. */
  path: string
  timeoutSeconds: number
}

/** `connect-failed`: curl 7.88 prints only "Couldn't connect to server" (exit 7), refused and unreachable alike. */
export type HttpError = 'timeout' | 'refused' | 'unreachable' | 'connect-failed' | 'reset' | 'empty-reply' | 'tls' | 'dns' | 'other'

export type HttpOutcome =
  | {kind: 'response'; status: number}
  | {kind: 'error'; error: HttpError; message: string}
  /** curl is not in the image (exit 127). */
  | {kind: 'unsupported'; message: string}

const MARKER = 'netdiag-http'

function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`
}

/** The curl argv (no shell: nothing in the host or path is interpreted; -g turns URL globbing off). */
export function curlCommand(request: HttpRequest): string[] {
  const path = encodeURI(decodeURI(request.path))
  const args = ['curl', '-sS', '-g', '-o', '/dev/null', '--max-time', String(request.timeoutSeconds), '--connect-timeout', String(Math.max(1, Math.ceil(request.timeoutSeconds / 2)))]
  args.push('-w', `${MARKER} %{http_code}\\n`)
  const host = request.host?.replace(/:\d+$/, '')
  if (request.scheme === 'https' && host) {
    // SNI and Host both carry the host; the connection goes to the address.
    args.push('-k', '--resolve', `${host}:${request.port}:${request.address.includes(':') ? `[${request.address}]` : request.address}`, `https://${host}:${request.port}${path}`)
    return args
  }
  if (request.scheme === 'https') args.push('-k')
  if (host) args.push('-H', `Host: ${host}`)
  args.push(`${request.scheme}://${hostPort(request.address, request.port)}${path}`)
  return args
}

/** What curl's exit code and message mean (curl(1) EXIT CODES). */
function classify(exitCode: number, stderr: string): HttpError {
  if (exitCode === 28 || /timed out/i.test(stderr)) return 'timeout'
  if (/refused/i.test(stderr)) return 'refused'
  if (/no route to host|network is unreachable|host is unreachable/i.test(stderr)) return 'unreachable'
  if (exitCode === 6 || /could not resolve/i.test(stderr)) return 'dns'
  if (exitCode === 7) return 'connect-failed'
  if (exitCode === 52) return 'empty-reply'
  if (exitCode === 56 || /reset by peer/i.test(stderr)) return 'reset'
  if (exitCode === 35 || exitCode === 60 || /ssl|tls/i.test(stderr)) return 'tls'
  return 'other'
}

export function parseCurl(stdout: string, stderr: string, exitCode: number, timedOut = false): HttpOutcome {
  if (exitCode === 127) return {kind: 'unsupported', message: 'curl not found in the probe image'}
  const line = stdout.split('\n').find((l) => l.startsWith(`${MARKER} `))
  const status = line ? Number(line.slice(MARKER.length + 1).trim()) : NaN
  if (exitCode === 0 && Number.isInteger(status) && status >= 100) return {kind: 'response', status}
  const message = stderr.split('\n').map((l) => l.replace(/^curl: \(\d+\)\s*/, '').trim()).find((l) => l.length > 0) ?? (timedOut ? 'the probe timed out' : `curl exited with ${exitCode}`)
  return {kind: 'error', error: timedOut ? 'timeout' : classify(exitCode, stderr), message}
}

export function describeOutcome(o: HttpOutcome): string {
  switch (o.kind) {
    case 'response':
      return `HTTP ${o.status}`
    case 'error':
      return `${o.error} (${o.message})`
    case 'unsupported':
      return o.message
  }
}
