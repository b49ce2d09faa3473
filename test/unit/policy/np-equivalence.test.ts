// The policy engine on NetworkPolicy-only inputs must give exactly today's NetworkPolicy verdicts: a seeded
// random corpus of namespaces, pods, policies and ports, evaluated both ways.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {buildPolicyIndex, evaluateConnection, podEndpoint, ipEndpoint} from '../../../src/analysis/network-policy.js'
import {buildPolicySet, evaluateFlow, kindKey} from '../../../src/analysis/policy/index.js'
import {resolveEndpoint} from '../../../src/analysis/network-policy/endpoints.js'
import {allows, evaluateRule, ruleAllows} from '../../../src/analysis/network-policy/evaluate.js'
import {compilePolicy} from '../../../src/analysis/network-policy/policy-index.js'
import type {NetworkPolicy, Pod} from '../../../src/cluster/types.js'
import {namespace, pod, policy} from '../analysis/network-policy-fixtures.js'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NAMESPACES = ['a', 'b', 'c']
const APPS = ['web', 'db', 'api']

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!
}

function selector(r: () => number): Record<string, unknown> {
  const x = r()
  if (x < 0.3) return {}
  if (x < 0.7) return {matchLabels: {app: pick(r, APPS)}}
  if (x < 0.85) return {matchExpressions: [{key: 'app', operator: pick(r, ['In', 'NotIn']), values: [pick(r, APPS)]}]}
  return {matchExpressions: [{key: 'tier', operator: pick(r, ['Exists', 'DoesNotExist'])}]}
}

