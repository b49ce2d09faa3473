import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {SIZES, generateSnapshot, snapshotText} from '../../../bench/snapshot-generator.js'
import {indexListDocuments} from '../../../src/cluster/snapshot-index.js'
import {parseSnapshot, readSnapshotEntries} from '../../../src/cluster/snapshot-file.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {NetdiagError} from '../../../src/errors.js'

const index = (text: string) => indexListDocuments(Buffer.from(text))
const pod = (name: string, namespace = 'shop', extra: Record<string, unknown> = {}) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace, labels: {app: name}}, spec: {containers: [{name: 'app'}]}, ...extra})
const list = (items: unknown[], kind = 'List') => ({apiVersion: 'v1', kind, items, metadata: {resourceVersion: ''}})

describe('indexListDocuments', () => {
  it('finds every item of compact and kubectl-indented Lists, with kind, namespace, name and exact byte ranges', () => {
    for (const text of [JSON.stringify(list([pod('a'), pod('b', 'other')])), JSON.stringify(list([pod('a'), pod('b', 'other')]), null, 4)]) {
      const items = index(text)!
      assert.deepEqual(items.map(({kind, namespace, name}) => ({kind, namespace, name})), [
        {kind: 'Pod', namespace: 'shop', name: 'a'},
        {kind: 'Pod', namespace: 'other', name: 'b'},
      ])
      assert.deepEqual(items.map((i) => JSON.parse(text.slice(i.start, i.end))), [pod('a'), pod('b', 'other')])
    }
  })

  it('reads spec.nodeName when it is one string, and claims nothing when the parser would decide', () => {
    const on = (node: unknown) => pod('a', 'shop', {spec: {containers: [], nodeName: node}})
    const cases: Array<[string, unknown, string | undefined]> = [
      ['a node', on('worker-1'), 'worker-1'],
      ['an escaped name', on('w\u00f6rker'), 'w\u00f6rker'],
      ['no nodeName', pod('a'), ''],
      ['a number', on(7), undefined],
      ['null', on(null), undefined],
      ['no spec at all', {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a', namespace: 'shop'}}, undefined],
    ]
    for (const [what, item, expected] of cases) assert.equal(index(JSON.stringify(list([item])))![0]!.nodeName, expected, what)
    // JSON.parse keeps the last of duplicate keys: a second nodeName or spec leaves it unknown.
    assert.equal(index('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"spec":{"nodeName":"x","nodeName":"y"}}]}')![0]!.nodeName, undefined)
    assert.equal(index('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"spec":{"nodeName":"x"},"spec":{}}]}')![0]!.nodeName, undefined)
    assert.equal(index('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"spec":"odd"}]}')![0]!.nodeName, undefined)
  })

  it('reads status.phase the same way', () => {
    const phased = (status: unknown) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a', namespace: 'shop'}, ...(status === undefined ? {} : {status})})
    const cases: Array<[string, unknown, string | undefined]> = [
      ['Pending', {phase: 'Pending', conditions: [{type: 'phase', status: 'x'}]}, 'Pending'],
      ['no phase', {podIP: '10.0.0.1'}, ''],
      ['not a string', {phase: 3}, undefined],
      ['no status', undefined, undefined],
    ]
    for (const [what, status, expected] of cases) assert.equal(index(JSON.stringify(list([phased(status)])))![0]!.phase, expected, what)
    assert.equal(index('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"status":{"phase":"Pending","phase":"Running"}}]}')![0]!.phase, undefined)
  })

  it('reads keys in any order, kind after items, escapes and braces inside strings, non-ASCII text', () => {
    const tricky = {spec: {note: 'a "}]{[" \\ b', 'kind': 'not-this'}, metadata: {annotations: {'x': '}{'}, namespace: 'sh\u00f6p', name: 'we\\"b'}, kind: 'Pod'}
    const text = `{"items":[${JSON.stringify(tricky)}, {"metadata":{"name":"n1"},"kind":"Node"}],"kind":"List"}`
    const items = index(text)!
    assert.deepEqual(items.map(({kind, namespace, name}) => ({kind, namespace, name})), [
      {kind: 'Pod', namespace: 'sh\u00f6p', name: 'we\\"b'},
      {kind: 'Node', namespace: undefined, name: 'n1'},
    ])
  })

  it('reads concatenated documents, and gives a raw PodList kind to its items', () => {
    const text = `${JSON.stringify(list([pod('a')]))}\n${JSON.stringify(list([{metadata: {name: 'b', namespace: 'shop'}}], 'PodList'))}\n`
    assert.deepEqual(index(text)!.map((i) => `${i.kind}/${i.name}`), ['Pod/a', 'Pod/b'])
  })

  const notLists: Array<[string, string]> = [
    ['a single object', JSON.stringify(pod('a'))],
    ['a bare array', '[1,2]'],
    ['a truncated file', JSON.stringify(list([pod('a')])).slice(0, 60)],
    ['garbage between documents', `${JSON.stringify(list([]))} hello`],
    ['an item that is not an object', '{"kind":"List","items":[1]}'],
    ['a stray comma among items', '{"kind":"List","items":[,]}'],
    ['a List item without kind', '{"kind":"List","items":[{"metadata":{"name":"a"}}]}'],
    ['an item without a name', '{"kind":"List","items":[{"kind":"Pod","metadata":{}}]}'],
    ['a List without items', '{"kind":"List"}'],
  ]
  for (const [name, text] of notLists) {
    it(`leaves ${name} to the strict parser`, () => assert.equal(index(text), undefined))
  }
})

describe('lazy snapshot view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-lazy-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('answers every list and get like the eagerly parsed view', async () => {
    const text = snapshotText(generateSnapshot(SIZES.tiny, 5).items)
    const file = join(dir, 'tiny.json')
    writeFileSync(file, text)
    const lazy = SnapshotClusterView.fromFiles([file])
    const eager = new SnapshotClusterView(parseSnapshot(text), file)
    for (const namespace of [undefined, 'kube-system', 'team-000', 'team-001', 'nowhere']) {
      for (const options of [undefined, {labelSelector: 'tier=frontend'}, {labelSelector: 'k8s-app in (kube-dns, kube-proxy)'}, {fieldSelector: 'metadata.name=api'}, {fieldSelector: 'metadata.namespace!=team-000,spec.nodeName!=worker-001'}, {fieldSelector: 'spec.nodeName=worker-001'}, {fieldSelector: 'spec.nodeName='}, {fieldSelector: 'status.phase=Pending'}, {fieldSelector: 'status.phase!=Running,spec.nodeName=worker-002'}]) {
        assert.deepEqual(await lazy.listPods(namespace, options), await eager.listPods(namespace, options))
        assert.deepEqual(await lazy.listServices(namespace, options), await eager.listServices(namespace, options))
      }
      assert.deepEqual(await lazy.listNetworkPolicies(namespace), await eager.listNetworkPolicies(namespace))
      assert.deepEqual(await lazy.listEndpointSlices(namespace), await eager.listEndpointSlices(namespace))
    }
    assert.deepEqual(await lazy.getService('kube-system', 'kube-dns'), await eager.getService('kube-system', 'kube-dns'))
    assert.deepEqual(await lazy.getConfigMap('kube-system', 'coredns'), await eager.getConfigMap('kube-system', 'coredns'))
    assert.deepEqual(await lazy.info(), await eager.info())
    assert.equal(lazy.damage(), undefined)
  })

  it('parses only what is asked for, once', async () => {
    const file = join(dir, 'two.json')
    writeFileSync(file, JSON.stringify(list([pod('a'), pod('b', 'other')])))
    const entries = readSnapshotEntries([file])
    const first = entries[0]!.object()
    assert.equal(entries[0]!.object(), first)
    const view = SnapshotClusterView.fromFiles([file])
    assert.deepEqual((await view.listPods('other')).map((p) => p.metadata?.name), ['b'])
  })

  it('a Pod list by spec.nodeName parses only the pods on that node', async () => {
    const file = join(dir, 'nodes.json')
    const bad = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bad', namespace: 'shop', labels: 'not-a-map'}, spec: {nodeName: 'node-b'}}
    writeFileSync(file, JSON.stringify(list([pod('a', 'shop', {spec: {nodeName: 'node-a'}}), bad])))
    const view = SnapshotClusterView.fromFiles([file])
    assert.deepEqual((await view.listPods(undefined, {fieldSelector: 'spec.nodeName=node-a'})).map((p) => p.metadata?.name), ['a'])
    assert.equal(view.damage(), undefined)
    await assert.rejects(view.listPods(undefined, {fieldSelector: 'spec.nodeName=node-b'}), (e: unknown) => e instanceof NetdiagError && e.exitCode === 2)
    // A nodeName that is not a string cannot be ruled out by the index: the pod is parsed, and fails closed.
    const odd = join(dir, 'odd-node.json')
    writeFileSync(odd, JSON.stringify(list([pod('a', 'shop', {spec: {nodeName: 'node-a'}}), pod('c', 'shop', {spec: {nodeName: 7}})])))
    await assert.rejects(SnapshotClusterView.fromFiles([odd]).listPods(undefined, {fieldSelector: 'spec.nodeName=node-a'}), /Pod shop\/c spec\.nodeName: is not a string/)
  })

  it('a malformed object is bad input (exit 2) with its line, found when read and remembered', async () => {
    // (Not in spec or status: the index walks their top level for nodeName and phase, so it finds an error there on load.)
    const file = join(dir, 'broken.json')
    writeFileSync(file, `{"kind":"List","items":[\n${JSON.stringify(pod('a'))},\n{"kind":"Pod","metadata":{"name":"b","namespace":"other"},"extra":{"x":1 "y":2}}\n]}`)
    const view = SnapshotClusterView.fromFiles([file])
    assert.equal((await view.listPods('shop')).length, 1)
    assert.equal(view.damage(), undefined)
    await assert.rejects(view.listPods('other'), (e: unknown) => e instanceof NetdiagError && e.exitCode === 2 && /snapshot .*broken\.json is not valid JSON \(line 3: /.test(e.message))
    assert.ok(view.damage() instanceof NetdiagError)
  })

  it('never returns Secrets', async () => {
    const file = join(dir, 'secret.json')
    writeFileSync(file, JSON.stringify(list([{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'token', namespace: 'kube-system'}, data: {token: 'c2VjcmV0'}}, pod('a')])))
    assert.deepEqual(readSnapshotEntries([file]).map((e) => e.kind), ['Pod'])
  })
})

