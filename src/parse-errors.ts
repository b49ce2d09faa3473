import {closest} from './did-you-mean.js'

/** What oclif's parser errors carry (its classes are not exported from the package root). */
interface ParseError extends Error {
  args?: Array<{name?: string; description?: string} | string>
  flags?: string[]
  parse?: unknown
  oclif?: {exit?: number}
}

/** oclif's flag and argument errors: a CLIParseError (it carries `parse`), exit 2. */
export function isParseError(error: unknown): boolean {
  return error instanceof Error && 'parse' in error && (error as ParseError).oclif?.exit === 2
}

/**
 * One line for an oclif parse error, in kubectl's words, instead of a block with the usage: `unknown flag:
 * --namepsace (did you mean --namespace?); see kubectl netdiag dns --help`.
 */
export function parseErrorMessage(caught: Error, command: string, flagNames: string[]): string {
  const error = caught as ParseError
  const help = `see kubectl netdiag ${command} --help`
  const first = error.message.split('\n')[0]!.trim()
  const name = error.constructor.name
  if (name === 'RequiredArgsError' && error.args) {
    const missing = error.args.map((a) => (typeof a === 'string' ? a : (a.name ?? '?').toUpperCase()))
    return `missing argument${missing.length > 1 ? 's' : ''} ${missing.join(' ')}; ${help}`
  }
  if (name === 'UnexpectedArgsError' && error.args) {
    return `unexpected argument${error.args.length > 1 ? 's' : ''} ${error.args.map((a) => JSON.stringify(String(a))).join(' ')}; ${help}`
  }
  if (name === 'NonExistentFlagsError' && error.flags) {
    const unknown = error.flags.map((flag) => {
      const guess = flag.startsWith('--') ? closest(flag.replace(/^--/, '').split('=')[0]!, flagNames) : undefined
      return `${flag.split('=')[0]}${guess ? ` (did you mean --${guess}?)` : ''}`
    })
    return `unknown flag${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; ${help}`
  }
  const option = /^Expected --(\S+?)=(.*) to be one of: (.*)$/.exec(first)
  if (option) return `invalid value "${option[2]}" for --${option[1]}: use one of ${option[3]}`
  if (/^The following errors? occurred:/.test(first)) {
    // eslint-disable-next-line no-control-regex
    const reasons = error.message.split('\n').slice(1).map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim()).filter((l) => l && !/^See more help/.test(l))
    return `${reasons.join('; ')}; ${help}`
  }
  // eslint-disable-next-line no-control-regex
  const lines = error.message.split('\n').map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim()).filter((l) => l && !/^See more help/.test(l))
  return `${lines.join(': ') || first}; ${help}`
}
