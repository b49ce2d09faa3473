import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {hasControlCharacters} from '../../src/report/terminal-text.js'
import {assertOneLineError, withEnv} from '../helpers/errors.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {ERROR_CASES, INCOMPLETE_CASES} from './corpus/cases.js'

// The corpus (test/commands/corpus/cases.ts) against the error contract of DESIGN.md and the README.
describe(`bad-input corpus: ${ERROR_CASES.length} errors, one line each, the documented exit code`, () => {
  strictNock()
  for (const c of ERROR_CASES) {
    it(`[${c.group}] ${c.name}: exit ${c.exit}`, async () => {
      const scope = c.api?.()
      const r = await withEnv(c.env ?? {}, () => run(c.argv()))
      scope?.done()
      assertOneLineError(r, c.exit, c.message)
      assert.equal(hasControlCharacters(r.stderr.replace(/\n$/, '')), false, `raw control character in ${JSON.stringify(r.stderr)}`)
      assert.doesNotMatch(r.stderr, /internal error|is not a function|Cannot read properties|undefined/)
    })
  }
})

describe(`incomplete-input corpus: ${INCOMPLETE_CASES.length} inputs that lack data, answered unknown and never with a root cause`, () => {
  strictNock()
  for (const c of INCOMPLETE_CASES) {
    it(c.name, async () => {
      const r = await run(c.argv())
      assert.equal(r.stderr, '', r.stderr)
      assert.ok(r.exitCode === 0 || r.exitCode === 1, `exit ${r.exitCode}`)
      const report = JSON.parse(r.stdout)
      assertValidReport(report)
      assert.equal(report.diagnosis.rootCause, null, `root cause claimed: ${JSON.stringify(report.diagnosis.rootCause)}`)
      assert.equal(r.exitCode, 0)
      for (const id of c.unknown) {
        const check = report.checks.find((x: {id: string}) => x.id === id)
        assert.ok(check, `no check ${id}`)
        assert.equal(check.status, 'warn', `${id}: ${check.status} ${check.summary}`)
        assert.match(check.summary, /^unknown: .+ would settle it$/)
        assert.equal(check.remediation, undefined, `${id} carries a remediation built on missing data`)
      }
      for (const check of report.checks) assert.notEqual(check.status, 'fail', `${check.id} fails on missing data: ${check.summary}`)
    })
  }
})

describe('the corpus is big enough to mean something', () => {
  it('holds at least 100 cases', () => assert.ok(ERROR_CASES.length + INCOMPLETE_CASES.length >= 100, String(ERROR_CASES.length + INCOMPLETE_CASES.length)))
})

