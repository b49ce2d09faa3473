import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {Pod} from '../../../src/cluster/types.js'
import {
  candidatesFromPods,
  describeDifference,
  podOwner,
  rankCandidates,
  selectorDifference,
} from '../../../src/analysis/label-difference.js'

function pod(name: string, labels: Record<string, string>, owner?: {kind: string; name: string}, namespace = 'shop'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels,
      ...(owner
        ? {ownerReferences: [{apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true, blockOwnerDeletion: true}]}
        : {}),
    },
    spec: {containers: [{name: 'app', image: 'nginx'}]},
  } as Pod
}

const backend1 = pod('backend-7c9d8f6b5d-abcde', {app: 'backend', 'pod-template-hash': '7c9d8f6b5d'}, {kind: 'ReplicaSet', name: 'backend-7c9d8f6b5d'})
const backend2 = pod('backend-7c9d8f6b5d-fghij', {app: 'backend', 'pod-template-hash': '7c9d8f6b5d'}, {kind: 'ReplicaSet', name: 'backend-7c9d8f6b5d'})
const frontend = pod('frontend-6b5d7c9d8f-klmno', {app: 'frontend', 'pod-template-hash': '6b5d7c9d8f'}, {kind: 'ReplicaSet', name: 'frontend-6b5d7c9d8f'})
const db0 = pod('db-0', {app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0'}, {kind: 'StatefulSet', name: 'db'})
const db1 = pod('db-1', {app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1'}, {kind: 'StatefulSet', name: 'db'})
const bare = pod('debug', {run: 'debug'})

describe('podOwner', () => {
  const cases: [string, Pod, {kind: string; name: string}][] = [
    ['ReplicaSet with matching pod-template-hash is its Deployment', backend1, {kind: 'Deployment', name: 'backend'}],
    ['StatefulSet', db0, {kind: 'StatefulSet', name: 'db'}],
    ['no owner: the pod itself', bare, {kind: 'Pod', name: 'debug'}],
    [
      'ReplicaSet without pod-template-hash stays a ReplicaSet',
      pod('rs-x', {app: 'x'}, {kind: 'ReplicaSet', name: 'legacy-rs'}),
      {kind: 'ReplicaSet', name: 'legacy-rs'},
    ],
    [
      'hash that is not the suffix stays a ReplicaSet',
      pod('p', {'pod-template-hash': 'zzz'}, {kind: 'ReplicaSet', name: 'web-abc'}),
      {kind: 'ReplicaSet', name: 'web-abc'},
    ],
    ['DaemonSet', pod('node-exporter-x', {}, {kind: 'DaemonSet', name: 'node-exporter'}), {kind: 'DaemonSet', name: 'node-exporter'}],
  ]
  for (const [name, p, expected] of cases) it(name, () => assert.deepEqual(podOwner(p), expected))

  it('prefers the controller reference', () => {
    const p = pod('x', {})
    p.metadata!.ownerReferences = [
      {apiVersion: 'v1', kind: 'Node', name: 'n1', uid: '1'},
      {apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: '2', controller: true},
    ]
    assert.deepEqual(podOwner(p), {kind: 'DaemonSet', name: 'ds'})
  })
})

describe('candidatesFromPods', () => {
  it('groups by owner and keeps only shared labels', () => {
    assert.deepEqual(candidatesFromPods([backend1, backend2, db0, db1, bare]), [
      {name: 'backend', kind: 'Deployment', namespace: 'shop', labels: {app: 'backend', 'pod-template-hash': '7c9d8f6b5d'}, pods: [backend1.metadata!.name, backend2.metadata!.name]},
      {name: 'db', kind: 'StatefulSet', namespace: 'shop', labels: {app: 'db'}, pods: ['db-0', 'db-1']},
      {name: 'debug', kind: 'Pod', namespace: 'shop', labels: {run: 'debug'}, pods: ['debug']},
    ])
  })
  it('keeps owners in different namespaces apart', () => {
    const other = pod('backend-7c9d8f6b5d-zzzzz', backend1.metadata!.labels!, {kind: 'ReplicaSet', name: 'backend-7c9d8f6b5d'}, 'staging')
    assert.equal(candidatesFromPods([backend1, other]).length, 2)
  })
})

describe('selectorDifference', () => {
  const candidate = {name: 'backend', kind: 'Deployment', labels: {app: 'backend', env: 'prod', canary: 'true'}}
  it('matching candidate scores 1', () => {
    const d = selectorDifference({matchLabels: {app: 'backend'}}, candidate)
    assert.equal(d.matches, true)
    assert.equal(d.score, 1)
    assert.deepEqual([d.missingKeys, d.mismatched, d.forbiddenKeys], [[], [], []])
  })
  it('states each kind of difference', () => {
    const d = selectorDifference(
      {
        matchLabels: {app: 'backend-api', tier: 'api'},
        matchExpressions: [
          {key: 'env', operator: 'NotIn', values: ['prod']},
          {key: 'canary', operator: 'DoesNotExist'},
          {key: 'zone', operator: 'Exists'},
        ],
      },
      candidate,
    )
    assert.equal(d.matches, false)
    assert.deepEqual(d.missingKeys, ['tier', 'zone'])
    assert.deepEqual(d.mismatched, [
      {key: 'app', want: ['backend-api'], operator: 'In', have: 'backend'},
      {key: 'env', want: ['prod'], operator: 'NotIn', have: 'prod'},
    ])
    assert.deepEqual(d.forbiddenKeys, ['canary'])
    assert.ok(d.score > 0 && d.score < 1)
  })
  it('empty selector matches everything', () => assert.equal(selectorDifference({}, candidate).score, 1))
})

describe('rankCandidates', () => {
  const candidates = candidatesFromPods([backend1, frontend, db0, bare])
  it('puts the nearest value first and leaves out unrelated keys last', () => {
    const ranked = rankCandidates({matchLabels: {app: 'backend-api'}}, candidates)
    assert.deepEqual(
      ranked.map((d) => d.candidate.name),
      ['backend', 'frontend', 'db', 'debug'],
    )
    assert.ok(ranked[0]!.score > ranked[1]!.score)
    assert.equal(ranked[3]!.score, 0)
  })
  it('honours limit, minScore and leaves out matches by default', () => {
    const selector = {matchLabels: {app: 'backend'}}
    assert.ok(!rankCandidates(selector, candidates).some((d) => d.candidate.name === 'backend'))
    assert.equal(rankCandidates(selector, candidates, {onlyNonMatching: false})[0]!.candidate.name, 'backend')
    assert.equal(rankCandidates({matchLabels: {app: 'backend-api'}}, candidates, {limit: 1}).length, 1)
    assert.ok(rankCandidates({matchLabels: {app: 'backend-api'}}, candidates, {minScore: 0.1}).every((d) => d.candidate.name !== 'debug'))
  })
  it('a wrong value ranks above a missing key', () => {
    const ranked = rankCandidates({matchLabels: {app: 'x', tier: 'y'}}, [
      {name: 'missing', labels: {app: 'x'}},
      {name: 'wrong', labels: {app: 'x', tier: 'z'}},
    ])
    assert.deepEqual(ranked.map((d) => d.candidate.name), ['wrong', 'missing'])
  })
})

describe('describeDifference', () => {
  const cases: [string, Parameters<typeof selectorDifference>[0], Parameters<typeof selectorDifference>[1], string][] = [
    [
      'the brief example',
      {matchLabels: {app: 'backend-api'}},
      {name: 'backend', kind: 'Deployment', labels: {app: 'backend'}},
      'selector app=backend-api; pods of Deployment backend have app=backend',
    ],
    [
      'missing key and excluded value',
      {matchLabels: {app: 'web', tier: 'fe'}, matchExpressions: [{key: 'env', operator: 'NotIn', values: ['prod']}]},
      {name: 'web', kind: 'StatefulSet', labels: {app: 'web', env: 'prod'}},
      'selector app=web,env!=prod,tier=fe; pods of StatefulSet web have no tier label and env=prod, which the selector excludes',
    ],
    [
      'forbidden key on a bare pod',
      {matchExpressions: [{key: 'canary', operator: 'DoesNotExist'}]},
      {name: 'debug', kind: 'Pod', labels: {canary: 'true'}},
      'selector !canary; pod debug has a canary label, which the selector requires to be absent',
    ],
    [
      'namespace candidate',
      {matchLabels: {name: 'kube-system'}},
      {name: 'kube-system', kind: 'Namespace', labels: {'kubernetes.io/metadata.name': 'kube-system'}},
      'selector name=kube-system; namespace kube-system has no name label',
    ],
    ['a match', {matchLabels: {app: 'x'}}, {name: 'x', kind: 'Deployment', labels: {app: 'x'}}, 'selector app=x; pods of Deployment x match'],
  ]
  for (const [name, selector, candidate, expected] of cases) {
    it(name, () => assert.equal(describeDifference(selector, selectorDifference(selector, candidate)), expected))
  }
})
