import assert from 'node:assert/strict'
import {mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {SIZES, generateSnapshot} from '../../../bench/snapshot-generator.js'
import {indexListDocuments, type IndexedItem} from '../../../src/cluster/snapshot-index.js'
import {formatSnapshotList, indexLineLayout, LAYOUT_ANNOTATION, readLayoutGroup} from '../../../src/cluster/snapshot-layout.js'
import {parseSnapshot, readSnapshotEntries} from '../../../src/cluster/snapshot-file.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {NetdiagError} from '../../../src/errors.js'

const CAPTURED = {resourceVersion: '', annotations: {'netdiag.io/captured': 'Namespace,Node,Pod'}}
const write = (items: unknown[]) => formatSnapshotList({metadata: CAPTURED, items})
const claimed = (text: string) => text.split('\n', 1)[0]!.includes(`"${LAYOUT_ANNOTATION}":`)
const pod = (name: string, namespace = 'shop', extra: Record<string, unknown> = {}) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace, uid: `uid-${name}`, labels: {app: name}}, spec: {containers: [{name: 'app'}], nodeName: 'worker-1'}, status: {phase: 'Running'}, ...extra})

/** What the fast path finds in a file, every group read, or undefined when the file does not prove its layout. */
function fastIndex(text: string): IndexedItem[] | undefined {
  const bytes = Buffer.from(text)
  const groups = indexLineLayout(bytes)
  return groups?.flatMap((group) => readLayoutGroup(bytes, group) ?? assert.fail(`group ${group.kind}/${group.namespace} unreadable`))
}

const fullIndex = (text: string) => indexListDocuments(Buffer.from(text))

