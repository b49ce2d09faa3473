import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {policyFindings} from '../../../src/analysis/scan/policies.js'
import type {Namespace, NetworkPolicy, Pod} from '../../../src/cluster/types.js'
import {namespace, networkPolicy, pod} from '../../helpers/svc-fixtures.js'

// Peer semantics: https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
const namespaces: Namespace[] = [namespace('shop', {team: 'shop'}), namespace('monitoring', {team: 'ops'}), namespace('kube-system')]
const pods = new Map<string, Pod[]>([
  ['shop', [pod({name: 'backend-1', labels: {app: 'backend'}}), pod({name: 'frontend-1', labels: {app: 'frontend'}})]],
  ['monitoring', [pod({name: 'prom-0', namespace: 'monitoring', labels: {app: 'prometheus'}})]],
  ['kube-system', []],
])
const codes = (policies: NetworkPolicy[], p = pods) => policyFindings({policies, namespaces, pods: p}).map((f) => `${f.code} ${f.object.name}${f.evidence.field ? ` ${f.evidence.field}` : ''}`)

describe('policies that cannot do what they say', () => {
  const cases: Array<[string, NetworkPolicy[], string[]]> = [
    ['a default-deny ({} selects every pod) is fine', [networkPolicy('deny', {podSelector: {}, policyTypes: ['Ingress']})], []],
    ['podSelector that matches a pod', [networkPolicy('p', {podSelector: {matchLabels: {app: 'backend'}}, policyTypes: ['Ingress']})], []],
    ['podSelector that matches no pod', [networkPolicy('p', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress']})], ['policy-selects-no-pod p']],
    ['matchExpressions that match no pod', [networkPolicy('p', {podSelector: {matchExpressions: [{key: 'app', operator: 'In', values: ['db', 'cache']}]}})], ['policy-selects-no-pod p']],
    ['a namespace without pods: nothing to protect yet, no finding', [networkPolicy('p', {podSelector: {matchLabels: {app: 'dns'}}}, 'kube-system')], []],
    ['from podSelector in the same namespace that matches nothing', [networkPolicy('p', {podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: 'frontnd'}}}]}]})], ['policy-peer-matches-nothing p spec.ingress[0].from[0]']],
    ['from podSelector that matches', [networkPolicy('p', {podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}]}]})], []],
    ['namespaceSelector that matches no namespace', [networkPolicy('p', {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: 'data'}}}]}]})], ['policy-peer-matches-nothing p spec.ingress[0].from[0]']],
    ['namespaceSelector + podSelector: the pods must be in the matching namespaces', [networkPolicy('p', {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: 'ops'}}, podSelector: {matchLabels: {app: 'frontend'}}}]}]})], ['policy-peer-matches-nothing p spec.ingress[0].from[0]']],
    ['namespaceSelector + podSelector that match', [networkPolicy('p', {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: 'ops'}}, podSelector: {matchLabels: {app: 'prometheus'}}}]}]})], []],
    ['namespaceSelector by kubernetes.io/metadata.name (set on every namespace)', [networkPolicy('p', {podSelector: {}, egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}}]}]})], []],
    ['ipBlock is not about pods', [networkPolicy('p', {podSelector: {}, egress: [{to: [{ipBlock: {cidr: '10.0.0.0/8'}}]}]})], []],
    ['egress to a peer that matches nothing', [networkPolicy('p', {podSelector: {}, egress: [{to: [{podSelector: {matchLabels: {app: 'db'}}}]}]})], ['policy-peer-matches-nothing p spec.egress[0].to[0]']],
  ]
  for (const [name, policies, expected] of cases) it(name, () => assert.deepEqual(codes(policies), expected))

  it('unknown when the input lacks the pods of the namespace (a partial snapshot), never "selects nothing"', () => {
    const partial = new Map([...pods].filter(([ns]) => ns !== 'monitoring'))
    const out = policyFindings({
      policies: [networkPolicy('p', {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: 'ops'}}, podSelector: {matchLabels: {app: 'x'}}}]}]}), networkPolicy('m', {podSelector: {matchLabels: {a: 'b'}}}, 'monitoring')],
      namespaces,
      pods: partial,
      missing: (ns) => `the snapshot holds no Pod in namespace ${ns}`,
    })
    assert.deepEqual(out.map((f) => [f.code, f.object.name]), [['unknown-missing-data', 'p'], ['unknown-missing-data', 'm']])
    assert.match(out[0]!.summary, /^unknown: .*the snapshot holds no Pod in namespace monitoring/)
  })
})

describe('a user who may not read every namespace', () => {
  it('namespaceSelector peers are unknown, not "matches no namespace"', () => {
    const out = policyFindings({
      policies: [networkPolicy('p', {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: 'ops'}}}]}]})],
      namespaces: [namespace('shop')],
      pods: new Map([['shop', pods.get('shop')!]]),
      namespacesMissing: 'pods is forbidden: User "dev" cannot list resource "pods" at the cluster scope',
    })
    assert.deepEqual(out.map((f) => f.code), ['unknown-missing-data'])
    assert.match(out[0]!.summary, /cannot list resource "pods" at the cluster scope/)
  })
})
