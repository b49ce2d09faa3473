// Which enforcer runs, and which policy kinds it enforces.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {detectCni} from '../../../src/analysis/node/cni-detect.js'
import {assumedEnforcer, detectEnforcer, kindKey} from '../../../src/analysis/policy/index.js'
import type {DaemonSet} from '../../../src/cluster/types.js'

function ds(name: string, image: string, args: string[] = [], command?: string[]): DaemonSet {
  return {apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name, namespace: 'kube-system'}, spec: {selector: {}, template: {spec: {containers: [{name, image, args, ...(command ? {command} : {})}]}}}} as DaemonSet
}

const ANP = kindKey('policy.networking.k8s.io', 'AdminNetworkPolicy')
const BANP = kindKey('policy.networking.k8s.io', 'BaselineAdminNetworkPolicy')

describe('policy enforcer detection', () => {
  it('kube-network-policies with its install-anp.yaml flags enforces ANP and BANP [sigs.k8s.io/kube-network-policies v0.7.0 install-anp.yaml]', () => {
    const agent = ds('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.7.0', ['-v=2', '-admin-network-policy=true', '-baseline-admin-network-policy=true'])
    const e = detectEnforcer(detectCni({daemonSets: [agent]}), [agent])
    assert.equal(e.model, 'kubernetes')
    assert.ok(e.enforces.has(ANP) && e.enforces.has(BANP))
    assert.equal(e.name, 'kube-network-policies (--admin-network-policy --baseline-admin-network-policy)')
  })

  it('kube-network-policies without the flags enforces NetworkPolicy only; flags inside a shell command count', () => {
    const plain = ds('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.7.0', ['--v=2'])
    assert.ok(!detectEnforcer(undefined, [plain]).enforces.has(ANP))
    const shell = ds('kube-network-policies', 'localhost/kube-network-policies:dev', [], ['/bin/sh', '-ec', 'exec /usr/local/bin/netpol --v=1 \\\n --admin-network-policy=true'])
    const e = detectEnforcer(undefined, [shell])
    assert.ok(e.enforces.has(ANP) && !e.enforces.has(BANP))
  })

  it('Cilium enforces its own kinds and NetworkPolicy, not ANP; Calico its tiers and ANP', () => {
    const cilium = ds('cilium', 'quay.io/cilium/cilium:v1.16.5')
    const c = detectEnforcer(detectCni({daemonSets: [cilium]}), [cilium])
    assert.equal(c.model, 'cilium')
    assert.ok(c.enforces.has(kindKey('cilium.io', 'CiliumNetworkPolicy')) && !c.enforces.has(ANP))
    const calico = ds('calico-node', 'docker.io/calico/node:v3.29.1')
    const k = detectEnforcer(detectCni({daemonSets: [calico]}), [calico])
    assert.equal(k.model, 'calico')
    assert.ok(k.enforces.has(kindKey('projectcalico.org', 'GlobalNetworkPolicy')) && k.enforces.has(ANP))
  })

  it('no agent found: NetworkPolicy only and not known; with CRD objects present the model follows them, said as assumed', () => {
    const none = detectEnforcer(undefined, [])
    assert.equal(none.known, false)
    const assumed = assumedEnforcer(new Set([kindKey('projectcalico.org', 'NetworkPolicy')]))
    assert.equal(assumed.model, 'calico')
    assert.equal(assumed.known, false)
  })
})