describe('snapshot line layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-layout-'))
  after(() => rmSync(dir, {recursive: true, force: true}))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  it('writes one item per line after a header that claims the layout, and reads back what the full scan reads', () => {
    const {items} = generateSnapshot(SIZES.tiny, 3)
    const text = write(items)
    assert.ok(claimed(text))
    assert.equal(text.split('\n').length, items.length + 3)
    assert.deepEqual(fastIndex(text), fullIndex(text))
    // The same objects as written, key order aside.
    assert.deepEqual(parseSnapshot(text), JSON.parse(JSON.stringify(items)))
  })

  // Each item is written by the layout writer; the claim is made only if the fast path reads what the full scan
  // reads, so each case must either be claimed and read identically, or carry no claim (and then be scanned).
  const tricky: Array<[string, unknown[], boolean]> = [
    ['escaped quotes and backslashes in a name and namespace', [pod('we\\"b', 'sh"op'), pod('a\\b')], true],
    ['an annotation holding JSON that looks like a spec, nodeName and phase', [pod('a', 'shop', {metadata: {name: 'a', namespace: 'shop', annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod","metadata":{"name":"x","namespace":"evil"},"spec":{"nodeName":"evil"},"status":{"phase":"Failed"}}\n'}}})], true],
    ['unicode names, namespaces and node names', [pod('caf\u00e9', 'n\u00e4mespace', {spec: {nodeName: 'w\u00f6rker-\u{1f680}'}}), pod('\u2028line', 'shop')], true],
    ['keys in unusual order (status first, kind before apiVersion, nodeName last)', [{status: {conditions: [], phase: 'Pending'}, spec: {containers: [], nodeName: 'n1'}, metadata: {labels: {}, uid: 'u', namespace: 'shop', name: 'p'}, kind: 'Pod', apiVersion: 'v1'}], true],
    ['a Pod without spec or status, one with spec null, one without nodeName or phase', [{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a', namespace: 'shop'}}, {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'b', namespace: 'shop'}, spec: null}, pod('c', 'shop', {spec: {containers: []}, status: {podIP: '10.0.0.1'}})], true],
    ['cluster-scoped kinds, items without apiVersion, interleaved namespaces', [{kind: 'Node', metadata: {name: 'n1'}}, pod('a', 'one'), pod('b', 'two'), pod('c', 'one'), {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'one'}}], true],
    ['a metadata field holding an object with a spec before the real one', [pod('a', 'shop', {metadata: {name: 'a', namespace: 'shop', odd: {x: 1, spec: {nodeName: 'evil'}}}})], false],
    ['a nodeName that is not a string', [pod('a', 'shop', {spec: {nodeName: 7}})], false],
    ['two copies of one object', [pod('a'), pod('a')], false],
    ['an item without a name', [{apiVersion: 'v1', kind: 'Pod', metadata: {namespace: 'shop'}}], false],
    ['an item that is not an object', [pod('a'), 'text'], false],
    ['an empty namespace', [pod('a', '')], false],
    ['a name longer than any Kubernetes name (the full scan refuses the file)', [pod('x'.repeat(1100))], false],
  ]
  for (const [what, items, claims] of tricky) {
    it(`${claims ? 'claims and reads identically' : 'makes no claim'}: ${what}`, () => {
      const text = write(items)
      assert.equal(claimed(text), claims)
      if (claims) assert.deepEqual(fastIndex(text), fullIndex(text))
      else assert.equal(indexLineLayout(Buffer.from(text)), undefined)
    })
  }

  it('claims an empty List too', () => {
    const text = write([])
    assert.ok(claimed(text))
    assert.deepEqual(fastIndex(text), [])
    assert.deepEqual(fullIndex(text), [])
  })

  it('answers every list and get from a claimed file like the eagerly parsed view, and reads the captured claim', async () => {
    const {items} = generateSnapshot(SIZES.tiny, 9)
    const text = write(items)
    const lazy = SnapshotClusterView.fromFiles([file('tiny.json', text)])
    const eager = new SnapshotClusterView(parseSnapshot(text), 'tiny.json')
    for (const namespace of [undefined, 'kube-system', 'team-000', 'team-001', 'nowhere']) {
      for (const options of [undefined, {labelSelector: 'tier=frontend'}, {fieldSelector: 'spec.nodeName=worker-001'}, {fieldSelector: 'status.phase=Pending'}, {fieldSelector: 'metadata.name=api'}]) {
        assert.deepEqual(await lazy.listPods(namespace, options), await eager.listPods(namespace, options))
      }
      assert.deepEqual(await lazy.listServices(namespace), await eager.listServices(namespace))
      assert.deepEqual(await lazy.listNetworkPolicies(namespace), await eager.listNetworkPolicies(namespace))
    }
    assert.deepEqual(await lazy.listNodes(), await eager.listNodes())
    assert.deepEqual(await lazy.getConfigMap('kube-system', 'coredns'), await eager.getConfigMap('kube-system', 'coredns'))
    assert.deepEqual(lazy.namespaces(), eager.namespaces())
    assert.equal(lazy.lacks('Pod', 'team-000'), undefined)
    // The captured claim came through: an absent kind of the capture is known to be empty.
    assert.equal(lazy.lacks('Pod', 'empty-namespace'), undefined)
    assert.notEqual(eager.lacks('Pod', 'empty-namespace'), undefined)
  })

  it('two claimed files that disagree about an object are an error naming both, whatever namespace a run reads', () => {
    const a = file('capture-a.json', write([pod('a', 'team-000'), pod('b', 'team-111')]))
    const b = file('capture-b.json', write([pod('a', 'team-000', {metadata: {name: 'a', namespace: 'team-000', labels: {app: 'other'}}}), pod('b', 'team-111')]))
    assert.throws(
      () => SnapshotClusterView.fromFiles([a, b]),
      (error: unknown) => error instanceof NetdiagError && error.kind === 'bad-input' && /Pod team-000\/a appears in .*capture-a.json and in .*capture-b.json with different content/.test(error.message),
    )
    // The same capture twice is one capture.
    assert.equal(SnapshotClusterView.fromFiles([a, file('capture-a-copy.json', write([pod('a', 'team-000'), pod('b', 'team-111')]))]).damage(), undefined)
  })

  describe('a claimed file that was changed afterwards is scanned whole, so it is read as it now is', () => {
    const items = [pod('a', 'team-000'), pod('b', 'team-000'), pod('c', 'team-111'), {apiVersion: 'v1', kind: 'Node', metadata: {name: 'n1'}}]
    const text = write(items)
    const lines = text.split('\n')
    const edits: Array<[string, string]> = [
      ['an item moved to another namespace (same length)', text.replace('"namespace":"team-111"', '"namespace":"team-000"')],
      ['two lines merged into one', [lines[0], `${lines[1]}${lines[2]}`, ...lines.slice(3)].join('\n')],
      ['a line added, the count left', [...lines.slice(0, 2), JSON.stringify(pod('x', 'team-000')) + ',', ...lines.slice(2)].join('\n')],
      ['a wrong item count in the claim', text.replace(/items=4 /, 'items=3 ')],
      ['the directory edited: two groups swap namespaces', text.replace('\\"team-000\\"', '\\"team-XXX\\"').replace('\\"team-111\\"', '\\"team-000\\"').replace('\\"team-XXX\\"', '\\"team-111\\"')],
      ['pretty-printed', JSON.stringify(JSON.parse(text), null, 2)],
      ['a space in the header', text.replace('"kind":"List",', '"kind": "List",')],
      ['a second document appended', text + JSON.stringify({apiVersion: 'v1', kind: 'List', items: [pod('d', 'team-000')]}) + '\n'],
    ]
    for (const [what, edited] of edits) {
      it(what, () => {
        assert.notEqual(edited, text)
        assert.equal(indexLineLayout(Buffer.from(edited)), undefined)
        const path = file(`edited-${what.replace(/\W+/g, '-')}.json`, edited)
        const read = readSnapshotEntries([path]).map((entry) => ({kind: entry.kind, namespace: entry.namespace, name: entry.name, object: entry.object()}))
        const scanned = parseSnapshot(edited).map((object) => ({kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name, object}))
        assert.deepEqual(read, scanned)
      })
    }

    it('a broken item is bad input, when the file is read or when the item is, as in any other file', () => {
      const badInput = (error: unknown) => error instanceof NetdiagError && error.kind === 'bad-input' && /not valid JSON/.test(error.message)
      const unbalanced = file('unbalanced.json', text.replace('"name":"c","namespace":"team-111"', '"name":"c","namespace":"team-111",,'))
      assert.throws(() => readSnapshotEntries([unbalanced]), badInput)
      const unquoted = file('unquoted.json', text.replace(/("name":"c".*?)"phase":"Running"/, '$1"phase":Running'))
      const entries = readSnapshotEntries([unquoted])
      assert.equal(entries.find((e) => e.name === 'a')!.object().metadata?.name, 'a')
      assert.throws(() => entries.find((e) => e.name === 'c')!.object(), badInput)
    })

    it('a group changed after the file was proven fails closed when it is read', async () => {
      const path = file('changing.json', text)
      const view = SnapshotClusterView.fromFiles([path])
      const at = Buffer.from(text).indexOf('"name":"c"')
      const fd = openSync(path, 'r+')
      writeSync(fd, '"name":"x"', at)
      closeSync(fd)
      assert.equal((await view.listPods('team-000')).length, 2)
      await assert.rejects(
        () => view.listPods('team-111'),
        (error: unknown) => error instanceof NetdiagError && error.kind === 'bad-input' && /changed while it was read/.test(error.message),
      )
      assert.ok(view.damage())
    })
  })
})
