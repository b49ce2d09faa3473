import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {parseSnapshot, readSnapshotEntries, splitJsonDocuments} from '../../../src/cluster/snapshot-file.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {NetdiagError} from '../../../src/errors.js'

// Shapes as `kubectl get ... -o json` prints them: a List whose items carry apiVersion and kind.
const pods = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: {resourceVersion: ''},
  items: [
    {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-1', namespace: 'shop', labels: {app: 'web', tier: 'front'}}, spec: {nodeName: 'node-1', containers: []}, status: {phase: 'Running'}},
    {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-2', namespace: 'shop', labels: {app: 'web'}}, spec: {nodeName: 'node-2', containers: []}, status: {phase: 'Pending'}},
    {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'coredns-1', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}}, spec: {nodeName: 'node-1', containers: []}, status: {phase: 'Running'}},
  ],
}
const configMaps = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns', namespace: 'kube-system'}, data: {Corefile: '.:53 {\n    errors\n}\n'}},
    {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'token', namespace: 'kube-system'}, data: {token: 'c2VjcmV0'}},
  ],
}

function view(text: string) {
  return new SnapshotClusterView(parseSnapshot(text))
}

describe('snapshot files', () => {
  it('reads several concatenated List documents, as two kubectl commands print them', async () => {
    const v = view(`${JSON.stringify(pods, null, 2)}\n${JSON.stringify(configMaps, null, 2)}\n`)
    assert.equal((await v.listPods(undefined)).length, 3)
    assert.equal((await v.getConfigMap('kube-system', 'coredns'))?.data?.Corefile, '.:53 {\n    errors\n}\n')
  })

  it('never keeps Secrets', () => {
    const objects = parseSnapshot(JSON.stringify(configMaps))
    assert.deepEqual(objects.map((o) => o.kind), ['ConfigMap'])
  })

  it('accepts a raw API list (PodList) whose items carry no kind', async () => {
    const raw = {kind: 'PodList', apiVersion: 'v1', items: [{metadata: {name: 'a', namespace: 'x'}}]}
    assert.equal((await view(JSON.stringify(raw)).getPod('x', 'a'))?.metadata?.name, 'a')
  })

  it('filters by namespace, label selector and field selector like the API', async () => {
    const v = view(JSON.stringify(pods))
    assert.deepEqual((await v.listPods('shop')).map((p) => p.metadata?.name), ['web-1', 'web-2'])
    assert.deepEqual((await v.listPods('shop', {labelSelector: 'app=web,tier'})).map((p) => p.metadata?.name), ['web-1'])
    assert.deepEqual((await v.listPods(undefined, {labelSelector: 'k8s-app=kube-dns'})).map((p) => p.metadata?.name), ['coredns-1'])
    assert.deepEqual((await v.listPods(undefined, {fieldSelector: 'spec.nodeName=node-1,status.phase!=Pending'})).map((p) => p.metadata?.name), ['web-1', 'coredns-1'])
    assert.deepEqual(await v.listPods('nowhere'), [])
  })

  it('knows a namespace exists from its objects even without Namespace items', async () => {
    const v = view(JSON.stringify(pods))
    assert.equal((await v.getNamespace('shop'))?.metadata?.labels?.['kubernetes.io/metadata.name'], 'shop')
    assert.equal(await v.getNamespace('nope'), undefined)
  })

  it('refuses logs and events offline', async () => {
    const v = view(JSON.stringify(pods))
    await assert.rejects(v.podLogs(), (e: unknown) => e instanceof NetdiagError && e.kind === 'offline')
    await assert.rejects(v.listEvents(), (e: unknown) => e instanceof NetdiagError && e.kind === 'offline')
  })

  const malformed: Array<[string, string, RegExp]> = [
    ['truncated file', JSON.stringify(pods).slice(0, 120), /not valid JSON \(line 1: unexpected end of file \(truncated\?\)\)/],
    ['garbage between documents', `${JSON.stringify(pods)}\nhello`, /unexpected "h" between documents/],
    ['a bare array', '[1,2]', /not a Kubernetes object or List/],
    ['an object without kind', '{"items": []}', /without "kind"/],
    ['a List without items', '{"kind": "List"}', /List has no "items" array/],
    ['an empty file', '  \n', /is empty/],
    ['a syntax error in the second document', `${JSON.stringify(pods)}\n{"kind": "List", "items": [,]}`, /line 2/],
  ]
  for (const [name, text, message] of malformed) {
    it(`rejects ${name} with exit code 2 and how to make a good one`, () => {
      assert.throws(
        () => parseSnapshot(text, 'cluster.json'),
        (error: unknown) => error instanceof NetdiagError && error.exitCode === 2 && message.test(error.message) && /kubectl netdiag snapshot/.test(error.message),
      )
    })
  }

  it('splits documents with braces inside strings correctly', () => {
    const docs = splitJsonDocuments('{"a":"}{\\"x"} {"b":1}')
    assert.deepEqual(docs, [{a: '}{"x'}, {b: 1}])
  })

  it('reads files and reports a missing one as bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-'))
    writeFileSync(join(dir, 'a.json'), JSON.stringify(pods))
    writeFileSync(join(dir, 'b.json'), JSON.stringify(configMaps))
    const v = SnapshotClusterView.fromFiles([join(dir, 'a.json'), join(dir, 'b.json')])
    assert.equal(v.source, 'snapshot')
    assert.throws(() => SnapshotClusterView.fromFiles([join(dir, 'missing.json')]), /cannot read snapshot .*missing\.json: no such file/)
  })
})