function peer(r: () => number): Record<string, unknown> {
  const x = r()
  if (x < 0.35) return {podSelector: selector(r)}
  if (x < 0.6) return {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': pick(r, NAMESPACES)}}}
  if (x < 0.85) return {namespaceSelector: selector(r), podSelector: selector(r)}
  return {ipBlock: {cidr: pick(r, ['10.0.0.0/16', '10.0.1.0/24', '0.0.0.0/0']), ...(r() < 0.5 ? {except: ['10.0.1.0/28']} : {})}}
}

function ports(r: () => number): Array<Record<string, unknown>> | undefined {
  if (r() < 0.4) return undefined
  return Array.from({length: 1 + Math.floor(r() * 2)}, () => {
    const x = r()
    if (x < 0.2) return {protocol: 'UDP', port: 53}
    if (x < 0.4) return {port: 'http'}
    if (x < 0.6) return {protocol: 'TCP', port: 8000, endPort: 8100}
    return {protocol: pick(r, ['TCP', undefined]), port: pick(r, [80, 443, 8080])}
  })
}

function randomPolicy(r: () => number, i: number): NetworkPolicy {
  const ns = pick(r, NAMESPACES)
  const spec: Record<string, unknown> = {podSelector: selector(r)}
  const types = pick(r, [undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']])
  if (types) spec.policyTypes = types
  for (const dir of ['ingress', 'egress'] as const) {
    if (r() < 0.3) continue
    spec[dir] = Array.from({length: Math.floor(r() * 3)}, () => ({
      ...(r() < 0.8 ? {[dir === 'ingress' ? 'from' : 'to']: Array.from({length: 1 + Math.floor(r() * 2)}, () => peer(r))} : {}),
      ...(ports(r) ? {ports: ports(r)} : {}),
    }))
  }
  return policy(`p${i}`, ns, spec)
}

function randomPods(r: () => number): Pod[] {
  return Array.from({length: 8}, (_, i) => {
    const labels: Record<string, string> = {app: pick(r, APPS)}
    if (r() < 0.5) labels.tier = 'x'
    return pod(`pod${i}`, pick(r, NAMESPACES), labels, {ip: `10.0.${Math.floor(r() * 2)}.${1 + Math.floor(r() * 20)}`, ports: [{containerPort: pick(r, [80, 8080]), name: 'http'}]})
  })
}

const NP_ONLY = {model: 'kubernetes' as const, name: 'kube-network-policies', enforces: new Set([kindKey('networking.k8s.io', 'NetworkPolicy')])}

describe('policy engine vs the NetworkPolicy evaluator (seeded random inputs)', () => {
  it('gives the same verdict and the same deciding policies on 300 clusters x 40 flows', () => {
    const r = rng(20261201)
    let compared = 0
    let denied = 0
    for (let c = 0; c < 300; c++) {
      const policies = Array.from({length: 1 + Math.floor(r() * 6)}, (_, i) => randomPolicy(r, i))
      const pods = randomPods(r)
      const nsObjects = Object.fromEntries(NAMESPACES.map((n) => [n, namespace(n)]))
      const index = buildPolicyIndex(policies)
      const set = buildPolicySet({networkPolicies: policies}, NP_ONLY)
      for (let f = 0; f < 40; f++) {
        const a = pick(r, pods)
        const b = pick(r, pods)
        if (a === b) continue // a pod's traffic to itself is never blocked (intended change, tested apart)
        const src = podEndpoint(a, nsObjects[a.metadata!.namespace!])
        const dst = r() < 0.1 ? ipEndpoint(pick(r, ['10.0.1.5', '192.168.1.1'])) : podEndpoint(b, nsObjects[b.metadata!.namespace!])
        const traffic = {protocol: pick(r, ['TCP', 'UDP']), port: pick(r, [53, 80, 443, 8080, 8050])}
        const old = evaluateConnection(index, src, dst, traffic)
        const now = evaluateFlow(set, src, dst, traffic)
        const names = (refs: Array<{namespace?: string; name: string}>) => [...new Set(refs.map((p) => `${p.namespace}/${p.name}`))].sort()
        assert.equal(now.verdict, old.allowed ? 'allowed' : 'denied', `cluster ${c} flow ${f}`)
        assert.deepEqual(names(now.decidedBy), names(old.decidingPolicies), `cluster ${c} flow ${f}`)
        assert.ok(now.decidedBy.every((d) => d.apiVersion === 'networking.k8s.io/v1' && d.kind === 'NetworkPolicy'))
        compared++
        if (!old.allowed) denied++
      }
    }
    // The corpus exercises both outcomes in earnest.
    assert.ok(compared > 10_000, `compared ${compared}`)
    assert.ok(denied > compared / 10 && denied < compared * 0.9, `denied ${denied} of ${compared}`)
  })
})

describe('ruleAllows (the Calico adapter\'s bare verdict) vs allows(evaluateRule) (seeded random inputs)', () => {
  it('agrees on every rule of 300 clusters, for pods, pods without an IP, addresses, named and numbered ports', () => {
    const r = rng(20261202)
    let compared = 0
    let allowed = 0
    for (let c = 0; c < 300; c++) {
      const policies = Array.from({length: 1 + Math.floor(r() * 6)}, (_, i) => randomPolicy(r, i)).map(compilePolicy)
      const pods = [...randomPods(r), pod('no-ip', pick(r, NAMESPACES), {app: pick(r, APPS)})]
      const nsObjects = Object.fromEntries(NAMESPACES.map((n) => [n, namespace(n)]))
      const endpoint = () => (r() < 0.15 ? ipEndpoint(pick(r, ['10.0.1.5', '10.0.0.9', '192.168.1.1'])) : podEndpoint(pick(r, pods), nsObjects[pick(r, pods).metadata!.namespace!]))
      for (let f = 0; f < 20; f++) {
        const other = resolveEndpoint(endpoint())
        const dst = resolveEndpoint(endpoint())
        const traffic = {protocol: pick(r, ['TCP', 'UDP', undefined]), port: pick(r, [53, 80, 443, 8080, 8050]), ...(r() < 0.2 ? {name: 'http'} : {})}
        for (const policy of policies) {
          for (const rule of [...policy.rules.ingress, ...policy.rules.egress]) {
            const expected = allows(evaluateRule(policy, rule, other, dst, traffic))
            assert.equal(ruleAllows(policy, rule, other, dst, traffic), expected, `cluster ${c} flow ${f} ${policy.ref.name} rule ${rule.index}`)
            compared++
            if (expected) allowed++
          }
        }
      }
    }
    assert.ok(compared > 10_000, `compared ${compared}`)
    assert.ok(allowed > compared / 20 && allowed < compared * 0.9, `allowed ${allowed} of ${compared}`)
  })
})
