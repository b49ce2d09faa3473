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
