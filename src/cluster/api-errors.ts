
import {ExitCode, NetdiagError} from '../errors.js'
import {ApiException} from './k8s.js'

/** What was being attempted, so the message can name it: `list networkpolicies in shop`. */
export interface Attempt {
  verb: string
  resource: string
  namespace?: string
  name?: string
  server?: string
}

interface Status {
  reason?: string
  message?: string
  details?: {kind?: string; name?: string}
}

function parseStatus(body: unknown): Status | undefined {
  if (body && typeof body === 'object') return body as Status
  if (typeof body !== 'string' || body.length === 0) return undefined
  try {
    return JSON.parse(body) as Status
  } catch {
    return undefined
  }
}

function describe(attempt: Attempt): string {
  const target = attempt.name ? `${attempt.resource}/${attempt.name}` : attempt.resource
  return attempt.namespace ? `${attempt.verb} ${target} in namespace ${attempt.namespace}` : `${attempt.verb} ${target}`
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'EPROTO',
])
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN'])

/** Maps any failure of an API call to one NetdiagError with a one-line message and its exit code. */
export function toNetdiagError(error: unknown, attempt: Attempt): NetdiagError {
  if (error instanceof NetdiagError) return error
  if (error instanceof ApiException) return fromApiException(error, attempt)
  const err = error as {code?: string; errno?: string; message?: string; name?: string; cause?: {code?: string}}
  const code = err?.code ?? err?.errno ?? err?.cause?.code ?? ''
  const server = attempt.server ?? 'the API server'
  if (UNREACHABLE_CODES.has(code)) {
    return new NetdiagError(
      `cannot reach ${server} (${code}): check that the cluster is running and that --context/--kubeconfig point at it`,
      ExitCode.unreachable,
      'unreachable',
    )
  }
  if (TLS_CODES.has(code) || /certificate|self.signed|TLS/i.test(err?.message ?? '')) {
    return new NetdiagError(
      `TLS error talking to ${server} (${code || 'handshake failed'}): the kubeconfig's certificate-authority does not match the server, or a certificate expired`,
      ExitCode.unreachable,
      'tls',
    )
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    return new NetdiagError(
      `timed out waiting for ${server} to ${describe(attempt)}: the API server is slow or unreachable; raise --timeout or check connectivity`,
      ExitCode.unreachable,
      'timeout',
    )
  }
  return new NetdiagError(`failed to ${describe(attempt)}: ${oneLine(err?.message ?? String(error))}`, ExitCode.unreachable, 'api')
}

function fromApiException(error: ApiException<unknown>, attempt: Attempt): NetdiagError {
  const status = parseStatus(error.body)
  const what = describe(attempt)
  switch (error.code) {
    case 401:
      return new NetdiagError(
        `the API server rejected our credentials (401 Unauthorized) while trying to ${what}: the token or client certificate in the kubeconfig is expired or invalid; log in again`,
        ExitCode.unreachable,
        'unauthorized',
      )
    case 403: {
      // RBAC denials read "User x cannot list resource y"; admission denials (PodSecurity, quota) say more.
      const admission = status?.message && !/cannot \S+ resource/.test(status.message) ? `: ${oneLine(status.message)}` : ''
      return new NetdiagError(
        `forbidden: cannot ${what} (403)${admission}${admission ? '' : `: ask for RBAC permission to ${attempt.verb} ${attempt.resource}${attempt.namespace ? ` in namespace ${attempt.namespace}` : ' cluster-wide'}`}`,
        ExitCode.unreachable,
        'forbidden',
        {verb: attempt.verb, resource: attempt.resource, namespace: attempt.namespace},
      )
    }
    case 404: {
      const kind = status?.details?.kind ?? attempt.resource
      const name = status?.details?.name ?? attempt.name ?? ''
      return new NetdiagError(`${kind} ${name} not found${attempt.namespace ? ` in namespace ${attempt.namespace}` : ''}`.replace(/ +/g, ' '), ExitCode.badInput, 'not-found')
    }
    case 408:
    case 504:
      return new NetdiagError(`the API server timed out trying to ${what} (${error.code}); try again or raise --timeout`, ExitCode.unreachable, 'timeout')
    default:
      return new NetdiagError(
        `failed to ${what}: ${error.code} ${status?.reason ?? ''} ${oneLine(status?.message ?? '')}`.replace(/\s+/g, ' ').trim(),
        ExitCode.unreachable,
        'api',
      )
  }
}

function oneLine(text: string): string {
  return text.split('\n')[0].slice(0, 300)
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404
}
