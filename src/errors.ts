/** Exit codes (contract, see DESIGN.md). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  unreachable: 3,
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

/** Raised by a snapshot view for data only the live API has (logs, events). */
export class OfflineError extends NetdiagError {
  constructor(what: string) {
    super(`${what} is not available from a snapshot`, ExitCode.badInput, 'offline')
  }
}
