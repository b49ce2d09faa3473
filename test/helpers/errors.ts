import assert from 'node:assert/strict'

import type {CommandRun} from './run.js'

const OCLIF_HELP_HINT = 'See more help with --help'

/**
 * A bad-input run: nothing on stdout, exactly one line `error: MESSAGE` on stderr with MESSAGE matching
 * `message`, no stack trace, `exitCode`. oclif's own flag-parsing errors have no prefix and add its help hint
 * as a second line; `parseError` expects exactly that.
 */
export function assertOneLineError(r: CommandRun, exitCode: number, message: RegExp, options: {parseError?: boolean} = {}): void {
  assert.equal(r.exitCode, exitCode, r.stderr)
  assert.equal(r.stdout, '')
  const lines = r.stderr.trimEnd().split('\n')
  if (options.parseError) assert.equal(lines.pop(), OCLIF_HELP_HINT)
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`)
  assert.match(lines[0], options.parseError ? /^(?!error: )/ : /^error: /)
  assert.match(lines[0].replace(/^error: /, ''), message)
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|\.js:\d+/)
}

/** Runs with environment variables set (undefined: unset), restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(vars)
  try {
    return await body()
  } finally {
    apply(saved)
  }
}
