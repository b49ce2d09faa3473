import assert from 'node:assert/strict'

import {run} from './run.js'
import {assertValidReport} from './schema.js'

/** A README example run on a shipped snapshot: it diagnoses a failure (exit 1) and the report is valid. */
export async function failingExampleReport(snapshot: string, argv: string[]) {
  const r = await run([...argv, '--snapshot', snapshot, '-o', 'json'])
  assert.equal(r.exitCode, 1, r.stderr)
  const parsed = JSON.parse(r.stdout)
  assertValidReport(parsed)
  return parsed
}
