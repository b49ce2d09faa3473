import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {diagnose, overallStatus} from '../../../src/engine/diagnose.js'
import type {CheckOutcome, CheckStatus, Layer} from '../../../src/engine/types.js'

function outcome(id: string, status: CheckStatus, layer: Layer = 'dns', extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return {id, title: id, layer, status, summary: `${id} ${status}`, durationMs: 1, ...extra}
}

describe('diagnose', () => {
  it('picks the failure with the fewest prerequisites as root cause', () => {
    const checks = [{id: 'dns.pods'}, {id: 'dns.service', dependsOn: ['dns.pods']}, {id: 'dns.lookup', dependsOn: ['dns.service']}]
    const d = diagnose(checks, [outcome('dns.pods', 'pass'), outcome('dns.service', 'fail'), outcome('dns.lookup', 'fail')])
    assert.equal(d.rootCause?.checkId, 'dns.service')
    assert.deepEqual(d.findings, ['dns.service', 'dns.lookup'])
  })

  it('ranks causes before symptoms whatever their position', () => {
    const checks = [{id: 'dns.lookup', symptom: true}, {id: 'policy.egress'}]
    const d = diagnose(checks, [outcome('dns.lookup', 'fail'), outcome('policy.egress', 'fail', 'policy')])
    assert.equal(d.rootCause?.checkId, 'policy.egress')
    assert.deepEqual(d.findings, ['policy.egress', 'dns.lookup'])
  })

  it('breaks ties by layer: lower layers first, then plan order', () => {
    const checks = [{id: 'svc.policy'}, {id: 'svc.kube-proxy'}, {id: 'svc.ports'}]
    const d = diagnose(checks, [outcome('svc.policy', 'fail', 'policy'), outcome('svc.kube-proxy', 'fail', 'kube-proxy'), outcome('svc.ports', 'fail', 'service')])
    assert.deepEqual(d.findings, ['svc.kube-proxy', 'svc.ports', 'svc.policy'])
  })

  it('carries summary, objects and remediation of the root cause; warnings follow failures', () => {
    const objects = [{kind: 'NetworkPolicy', namespace: 'shop', name: 'deny'}]
    const d = diagnose([{id: 'a.warn'}, {id: 'a.fail'}], [outcome('a.warn', 'warn'), outcome('a.fail', 'fail', 'dns', {objects, remediation: 'kubectl delete netpol deny'})])
    assert.deepEqual(d.rootCause, {checkId: 'a.fail', summary: 'a.fail fail', objects, remediation: 'kubectl delete netpol deny'})
    assert.deepEqual(d.findings, ['a.fail', 'a.warn'])
  })

  it('a check that explains a failure outranks it, even when it has more prerequisites or is a higher layer', () => {
    const checks = [{id: 'dns.pods'}, {id: 'dns.corefile', dependsOn: ['dns.pods']}]
    const d = diagnose(checks, [outcome('dns.pods', 'fail'), outcome('dns.corefile', 'fail', 'service', {details: {explains: ['dns.pods']}})])
    assert.equal(d.rootCause?.checkId, 'dns.corefile')
    assert.deepEqual(d.findings, ['dns.corefile', 'dns.pods'])
  })

  it('a warning that explains a failed symptom becomes the root cause; one that explains a pass stays a warning', () => {
    const checks = [{id: 'dns.pod-config'}, {id: 'dns.probe.internal', symptom: true}, {id: 'dns.nodelocal'}]
    const objects = [{kind: 'Pod', namespace: 'shop', name: 'web-0'}]
    const confirmed = diagnose(checks, [outcome('dns.pod-config', 'warn', 'dns', {objects, details: {explains: ['dns.probe.internal']}}), outcome('dns.probe.internal', 'fail'), outcome('dns.nodelocal', 'warn')])
    assert.equal(confirmed.rootCause?.checkId, 'dns.pod-config')
    assert.deepEqual(confirmed.rootCause?.objects, objects)
    assert.deepEqual(confirmed.findings, ['dns.pod-config', 'dns.probe.internal', 'dns.nodelocal'])
    const unconfirmed = diagnose(checks, [outcome('dns.pod-config', 'warn', 'dns', {details: {explains: ['dns.probe.internal']}}), outcome('dns.probe.internal', 'pass')])
    assert.equal(unconfirmed.rootCause, null)
  })

  it('explanations that point at each other, or at themselves, fall back to the ordinary ranking', () => {
    const checks = [{id: 'a'}, {id: 'b', dependsOn: ['a']}]
    const d = diagnose(checks, [outcome('a', 'fail', 'dns', {details: {explains: ['b', 'a']}}), outcome('b', 'fail', 'dns', {details: {explains: ['a']}})])
    assert.equal(d.rootCause?.checkId, 'a')
  })

  it('has no root cause without a failure', () => {
    assert.equal(diagnose([{id: 'a.w'}], [outcome('a.w', 'warn')]).rootCause, null)
  })
})

describe('overallStatus', () => {
  const cases: Array<[CheckStatus[], string]> = [
    [['pass', 'skip'], 'pass'],
    [['pass', 'warn'], 'warn'],
    [['warn', 'error'], 'error'],
    [['error', 'fail'], 'fail'],
    [[], 'pass'],
  ]
  for (const [statuses, expected] of cases) {
    it(`${statuses.join('+') || 'nothing'} -> ${expected}`, () => {
      assert.equal(overallStatus(statuses.map((s, i) => outcome(`c.${i}`, s))), expected)
    })
  }
})
