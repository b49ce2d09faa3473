import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {renderTable} from '../../../src/report/table.js'
import {hasControlCharacters} from '../../../src/report/terminal-text.js'
import {sampleReport} from '../../helpers/report-sample.js'

const LONG_FIX = `kubectl -n kube-system patch service kube-dns --type=json -p '[{"op":"add","path":"/spec/ports/-","value":{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}}]'`

function longReport() {
  const report = sampleReport()
  report.checks[1].summary = 'NetworkPolicy shop/default-deny blocks egress 53/UDP and 53/TCP from every pod of namespace shop to kube-system/kube-dns, so no name resolves'
  report.diagnosis.rootCause!.summary = report.checks[1].summary
  report.diagnosis.rootCause!.remediation = `${LONG_FIX}\nthen rerun: kubectl netdiag dns -n shop`
  return report
}

describe('renderTable at any width', () => {
  for (const width of [40, 50, 60, 72, 80, 100, 120, 160, 200]) {
    it(`${width} columns: every line fits, and words (commands) are never split`, () => {
      const text = renderTable(longReport(), {color: false, width})
      for (const line of text.split('\n')) {
        // The only line allowed to be longer is one unbreakable word (the JSON patch), alone on its line.
        if (line.length > width) assert.doesNotMatch(line.trim(), / /, `line longer than ${width}: ${line}`)
      }
      const words = text.split(/\s+/)
      for (const word of LONG_FIX.split(' ')) assert.ok(words.includes(word), `"${word}" was broken at ${width} columns`)
      assert.match(text, /Root cause:/)
      assert.match(text, /Fix:/)
    })
  }

  it('a warn-only diagnosis at 40 columns: the long label keeps its text readable and every line fits', () => {
    const report = sampleReport({status: 'warn', diagnosis: {rootCause: null, findings: ['dns.probe.latency']}})
    report.checks = report.checks.filter((c) => c.status !== 'fail')
    report.checks[report.checks.length - 1]!.remediation = 'kubectl -n shop patch deployment web --type=merge -p x'
    const text = renderTable(report, {color: false, width: 40})
    for (const line of text.split('\n')) assert.ok(line.length <= 40, line)
    assert.match(text, /No failure found; worth a look:\n {4}ndots:5 makes one external/)
  })

  it('below 40 columns lays out as 40, above 200 as 200', () => {
    assert.equal(renderTable(longReport(), {color: false, width: 10}), renderTable(longReport(), {color: false, width: 40}))
    assert.equal(renderTable(longReport(), {color: false, width: 500}), renderTable(longReport(), {color: false, width: 200}))
  })

  it('escapes control characters from cluster data: window titles, screen clears, bidi overrides', () => {
    const report = sampleReport({target: {namespace: 'shop\u001b]0;pwned\u0007'}})
    report.checks[1].summary = 'pod web\u001b[2J\u001b[H-1 has label x=\u202eevil'
    report.checks[1].title = 'Title\u0000'
    report.diagnosis.rootCause!.summary = report.checks[1].summary
    report.diagnosis.rootCause!.remediation = 'kubectl delete pod web\u001b[2J'
    const text = renderTable(report, {color: false, width: 120})
    assert.equal(hasControlCharacters(text), false, JSON.stringify(text))
    assert.match(text, /web\\x1b\[2J\\x1b\[H-1/)
    assert.match(text, /shop\\x1b\]0;pwned\\x07/)
    assert.match(text, /x=\\u202eevil/)
  })

  it('--timings shows where each check spent its time', () => {
    const report = sampleReport()
    report.checks[0].details = {timings: {apiMs: 12, apiCalls: 3, podStartMs: 0, podStarts: 0, execMs: 40, execs: 2}}
    const text = renderTable(report, {color: false, width: 160})
    assert.match(text, /2\/2 CoreDNS pods ready, 0 restarts \[41ms: api 12ms×3, exec 40ms×2\]/)
  })
})
