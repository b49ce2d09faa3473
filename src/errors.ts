/** Exit codes (contract, see DESIGN.md). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  unreachable: 3,
  /** A bug in netdiag itself, never a finding about the cluster: rerun with DEBUG=1 and report it. */
  internal: 4,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export type ErrorKind =
  | 'bad-input'
  | 'not-found'
  | 'forbidden'
  | 'unauthorized'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'no-kubeconfig'
  | 'kubeconfig'
  | 'offline'
  | 'api'

/** An error with a one-line message a person can act on, and the exit code it maps to. */
export class NetdiagError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly kind: ErrorKind,
    /** For 403: the verb and resource that was refused, so checks can report what is missing. */
    readonly forbidden?: {verb: string; resource: string; namespace?: string},
  ) {
    super(message)
    this.name = 'NetdiagError'
  }
}

export function badInput(message: string): NetdiagError {
  return new NetdiagError(message, ExitCode.badInput, 'bad-input')
}

/** A kubeconfig that does not say how to reach the cluster: all such problems share one exit code (3). */
export function kubeconfigProblem(message: string): NetdiagError {
  return new NetdiagError(message, ExitCode.unreachable, 'kubeconfig')
}

/** An object of the input we cannot understand, e.g. `Service shop/web spec.ports: is not a list`. */
export interface ObjectRefLike {
  kind: string
  namespace?: string
  name?: string
}

/**
 * Malformed input fails closed: one object, one field, one problem, exit 2. Thrown anywhere (a view, an analysis,
 * a check), it ends the run with `error: <Kind> <ns>/<name> <field>: <problem>` instead of a check in error.
 */
export function invalidObject(object: ObjectRefLike, field: string, problem: string): NetdiagError {
  const name = object.name ? ` ${object.namespace ? `${object.namespace}/` : ''}${object.name}` : ''
  return badInput(`${object.kind}${name} ${field}: ${problem}`)
}

/** Raised by a snapshot view for data only the live API has (logs, events). */
export class OfflineError extends NetdiagError {
  constructor(what: string) {
    super(`${what} is not available from a snapshot`, ExitCode.badInput, 'offline')
  }
}
