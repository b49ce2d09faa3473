import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {commandSpecs} from '../../../src/completion/main.js'
import {type CompletionPlan, Directive, formatCompletion, nameCandidates, planCompletion} from '../../../src/completion/plan.js'

const specs = commandSpecs()
const plan = (...words: string[]): CompletionPlan => planCompletion(specs, words)
const values = (p: CompletionPlan) => {
  assert.equal(p.kind, 'static', JSON.stringify(p))
  return p.kind === 'static' ? p.candidates.map((c) => c.value) : []
}
const live = (p: CompletionPlan) => {
  assert.equal(p.kind, 'live', JSON.stringify(p))
  return p.kind === 'live' ? p.query : undefined
}

describe('planCompletion', () => {
  it('completes subcommands, with their summaries, filtered by what is typed', () => {
    assert.deepEqual(values(plan('')), ['cleanup', 'dns', 'ingress', 'node', 'path', 'route', 'scan', 'snapshot', 'svc', 'url'])
    assert.deepEqual(values(plan('s')), ['scan', 'snapshot', 'svc'])
    const svc = plan('sv')
    assert.equal(svc.kind === 'static' && svc.candidates[0]?.description, "Why can't I reach this Service?")
  })

  it('completes the flags of the command, without those already given (except repeatable ones)', () => {
    const flags = values(plan('dns', '--'))
    for (const flag of ['--namespace', '--from-pod', '--output', '--snapshot', '--help']) assert.ok(flags.includes(flag), flag)
    assert.ok(!flags.includes('--port'), 'dns has no --port')
    assert.ok(!values(plan('dns', '--keep', '--')).includes('--keep'))
    assert.ok(values(plan('dns', '--snapshot', 'a.json', '--')).includes('--snapshot'))
    assert.deepEqual(values(plan('svc', 'web', '--po')), ['--port'])
  })

  it('completes enumerated flag values, also after --flag=', () => {
    assert.deepEqual(values(plan('dns', '-o', '')), ['table', 'json', 'yaml', 'junit'])
    assert.deepEqual(values(plan('dns', '--output', 'j')), ['json', 'junit'])
    assert.deepEqual(values(plan('dns', '--fail-on=w')), ['--fail-on=warn'])
    assert.deepEqual(values(plan('path', 'a', 'b', '--probe-mode', '')), ['ephemeral', 'pod'])
  })

  it('asks for live names: services for svc, pods for path (twice), nodes for node', () => {
    assert.equal(live(plan('svc', ''))?.names, 'services')
    assert.equal(live(plan('path', 'we'))?.prefix, 'we')
    assert.equal(live(plan('path', 'web-1', ''))?.names, 'pods')
    assert.equal(live(plan('node', ''))?.names, 'nodes')
    assert.deepEqual(values(plan('svc', 'web', '')), [], 'svc takes one name')
    assert.deepEqual(values(plan('dns', '')), [], 'dns takes no name')
  })

  it('asks for namespaces after -n and --namespace=, contexts after --context, pods after --from-pod', () => {
    assert.equal(live(plan('dns', '-n', ''))?.names, 'namespaces')
    assert.equal(live(plan('-n', 'kube'))?.names, 'namespaces', 'before the command too')
    assert.deepEqual(live(plan('svc', '--namespace=ku')), {names: 'namespaces', keep: '--namespace=', prefix: 'ku'})
    assert.equal(live(plan('svc', '--context', ''))?.names, 'contexts')
    assert.equal(live(plan('svc', 'web', '-n', 'shop', '--from-pod', ''))?.names, 'pods')
    assert.equal(live(plan('node', '--node-namespace', ''))?.names, 'namespaces')
  })

  it('looks names up where the typed flags point: -n, --context, --kubeconfig, -nNS', () => {
    assert.deepEqual(live(plan('svc', '-n', 'shop', '--context', 'prod', '--kubeconfig', '/k', '')), {
      names: 'services',
      keep: '',
      prefix: '',
      namespace: 'shop',
      context: 'prod',
      kubeconfig: '/k',
    })
    assert.equal(live(plan('svc', '-nshop', ''))?.namespace, 'shop')
    assert.equal(live(plan('svc', '--namespace=shop', ''))?.namespace, 'shop')
  })

  it("completes path's NS/POD form with the namespace kept", () => {
    assert.deepEqual(live(plan('path', 'shop/we')), {names: 'pods', keep: 'shop/', prefix: 'we', namespace: 'shop'})
  })

  it('leaves file names to the shell for --kubeconfig and --snapshot, and nothing for free values', () => {
    const kubeconfig = plan('dns', '--kubeconfig', '')
    assert.deepEqual(kubeconfig, {kind: 'static', candidates: [], directive: Directive.default})
    assert.deepEqual(plan('svc', 'web', '--port', ''), {kind: 'static', candidates: [], directive: Directive.noFileComp})
  })
})

describe('formatCompletion / nameCandidates', () => {
  it("prints cobra's __complete format: candidate TAB description, then the directive", () => {
    assert.equal(formatCompletion([{value: 'dns', description: 'DNS\nmore'}, {value: 'svc'}], 4), 'dns\tDNS\nsvc\n:4\n')
    assert.equal(formatCompletion([], 4), ':4\n')
  })

  it('filters, sorts, de-duplicates names and keeps the typed prefix', () => {
    assert.deepEqual(
      nameCandidates({names: 'pods', keep: 'shop/', prefix: 'w'}, ['web-2', 'db-0', 'web-1', 'web-1']).map((c) => c.value),
      ['shop/web-1', 'shop/web-2'],
    )
  })
})
