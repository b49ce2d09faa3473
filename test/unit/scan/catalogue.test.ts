import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {CATALOGUE, catalogueEntry} from '../../../src/analysis/scan/catalogue.js'
import {findingsFromOutcome, makeFinding, MAPPED_CHECKS, UncataloguedError, type OutcomeLike} from '../../../src/analysis/scan/findings.js'
import {CLUSTER_DNS_CHECKS, NAMESPACE_DNS_CHECKS, NODE_CHECKS, SERVICE_CHECKS} from '../../../src/checks/scan/sweep.js'

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
const SOURCES = ['src/analysis/scan/findings.ts', 'src/analysis/scan/policies.ts', 'src/checks/scan/sweep.ts'].map((f) => readFileSync(new URL(`../../../${f}`, import.meta.url), 'utf8'))

describe('the finding catalogue', () => {
  it('codes are unique, kebab-case, each with a title, a meaning and a fix', () => {
    assert.equal(new Set(CATALOGUE.map((e) => e.code)).size, CATALOGUE.length)
    for (const e of CATALOGUE) {
      assert.match(e.code, /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/, e.code)
      assert.ok(e.title && e.meaning && e.fix && e.severities.length > 0, e.code)
    }
  })

  it('every code the scan can emit has a catalogue entry (each literal code in the sources)', () => {
    const emitted = new Set(SOURCES.flatMap((text) => [...text.matchAll(/'((?:svc|dns|policy|node|unknown|check)-[a-z0-9-]+)'/g)].map((m) => m[1]!)))
    assert.ok(emitted.size >= 20, `found only ${emitted.size} codes: the pattern no longer reads the sources`)
    for (const code of emitted) assert.ok(catalogueEntry(code), `${code} is emitted but not in the catalogue`)
  })

  it('every check the sweep runs is mapped to codes', () => {
    for (const check of [...SERVICE_CHECKS, ...CLUSTER_DNS_CHECKS, ...NAMESPACE_DNS_CHECKS, ...NODE_CHECKS]) assert.ok(MAPPED_CHECKS.has(check.id), check.id)
  })

  it('the README documents exactly the catalogue', () => {
    const block = README.split('<!-- scan-catalogue:start')[1]?.split('<!-- scan-catalogue:end -->')[0]
    assert.ok(block, 'README has no scan-catalogue block')
    const expected = ['| code | severity | what it means | fix |', '| --- | --- | --- | --- |', ...CATALOGUE.map((e) => `| \`${e.code}\` | ${e.severities.join(', ')} | ${e.title}: ${e.meaning} | ${e.fix} |`)].join('\n')
    assert.equal(block.slice(block.indexOf('\n') + 1).trim(), expected, 'regenerate the README table from src/analysis/scan/catalogue.ts')
  })

  it('a code outside the catalogue, or a severity it does not document, is a bug (exit 4), never a finding', () => {
    const object = {kind: 'Service', namespace: 'shop', name: 'backend'}
    assert.throws(() => makeFinding('svc-made-up', 'fail', {object, summary: 'x', checkId: 'svc.selector'}), UncataloguedError)
    assert.throws(() => makeFinding('svc-endpoints-not-ready', 'fail', {object, summary: 'x', checkId: 'svc.endpoints'}), UncataloguedError)
    assert.throws(() => findingsFromOutcome({id: 'svc.connect', status: 'fail', summary: 'x'}, object), UncataloguedError)
  })
})

describe('check results to findings', () => {
  const subject = {kind: 'Service', namespace: 'shop', name: 'backend'}
  const cases: Array<{name: string; outcome: OutcomeLike; codes: string[]}> = [
    {name: 'pass makes none', outcome: {id: 'svc.selector', status: 'pass', summary: 'ok'}, codes: []},
    {name: 'skip makes none', outcome: {id: 'svc.ports', status: 'skip', summary: 'n/a'}, codes: []},
    {name: 'unknown is never the failure it could hide', outcome: {id: 'svc.selector', status: 'warn', summary: 'unknown: whether any pod matches app=x: ...', details: {unknown: {missing: ['x'], settle: ['y']}}}, codes: ['unknown-missing-data']},
    {name: 'a check that could not run', outcome: {id: 'svc.endpoints', status: 'error', summary: 'forbidden'}, codes: ['check-error']},
    {name: 'selector with nearest pods', outcome: {id: 'svc.selector', status: 'fail', summary: 's', details: {nearest: []}}, codes: ['svc-selector-no-match']},
    {name: 'selector matched, none running', outcome: {id: 'svc.selector', status: 'fail', summary: 's', details: {matched: 2}}, codes: ['svc-pods-not-running']},
    {name: 'ports without ports', outcome: {id: 'svc.ports', status: 'fail', summary: 's'}, codes: ['svc-no-ports']},
    {name: 'ports unresolved', outcome: {id: 'svc.ports', status: 'fail', summary: 's', details: {ports: []}}, codes: ['svc-targetport-unresolved']},
    {name: 'ports warn', outcome: {id: 'svc.ports', status: 'warn', summary: 's', details: {ports: []}}, codes: ['svc-targetport-undeclared']},
    {name: 'publishNotReadyAddresses', outcome: {id: 'svc.endpoints', status: 'warn', summary: 's', details: {publishNotReadyAddresses: true}}, codes: ['svc-publish-not-ready']},
    {name: 'no ready endpoint', outcome: {id: 'svc.endpoints', status: 'fail', summary: 's'}, codes: ['svc-no-ready-endpoints']},
    {name: 'type: one finding per inner problem', outcome: {id: 'svc.type', status: 'warn', summary: 's', details: {findings: [{status: 'warn', code: 'loadbalancer.pending', message: 'a'}, {status: 'warn', code: 'nodeport.range', message: 'b'}, {status: 'pass', code: 'type', message: 'c'}]}}, codes: ['svc-loadbalancer-pending', 'svc-nodeport-range']},
    {name: 'dns.policy fail', outcome: {id: 'dns.policy', status: 'fail', summary: 'NetworkPolicy shop/deny blocks egress'}, codes: ['dns-egress-blocked']},
    {name: 'dns.policy decorative', outcome: {id: 'dns.policy', status: 'warn', summary: 'x; but CNI flannel does not enforce NetworkPolicy, so the policy is decorative'}, codes: ['dns-egress-blocked']},
    {name: 'dns.policy unknown statically', outcome: {id: 'dns.policy', status: 'warn', summary: 'unknown: whether pods reach ... L7'}, codes: ['dns-policy-unknown']},
    {name: 'node check: one finding per node', outcome: {id: 'node.ready', status: 'fail', summary: 's', details: {nodes: {a: {status: 'fail', findings: [{status: 'fail', code: 'node.not-ready', message: 'NotReady'}]}, b: {status: 'pass', findings: [{status: 'pass', code: 'node.ready', message: 'Ready'}]}, c: {status: 'warn', findings: [{status: 'warn', code: 'node.memorypressure', message: 'MemoryPressure=True'}]}}}}, codes: ['node-not-ready', 'node-not-ready']},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const findings = findingsFromOutcome(c.outcome, subject)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      for (const f of findings) assert.ok(catalogueEntry(f.code)!.severities.includes(f.severity))
    })
  }
  it('node findings name the node, severity from the node', () => {
    const findings = findingsFromOutcome(cases.at(-1)!.outcome, subject)
    assert.deepEqual(findings.map((f) => [f.object.name, f.severity]), [['a', 'fail'], ['c', 'warn']])
  })
})
