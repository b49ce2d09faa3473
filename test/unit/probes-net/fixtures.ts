import {readFileSync} from 'node:fs'

const dir = new URL('../../fixtures/node/probe-output/', import.meta.url)
const codes = JSON.parse(readFileSync(new URL('exit-codes.json', dir), 'utf8')) as Record<string, number>

/** A real captured output and the exit status the command had. */
export function captured(name: string): {output: string; exitCode: number} {
  return {output: readFileSync(new URL(name, dir), 'utf8'), exitCode: codes[name] ?? 0}
}
