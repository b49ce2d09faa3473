// 2,000 policies and 50,000 pods: the index is built once and each verdict only reads two namespaces.
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {NetworkPolicy} from '../../../src/cluster/types.js'
import {PolicyIndex, evaluateConnection, evaluateEgress, podEndpoint} from '../../../src/analysis/network-policy.js'
import {UDP53, ep, namespace, pod, policy} from './network-policy-fixtures.js'

const NAMESPACES = 200
const POLICIES_PER_NAMESPACE = 10
const PODS_PER_NAMESPACE = 250

function policiesFor(ns: string): NetworkPolicy[] {
  const list = [
    policy('default-deny', ns, {podSelector: {}, policyTypes: ['Ingress', 'Egress']}),
    policy('allow-dns', ns, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}],
          ports: [
            {port: 53, protocol: 'UDP'},
            {port: 53, protocol: 'TCP'},
          ],
        },
      ],
    }),
  ]
  for (let i = list.length; i < POLICIES_PER_NAMESPACE; i++) {
    list.push(
      policy(`allow-app-${i}`, ns, {
        podSelector: {matchLabels: {app: `app-${i}`}},
        ingress: [{from: [{podSelector: {matchLabels: {app: `app-${i - 1}`}}}], ports: [{port: 8080}]}],
      }),
    )
  }
  return list
}

class RecordingIndex extends PolicyIndex {
  readonly asked = new Set<string>()
  override policiesIn(ns: string | undefined) {
    if (ns !== undefined) this.asked.add(ns)
    return super.policiesIn(ns)
  }
}

describe('scale', () => {
  const names = Array.from({length: NAMESPACES}, (_, i) => `team-${i}`)
  const policies = names.flatMap(policiesFor)
  const pods = names.flatMap((ns, n) =>
    Array.from({length: PODS_PER_NAMESPACE}, (_, i) =>
      podEndpoint(pod(`p-${i}`, ns, {app: `app-${i % POLICIES_PER_NAMESPACE}`}, {ip: `10.${n % 250}.${Math.floor(i / 250)}.${i % 250}`}), namespace(ns)),
    ),
  )

  it('has the advertised size', () => {
    assert.equal(policies.length, 2000)
    assert.equal(pods.length, 50000)
  })

  // Time is measured by npm run bench, not asserted here; what keeps it linear is that each pod's evaluation
  // reads only its own namespace's policies.
  it('evaluates DNS egress for every pod, reading only the source namespace', () => {
    const index = new RecordingIndex(policies)
    let allowed = 0
    for (const src of pods) if (evaluateEgress(index, src, ep.coredns, UDP53).allowed) allowed++
    assert.equal(allowed, pods.length)
    assert.equal(index.asked.size, NAMESPACES)
  })

  it('one connection asks for the two namespaces involved and nothing else', () => {
    const index = new RecordingIndex(policies)
    const src = pods[3]! // team-0, app-3
    const dst = pods[PODS_PER_NAMESPACE * 7 + 4]! // team-7, app-4
    const v = evaluateConnection(index, src, dst, {port: 8080})
    assert.deepEqual([...index.asked].sort(), ['team-0', 'team-7'])
    assert.equal(v.blockedBy, 'both')
    const sameNs = evaluateConnection(index, pods[3]!, pods[4]!, {port: 8080}) // app-3 -> app-4 in team-0
    assert.deepEqual([sameNs.egress.allowed, sameNs.ingress.allowed], [false, true])
    assert.deepEqual(sameNs.ingress.allowedBy.map((r) => r.policy.name), ['allow-app-4'])
  })
})
