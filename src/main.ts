/**
 * The process entry (bin/run.js and the single executables): kubectl's conventions on top of oclif's dispatch,
 * one error contract for whatever escapes a command, and stdout flushed before the process exits.
 */
import {Errors, flush, run} from './oclif.js'

import {closest} from './did-you-mean.js'
import {ExitCode} from './errors.js'
import {terminalSafe} from './report/terminal-text.js'

type LoadOptions = Parameters<typeof run>[1]

/** `help [CMD]`, `-h` and `version`, as kubectl and cobra accept them; oclif knows only --help and --version. */
export function normalizeArgv(argv: string[], commands: string[]): string[] | {error: string} {
  let args = argv
  if (args[0] === 'help') args = [...args.slice(1), '--help']
  if (args[0] === 'version') args = ['--version', ...args.slice(1)]
  args = args.map((arg, i) => (arg === '-h' && args[i - 1] !== '--' ? '--help' : arg))
  const first = args[0]
  if (first !== undefined && !first.startsWith('-') && !commands.includes(first)) {
    const guess = closest(first, commands)
    return {error: `unknown command "${first}" for "kubectl netdiag"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${commands.join(', ')})`}
  }
  return args
}

export async function main(argv: string[], load: LoadOptions, commands: string[]): Promise<never> {
  const args = normalizeArgv(argv, commands)
  let code: number = ExitCode.ok
  if ('error' in args) {
    process.stderr.write(`error: ${terminalSafe(args.error, {singleLine: true})}\n`)
    code = ExitCode.badInput
  } else {
    try {
      await run(args, load)
      await flush()
    } catch (error) {
      code = exitCodeOf(error as Error & {oclif?: {exit?: number}})
    }
  }
  // A pipe takes 64 KiB at a time: exiting with writes pending would cut the report short.
  await Promise.all([drain(process.stdout), drain(process.stderr)])
  process.exit(code)
}

/** Commands print their own errors (base-command); what reaches here is oclif's, or a bug before a command ran. */
function exitCodeOf(error: Error & {oclif?: {exit?: number}}): number {
  if (error instanceof Errors.ExitError) return error.oclif.exit ?? ExitCode.failed
  if (error instanceof Errors.CLIError && error.oclif?.exit !== undefined) {
    process.stderr.write(`error: ${terminalSafe(error.message.split('\n')[0] ?? '', {singleLine: true})}\n`)
    return error.oclif.exit === 1 ? ExitCode.badInput : error.oclif.exit
  }
  if (process.env.DEBUG) process.stderr.write(`${error.stack ?? error.message}\n`)
  process.stderr.write(`error: internal error: ${terminalSafe(String(error.message ?? error).split('\n')[0] ?? '', {singleLine: true})}; this is a bug in netdiag: rerun with DEBUG=1 for the stack trace and report it\n`)
  return ExitCode.internal
}

function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) return resolve()
    stream.write('', () => resolve())
  })
}
