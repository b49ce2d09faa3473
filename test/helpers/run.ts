import {Config} from '@oclif/core'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
let config: Promise<Config> | undefined

export interface CommandRun {
  stdout: string
  stderr: string
  exitCode: number
  error?: Error & {oclif?: {exit?: number}}
}

/**
 * Runs a command in-process against the built plugin (npm test builds first). @oclif/test's runCommand is not
 * used because it captures every stdout write, including the binary frames node's test runner sends its parent
 * over stdout; this captures only text, which is all the CLI writes.
 */
export async function run(argv: string[]): Promise<CommandRun> {
  config ??= Config.load({root})
  const loaded = await config
  let stdout = ''
  let stderr = ''
  const realOut = process.stdout.write.bind(process.stdout)
  const realErr = process.stderr.write.bind(process.stderr)
  // Writes complete at once here: call the callback (base-command waits for stdout to drain before exiting).
  const done = (rest: unknown[]) => {
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    if (callback) queueMicrotask(callback)
  }
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') {
      stdout += chunk
      done(rest)
      return true
    }
    return (realOut as (...a: unknown[]) => boolean)(chunk, ...rest)
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    stderr += String(chunk)
    done(rest)
    return true
  }) as typeof process.stderr.write
  let error: CommandRun['error']
  try {
    await loaded.runCommand(argv[0], argv.slice(1))
  } catch (caught) {
    error = caught as CommandRun['error']
  } finally {
    process.stdout.write = realOut
    process.stderr.write = realErr
    // oclif's Command.catch sets process.exitCode for a failed run; in-process it would fail the test file.
    process.exitCode = undefined
  }
  const exitCode = error ? (error.oclif?.exit ?? 1) : 0
  // oclif prints a command's error message on stderr; do the same so tests read what a person reads.
  if (error && error.message && !/^EEXIT/.test(error.message)) stderr += `${error.message}\n`
  return {stdout, stderr, exitCode, error}
}