describe('malformed snapshots the index must not accept (review findings)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-index-bad-'))
  after(() => rmSync(dir, {recursive: true, force: true}))
  const pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"ns"},"spec":{"x":[1]}}'
  const cases: Array<[string, string, RegExp]> = [
    ['a List member with no value', `{"apiVersion": ,"kind":"List","items":[${pod}]}`, /is not valid JSON/],
    ['a bare word as a List member', `{"apiVersion": v1 oops,"kind":"List","items":[${pod}]}`, /is not valid JSON/],
    ['mismatched brackets inside an item nobody reads', `{"apiVersion":"v1","kind":"List","items":[${pod.replace('[1]', '[1}')}]}`, /is not valid JSON/],
    ['a bad escape in a name', '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a\\x","namespace":"ns"}}]}', /is not valid JSON/],
    ['an empty file', '', /empty/],
    ['only whitespace', ' \n\t\n', /empty/],
  ]
  for (const [what, text, message] of cases) {
    it(`${what}: not indexed, and reading it is bad input (exit 2)`, () => {
      assert.equal(index(text), undefined)
      const file = join(dir, `${what.replace(/\W+/g, '-')}.json`)
      writeFileSync(file, text)
      assert.throws(
        () => readSnapshotEntries([file]),
        (error: unknown) => error instanceof NetdiagError && error.exitCode === 2 && message.test(error.message),
      )
    })
  }
  it('still indexes well-formed nesting of both bracket kinds', () => {
    const deep = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"ns"},"spec":{"a":[{"b":[[{"c":{}}]]}]}}'
    assert.deepEqual(index(`{"kind":"List","items":[${deep}]}`)?.map((i) => i.name), ['a'])
  })
})
