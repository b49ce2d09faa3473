import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {escapeXml, renderJunit} from '../../../src/report/junit.js'
import {junitSchemaErrors} from '../../helpers/junit-schema.js'
import {sampleReport} from '../../helpers/report-sample.js'

function withError() {
  const report = sampleReport()
  report.checks.push({
    id: 'dns.logs',
    title: 'CoreDNS logs',
    layer: 'dns',
    status: 'error',
    summary: 'cannot read logs: pods "coredns-1" is forbidden: User "ci" cannot get resource "pods/log" <in> kube-system & more',
    objects: [],
    details: {},
    durationMs: 12,
  })
  return report
}

describe('renderJunit', () => {
  it('validates against the Jenkins junit-10.xsd', async () => {
    assert.deepEqual(await junitSchemaErrors(renderJunit(withError())), [])
    assert.deepEqual(await junitSchemaErrors(renderJunit(withError(), {failOnWarn: true})), [])
  })

  it('the schema check catches a broken document', async () => {
    const xml = renderJunit(withError())
    // A testsuite without its required failures/errors counts, and a testcase without a name.
    const broken = xml.replace(/ failures="\d+" errors="\d+" skipped/, ' skipped').replace(/<testcase name="[^"]*"/, '<testcase')
    const errors = await junitSchemaErrors(broken)
    assert.ok(errors.some((e) => /failures/.test(e)), errors.join('\n'))
    assert.ok(errors.some((e) => /name/.test(e)), errors.join('\n'))
    assert.notDeepEqual(await junitSchemaErrors(xml.replace('</testsuites>', '')), [])
  })

  it('one suite per report, one testcase per check, counts that match', () => {
    const xml = renderJunit(withError())
    assert.equal(xml.match(/<testsuite /g)?.length, 1)
    assert.equal(xml.match(/<testcase /g)?.length, 5)
    assert.match(xml, /<testsuite name="kubectl netdiag dns -n shop" tests="5" failures="1" errors="1" skipped="1" time="4\.210" timestamp="2026-11-23T01:00:00\.000Z" package="netdiag\.dns">/)
    assert.match(xml, /<property name="cluster.context" value="prod"\/>/)
    assert.match(xml, /<property name="rootCause" value="dns.policy"\/>/)
  })

  it('a fail is a <failure> with the summary, the objects and the remediation', () => {
    const xml = renderJunit(withError())
    const policy = xml.slice(xml.indexOf('<testcase name="dns.policy'), xml.indexOf('</testcase>', xml.indexOf('<testcase name="dns.policy')))
    assert.match(policy, /classname="netdiag\.dns\.policy" time="0\.003"/)
    assert.match(policy, /<failure message="NetworkPolicy shop\/default-deny blocks egress 53\/UDP and 53\/TCP from shop to kube-system\/kube-dns" type="policy">/)
    assert.match(policy, /Objects: NetworkPolicy shop\/default-deny\n\nRemediation:\nkubectl apply -f allow-dns\.yaml<\/failure>/)
  })

  it('skip is <skipped> with the reason, error is <error>, escaped', () => {
    const xml = renderJunit(withError())
    assert.match(xml, /<skipped message="dns\.probe\.source: skipped: prerequisite dns\.probe\.source could not run"\/>/)
    assert.match(xml, /<error message="cannot read logs: pods &quot;coredns-1&quot; is forbidden: User &quot;ci&quot; cannot get resource &quot;pods\/log&quot; &lt;in&gt; kube-system &amp; more" type="error">/)
  })

  it('warn passes with its summary in system-out, and fails with --fail-on warn', () => {
    const passing = renderJunit(withError())
    assert.match(passing, /<testcase name="dns\.probe\.latency: Search expansion"[^>]*>\n\s+<system-out>WARNING: ndots:5 makes one external lookup cost 10 queries<\/system-out>/)
    const strict = renderJunit(withError(), {failOnWarn: true})
    assert.match(strict, /failures="2"/)
    assert.match(strict, /<failure message="ndots:5 makes one external lookup cost 10 queries" type="warning">/)
  })

  it('puts the diagnosis in the suite system-out', () => {
    assert.match(renderJunit(withError()), /<system-out>Diagnosis: FAIL\nRoot cause \(dns\.policy\): NetworkPolicy shop\/default-deny blocks egress\nFix:\nkubectl apply -f allow-dns\.yaml\nFindings: dns\.policy, dns\.probe\.latency<\/system-out>\n {2}<\/testsuite>/)
  })

  it('escapes markup, keeps line breaks in attributes, drops characters XML cannot hold', async () => {
    assert.equal(escapeXml('a<b>&"c"\n\u001b[31mred\u0000', true), 'a&lt;b&gt;&amp;&quot;c&quot;&#10;[31mred')
    assert.equal(escapeXml('x\ny "z"', false), 'x\ny "z"')
    const report = sampleReport()
    report.checks[0].summary = 'probe said \u001b[1m<bold>\u001b[0m\r\n]]>'
    assert.deepEqual(await junitSchemaErrors(renderJunit(report)), [])
  })
})
