import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {exitCodeFor} from '../../../src/base-command.js'
import {renderJson} from '../../../src/report/json.js'
import type {Report} from '../../../src/report/report.js'
import {renderTable} from '../../../src/report/table.js'
import {sampleReport as sample} from '../../helpers/report-sample.js'
import {assertValidReport} from '../../helpers/schema.js'

describe('renderJson', () => {
  it('prints exactly one JSON document that validates against the schema', () => {
    const text = renderJson(sample())
    assert.equal(text.trim().split('\n')[0], '{')
    const parsed = JSON.parse(text)
    assertValidReport(parsed)
    assert.equal(parsed.checks[0].objects.length, 0)
    assert.deepEqual(parsed.checks[0].details, {})
    assert.equal(parsed.checks[2].skippedBecause, 'dns.probe.source')
  })

  it('the schema rejects a skip without skippedBecause and an unknown status', () => {
    const report = JSON.parse(renderJson(sample())) as Report
    delete report.checks[2].skippedBecause
    assert.throws(() => assertValidReport(report), /skippedBecause/)
    const other = JSON.parse(renderJson(sample())) as {status: string}
    other.status = 'maybe'
    assert.throws(() => assertValidReport(other))
  })
})

describe('renderTable', () => {
  it('shows one line per check, then the root cause and the fix, without colour when asked', () => {
    const text = renderTable(sample(), {color: false, width: 120})
    assert.doesNotMatch(text, /\u001b\[/)
    assert.match(text, /^kubectl netdiag dns · namespace shop · context prod \(v1\.32\.4\)\nprobes from debug pod shop\/netdiag-1a2b-x on node-1/)
    assert.match(text, /✔ +CoreDNS pods +2\/2 CoreDNS pods ready, 0 restarts/)
    assert.match(text, /✖ +NetworkPolicy vs DNS +NetworkPolicy shop\/default-deny blocks egress/)
    assert.match(text, /Diagnosis: FAIL \(1 fail, 1 warn, 1 skip, 1 pass; 4\.2s\)/)
    assert.match(text, /Root cause: NetworkPolicy shop\/default-deny blocks egress\n {2}Fix: kubectl apply -f allow-dns\.yaml\n {2}Also: dns\.probe\.latency/)
  })

  it('uses colour when asked', () => {
    assert.match(renderTable(sample(), {color: true}), /\u001b\[/)
  })

  it('--quiet keeps only findings', () => {
    const text = renderTable(sample(), {color: false, quiet: true})
    assert.doesNotMatch(text, /CoreDNS pods/)
    assert.match(text, /Search expansion/)
  })

  it('says so when nothing is wrong, and names ephemeral containers it added', () => {
    const text = renderTable(
      sample({
        status: 'pass',
        checks: [{id: 'dns.pods', title: 'CoreDNS pods', layer: 'dns', status: 'pass', summary: 'ok', durationMs: 1}],
        diagnosis: {rootCause: null, findings: []},
        probe: {description: 'ephemeral container netdiag-1a2b in pod shop/web-1', ephemeralContainers: [{namespace: 'shop', pod: 'web-1', container: 'netdiag-1a2b'}]},
      }),
      {color: false},
    )
    assert.match(text, /No problem found\./)
    assert.match(text, /added ephemeral container netdiag-1a2b to pod shop\/web-1; ephemeral containers cannot be removed/)
  })

  it('a snapshot run names the file instead of a context', () => {
    const text = renderTable(sample({source: 'snapshot', cluster: {context: 'snapshot', server: 'cluster.json'}}), {color: false})
    assert.match(text, /· snapshot cluster\.json/)
  })
})

describe('exitCodeFor', () => {
  const cases: Array<[Report['status'], 'warn' | 'fail', number]> = [
    ['pass', 'fail', 0],
    ['warn', 'fail', 0],
    ['warn', 'warn', 1],
    ['fail', 'fail', 1],
    ['error', 'fail', 1],
    ['pass', 'warn', 0],
  ]
  for (const [status, failOn, code] of cases) {
    it(`${status} with --fail-on ${failOn} exits ${code}`, () => assert.equal(exitCodeFor({status}, failOn), code))
  }
})