describe('snapshot object identity: API group, kind, namespace, name', () => {
  const k8sPolicy = {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'deny', namespace: 'shop'}, spec: {podSelector: {}, policyTypes: ['Ingress']}}
  // projectcalico.org/v3 NetworkPolicy: same kind name, another API (docs.tigera.io, "Calico network policy").
  const calicoPolicy = {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'deny', namespace: 'shop'}, spec: {selector: 'all()', types: ['Ingress']}}

  it('keeps a Calico and a Kubernetes NetworkPolicy of the same name as two objects, and reads each as its own', async () => {
    const v = view(JSON.stringify({apiVersion: 'v1', kind: 'List', items: [k8sPolicy, calicoPolicy]}))
    const kubernetes = await v.listNetworkPolicies('shop')
    assert.deepEqual(kubernetes.map((p) => p.apiVersion), ['networking.k8s.io/v1'])
  })

  it('still folds the same object given twice', async () => {
    const text = JSON.stringify({apiVersion: 'v1', kind: 'List', items: [k8sPolicy]})
    const v = view(`${text}\n${text}`)
    assert.equal((await v.listNetworkPolicies('shop')).length, 1)
  })

  it('gives the items of a raw typed list the list apiVersion', async () => {
    const raw = {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicyList', items: [{metadata: {name: 'deny', namespace: 'shop'}, spec: {selector: 'all()'}}]}
    const v = view(`${JSON.stringify({apiVersion: 'v1', kind: 'List', items: [k8sPolicy]})}\n${JSON.stringify(raw)}`)
    assert.deepEqual((await v.listNetworkPolicies('shop')).map((p) => p.apiVersion), ['networking.k8s.io/v1'])
  })

  it('does the same through the lazy file index (the path --snapshot FILE takes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-identity-'))
    const file = join(dir, 'cluster.json')
    // The Calico policy again, as a raw API list prints it (no kind or apiVersion on the item): the same object.
    const raw = {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicyList', items: [{metadata: calicoPolicy.metadata, spec: calicoPolicy.spec}]}
    writeFileSync(file, `${JSON.stringify({apiVersion: 'v1', kind: 'List', items: [k8sPolicy, calicoPolicy]})}\n${JSON.stringify(raw)}`)
    const entries = readSnapshotEntries([file])
    assert.deepEqual(entries.map((e) => e.apiVersion), ['networking.k8s.io/v1', 'projectcalico.org/v3', 'projectcalico.org/v3'])
    const v = SnapshotClusterView.fromFiles([file])
    assert.deepEqual((await v.listNetworkPolicies('shop')).map((p) => p.apiVersion), ['networking.k8s.io/v1'])
  })
})
