// A static "allowed" that the probe contradicts names what was evaluated, what was not, and the nodes.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {interpretPathProbes} from '../../../src/analysis/path/connectivity.js'
import {buildPolicySet, kindKey} from '../../../src/analysis/policy/index.js'
import {unevaluatedSuspects, type PolicyLayers} from '../../../src/checks/path/policy-layers.js'

function layers(model: 'kubernetes' | 'calico' | 'cilium', name: string): PolicyLayers {
  const enforcer = {model, name, enforces: new Set([kindKey('networking.k8s.io', 'NetworkPolicy')]), known: true, evidence: []}
  return {set: buildPolicySet({}, enforcer), enforcer, unreadable: [], layered: false}
}

describe('static allowed, probe dropped', () => {
  it('names the layers evaluated, the ones not evaluated and both nodes', () => {
    const suspects = unevaluatedSuspects(layers('kubernetes', 'kube-network-policies'), ['node-a', 'node-b'])
    assert.equal(suspects, 'evaluated NetworkPolicy (enforcer: kube-network-policies); not evaluated: host firewall rules (iptables/nftables FORWARD and INPUT chains) on node node-a or node node-b, policies of an enforcer netdiag does not model, cloud security groups')
    const finding = interpretPathProbes({from: 'shop/a', to: 'shop/b', toIp: '10.0.0.2', port: 8080, protocol: 'TCP', sameNode: false, ping: 'reply', tcp: 'timeout', policy: {allowed: true, policies: [], enforced: true, suspects}})
    assert.equal(finding.code, 'path.port-filtered-not-policy')
    assert.match(finding.message, /times out although the policy layers netdiag evaluated allow it: evaluated NetworkPolicy .* on node node-a or node node-b/)
  })

  it('Calico: host endpoint policies are the suspects netdiag does not evaluate', () => {
    assert.match(unevaluatedSuspects(layers('calico', 'Calico'), ['n1', 'n1']), /on node n1, Calico host endpoint policies/)
  })

  it('a denial by a layer beyond NetworkPolicy is named as the prediction', () => {
    const finding = interpretPathProbes({from: 'shop/a', to: 'shop/b', toIp: '10.0.0.2', port: 8080, protocol: 'TCP', sameNode: true, ping: 'reply', tcp: 'timeout', policy: {allowed: false, policies: [], enforced: true, label: 'AdminNetworkPolicy protect-backend'}})
    assert.equal(finding.code, 'path.policy-drop')
    assert.match(finding.message, /times out, as AdminNetworkPolicy protect-backend predicts$/)
  })
})
