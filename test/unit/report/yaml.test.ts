import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parse} from 'yaml'

import {renderJson} from '../../../src/report/json.js'
import {renderYaml} from '../../../src/report/yaml.js'
import {sampleReport} from '../../helpers/report-sample.js'
import {assertValidReport} from '../../helpers/schema.js'

describe('renderYaml', () => {
  it('is the -o json document, field for field, and validates against the report schema', () => {
    const report = sampleReport()
    const parsed = parse(renderYaml(report))
    assert.deepEqual(parsed, JSON.parse(renderJson(report)))
    assertValidReport(parsed)
  })

  it('writes shared objects out instead of YAML anchors, and does not fold long lines', () => {
    const report = sampleReport()
    const ref = {kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny'}
    report.checks[1].objects = [ref]
    report.diagnosis.rootCause!.objects = [ref]
    report.checks[1].summary = 'x'.repeat(200)
    const text = renderYaml(report)
    assert.doesNotMatch(text, /[&*]a\d/)
    assert.match(text, new RegExp(`summary: ${'x'.repeat(200)}\n`))
    assert.match(text, /^apiVersion: netdiag\/v1\nkind: Report\ncommand: dns\n/)
  })
})

describe('renderYaml quotes what a YAML reader would misread', () => {
  // YAML 1.1 booleans and timestamps (https://yaml.org/type/bool.html, https://yaml.org/type/timestamp.html),
  // and 1.2 core-schema numbers and nulls (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
  const misread = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', '~', 'null', '2026-12-01', '2001-12-14t21:59:43.10-05:00', '1:20:30', '0o17', '0x1F', '1e3', '010', '1_000', '.inf', '=']
  const plain = ['shop', 'kube-dns', 'app=web', 'v1.32.4', '10.96.0.10', 'netdiag/v1', 'yesno', 'on-call']
  for (const value of misread) {
    it(`"${value}" is quoted and reads back as the same string in YAML 1.1 and 1.2`, () => {
      const report = sampleReport()
      report.checks[0].details = {[value]: value}
      report.checks[0].summary = value
      const text = renderYaml(report)
      for (const version of ['1.1', '1.2'] as const) {
        const back = parse(text, {version})
        assert.equal(back.checks[0].summary, value)
        assert.deepEqual(back.checks[0].details, {[value]: value})
      }
    })
  }
  for (const value of plain) {
    it(`"${value}" stays plain`, () => {
      const report = sampleReport()
      report.checks[0].summary = value
      assert.match(renderYaml(report), new RegExp(`summary: ${value.replace(/[.]/g, '\\.')}\n`))
    })
  }
})
