import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {writeTempFile} from '../../helpers/files.js'
import {list, namespace, pod} from '../../helpers/svc-fixtures.js'

const view = (document: unknown) => SnapshotClusterView.fromFiles([writeTempFile('cluster.json', JSON.stringify(document))])

describe('SnapshotClusterView.lacks: what a snapshot can answer for', () => {
  it('a kind in a namespace it holds objects of: known; elsewhere, or a kind it has none of: a gap naming both', () => {
    const v = view(list('List', [namespace('shop'), pod({name: 'web-1'})]))
    assert.equal(v.lacks('Pod', 'shop'), undefined)
    assert.deepEqual(v.lacks('Pod', 'kube-system'), {
      missing: 'the snapshot holds no Pod in namespace kube-system',
      settle: 'a snapshot that includes namespace kube-system (kubectl netdiag snapshot captures every namespace), or a live run',
    })
    assert.match(v.lacks('Node')!.missing, /^the snapshot holds no Node$/)
    assert.equal(v.lacks('Namespace'), undefined)
  })

  it('an empty namespace of an all-namespaces capture (the kind in two or more namespaces, the Namespace object there) is known empty', () => {
    const v = view(list('List', [namespace('shop'), namespace('empty'), namespace('kube-system'), pod({name: 'web-1'}), pod({name: 'coredns-1', namespace: 'kube-system'})]))
    assert.equal(v.lacks('Pod', 'empty'), undefined)
    // `kubectl get pods -n shop` plus `kubectl get namespaces`: one namespace of pods says nothing about the others.
    const one = view(list('List', [namespace('shop'), namespace('kube-system'), pod({name: 'web-1'})]))
    assert.ok(one.lacks('Pod', 'kube-system'))
  })

  it('a kubectl netdiag snapshot says what it captured whole: a cluster without NetworkPolicies or DaemonSets is known to have none', () => {
    const captured = {...list('List', [namespace('shop'), pod({name: 'web-1'})]), metadata: {resourceVersion: '', annotations: {'netdiag.io/captured': 'Namespace,Pod,NetworkPolicy,DaemonSet,ConfigMap/kube-system'}}}
    const v = view(captured)
    assert.equal(v.lacks('NetworkPolicy', 'shop'), undefined)
    assert.equal(v.lacks('DaemonSet', 'kube-system'), undefined)
    assert.equal(v.lacks('Pod', 'kube-system'), undefined)
    assert.equal(v.lacks('ConfigMap', 'kube-system'), undefined)
    assert.ok(v.lacks('ConfigMap', 'shop'))
    assert.ok(v.lacks('Node'))
  })
})
