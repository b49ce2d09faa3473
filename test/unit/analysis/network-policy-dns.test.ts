// DNS egress policies that work, the classic broken ones, and the near misses that explain them.
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {evaluateConnection, evaluateEgress, evaluateIngress, podEndpoint, type NearMiss} from '../../../src/analysis/network-policy.js'
import {TCP53, UDP53, ep, namespaces, pods, policy} from './network-policy-fixtures.js'

const denyEgress = policy('default-deny-egress', 'shop', {podSelector: {}, policyTypes: ['Egress']})
const kubeDns = {matchLabels: {'k8s-app': 'kube-dns'}}
const kubeSystemByName = {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}

function dnsPolicy(to: unknown[] | undefined, ports: unknown[] | undefined, name = 'allow-dns') {
  return policy(name, 'shop', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{...(to ? {to} : {}), ...(ports ? {ports} : {})}],
  })
}
const bothProtocols = [
  {port: 53, protocol: 'UDP'},
  {port: 53, protocol: 'TCP'},
]

const misses = (v: {nearMisses: NearMiss[]}) => v.nearMisses.map((m) => [m.policy.name, m.ruleIndex, m.code, m.reason])

describe('DNS egress policies that work', () => {
  const cases: [string, unknown[] | undefined, unknown[] | undefined][] = [
    ['namespaceSelector metadata.name AND podSelector k8s-app=kube-dns, UDP+TCP 53', [{namespaceSelector: kubeSystemByName, podSelector: kubeDns}], bothProtocols],
    ['namespaceSelector only', [{namespaceSelector: kubeSystemByName}], bothProtocols],
    ['any namespace, kube-dns pods', [{namespaceSelector: {}, podSelector: kubeDns}], bothProtocols],
    ['ports only, any destination', undefined, bothProtocols],
    ['named ports dns/UDP and dns-tcp/TCP', [{namespaceSelector: kubeSystemByName}], [{port: 'dns', protocol: 'UDP'}, {port: 'dns-tcp', protocol: 'TCP'}]],
    ['ipBlock for the pod network', [{ipBlock: {cidr: '10.244.0.0/16'}}], bothProtocols],
  ]
  for (const [name, to, ports] of cases) {
    it(name, () => {
      const policies = [denyEgress, dnsPolicy(to, ports)]
      for (const traffic of [UDP53, TCP53]) {
        const v = evaluateEgress(policies, ep.web, ep.coredns, traffic)
        assert.equal(v.allowed, true, traffic.protocol)
        assert.deepEqual(v.allowedBy.map((r) => r.policy.name), ['allow-dns'])
      }
    })
  }

  it('works against a legacy namespace object without the metadata.name label', () => {
    const legacyKubeSystem = {...namespaces.kubeSystem, metadata: {...namespaces.kubeSystem.metadata, labels: {}}}
    const dst = podEndpoint(pods.coredns, legacyKubeSystem)
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: kubeSystemByName, podSelector: kubeDns}], bothProtocols)]
    assert.equal(evaluateEgress(policies, ep.web, dst, UDP53).allowed, true)
  })

  it('name=kube-system works where the namespace really has that label', () => {
    const dst = podEndpoint(pods.coredns, namespaces.kubeSystemNamed)
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: {matchLabels: {name: 'kube-system'}}}], bothProtocols)]
    assert.equal(evaluateEgress(policies, ep.web, dst, UDP53).allowed, true)
  })
})

describe('classic broken DNS egress policies', () => {
  it('namespaceSelector name=kube-system when the namespace lacks that label', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: {matchLabels: {name: 'kube-system'}}, podSelector: kubeDns}], bothProtocols)]
    const v = evaluateEgress(policies, ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, false)
    assert.deepEqual(v.isolatingPolicies.map((p) => p.name), ['allow-dns', 'default-deny-egress'])
    assert.deepEqual(misses(v), [
      ['allow-dns', 0, 'namespace-labels', 'namespaceSelector requires name=kube-system but namespace kube-system has labels {kubernetes.io/metadata.name=kube-system}'],
    ])
    assert.equal(v.nearMisses[0]!.peerIndex, 0)
  })

  it('namespaceSelector alone on name=kube-system is still recognised as meant for kube-system', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: {matchLabels: {name: 'kube-system'}}}], bothProtocols)]
    assert.deepEqual(misses(evaluateEgress(policies, ep.web, ep.coredns, TCP53)).map((m) => m[2]), ['namespace-labels'])
  })

  it('port 53 without protocol allows TCP only', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: kubeSystemByName}], [{port: 53}])]
    assert.equal(evaluateEgress(policies, ep.web, ep.coredns, TCP53).allowed, true)
    const v = evaluateEgress(policies, ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, false)
    assert.deepEqual(misses(v), [['allow-dns', 0, 'protocol-defaulted', 'port 53 has no protocol, so it means TCP only; the traffic is UDP']])
    assert.equal(v.nearMisses[0]!.portIndex, 0)
  })

  it('podSelector without namespaceSelector only selects pods in the policy namespace', () => {
    const policies = [denyEgress, dnsPolicy([{podSelector: kubeDns}], bothProtocols)]
    const v = evaluateEgress(policies, ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, false)
    assert.deepEqual(misses(v), [
      [
        'allow-dns',
        0,
        'peer-namespace',
        "peer podSelector matches k8s-app=kube-dns only in namespace shop, the policy's own namespace, but kube-system/coredns-5d78c9869d-8x2lq is in kube-system; add a namespaceSelector",
      ],
    ])
  })

  it('two mistakes at once are both reported', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: {matchLabels: {name: 'kube-system'}}}], [{port: 53}])]
    const v = evaluateEgress(policies, ep.web, ep.coredns, UDP53)
    assert.deepEqual(misses(v).map((m) => m[2]), ['namespace-labels', 'protocol-defaulted'])
  })

  it('explicit TCP only', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: kubeSystemByName}], [{port: 53, protocol: 'TCP'}])]
    assert.deepEqual(misses(evaluateEgress(policies, ep.web, ep.coredns, UDP53)), [
      ['allow-dns', 0, 'protocol', 'port 53 allows TCP only; the traffic is UDP'],
    ])
  })

  it('a wrong named port is reported with the ports the pod declares', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: kubeSystemByName}], [{port: 'domain', protocol: 'UDP'}])]
    assert.deepEqual(misses(evaluateEgress(policies, ep.web, ep.coredns, UDP53)), [
      [
        'allow-dns',
        0,
        'named-port-missing',
        'named port domain/UDP is not declared on kube-system/coredns-5d78c9869d-8x2lq (53/UDP (dns), 53/TCP (dns-tcp), 9153/TCP (metrics))',
      ],
    ])
  })

  it('egress to the kube-dns ClusterIP by ipBlock does not work: policies see the pod IP', () => {
    const policies = [denyEgress, dnsPolicy([{ipBlock: {cidr: '10.96.0.10/32'}}], bothProtocols)]
    const v = evaluateConnection(policies, ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, false)
    assert.equal(v.blockedBy, 'egress')
    assert.deepEqual(v.egress.nearMisses, []) // the pod IP is far from the ClusterIP: nothing "meant" here
  })

  it('a rule for the wrong destination is not a near miss', () => {
    const policies = [denyEgress, dnsPolicy([{podSelector: {matchLabels: {app: 'api'}}}], [{port: 8443}])]
    assert.deepEqual(evaluateEgress(policies, ep.web, ep.coredns, UDP53).nearMisses, [])
  })
})

describe('switched-off rules', () => {
  it('a policy whose podSelector does not select the source', () => {
    const allowForApi = policy('allow-dns', 'shop', {
      podSelector: {matchLabels: {app: 'api'}},
      policyTypes: ['Egress'],
      egress: [{to: [{namespaceSelector: kubeSystemByName}], ports: bothProtocols}],
    })
    const v = evaluateEgress([denyEgress, allowForApi], ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, false)
    assert.deepEqual(misses(v), [
      [
        'allow-dns',
        0,
        'policy-does-not-select',
        'NetworkPolicy shop/allow-dns has an egress rule that allows this traffic, but its podSelector app=api does not select shop/web-5d8f7c6b9-x2x4z (labels {app=web, pod-template-hash=5d8f7c6b9})',
      ],
    ])
  })

  it('egress rules in a policy whose policyTypes omit Egress', () => {
    const ingressOnly = policy('allow-dns', 'shop', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{}],
      egress: [{to: [{namespaceSelector: kubeSystemByName}], ports: bothProtocols}],
    })
    const v = evaluateEgress([denyEgress, ingressOnly], ep.web, ep.coredns, UDP53)
    assert.deepEqual(misses(v), [
      ['allow-dns', 0, 'policy-type-missing', 'NetworkPolicy shop/allow-dns has an egress rule that allows this traffic, but its policyTypes [Ingress] omit Egress, so the rule is ignored'],
    ])
  })

  it('no near misses when the traffic is allowed', () => {
    const policies = [denyEgress, dnsPolicy([{namespaceSelector: kubeSystemByName}], bothProtocols), dnsPolicy([{podSelector: kubeDns}], bothProtocols, 'broken')]
    const v = evaluateEgress(policies, ep.web, ep.coredns, UDP53)
    assert.equal(v.allowed, true)
    assert.deepEqual(v.nearMisses, [])
  })
})

describe('other near misses', () => {
  const allowApi = (ports: unknown[], from: unknown[] = [{podSelector: {matchLabels: {app: 'web'}}}]) =>
    policy('allow-web', 'shop', {podSelector: {matchLabels: {app: 'api'}}, policyTypes: ['Ingress'], ingress: [{from, ports}]})

  it('the Service port instead of the targetPort', () => {
    const v = evaluateConnection([allowApi([{port: 443}])], ep.web, ep.api, {port: 8443, servicePort: 443})
    assert.equal(v.blockedBy, 'ingress')
    assert.deepEqual(misses(v.ingress), [
      ['allow-web', 0, 'service-port', "443/TCP is the Service port; NetworkPolicy sees the pod's port 8443 after the Service translates it"],
    ])
  })

  it('a matching peer with another port says what the rule allows', () => {
    const v = evaluateConnection([allowApi([{port: 8443}, {port: 9000, endPort: 9010}])], ep.web, ep.api, {port: 9090})
    assert.deepEqual(misses(v.ingress), [['allow-web', 0, 'port', 'the rule allows 8443/TCP, 9000-9010/TCP, not 9090/TCP']])
  })

  it('a named port that resolves to another number', () => {
    const v = evaluateConnection([allowApi([{port: 'metrics'}])], ep.web, ep.api, {port: 8443})
    assert.deepEqual(misses(v.ingress), [['allow-web', 0, 'named-port-other-number', 'named port metrics is 9090/TCP on shop/api-6c7d8e9f0-abcde, not 8443']])
  })

  it('a podSelector one label off, in the same namespace', () => {
    const v = evaluateConnection([allowApi([{port: 8443}], [{podSelector: {matchLabels: {app: 'webapp'}}}])], ep.web, ep.api, {port: 8443})
    assert.deepEqual(misses(v.ingress), [
      ['allow-web', 0, 'pod-labels', 'podSelector requires app=webapp but pod shop/web-5d8f7c6b9-x2x4z has labels {app=web, pod-template-hash=5d8f7c6b9}'],
    ])
  })

  it('a podSelector on unrelated keys is not a near miss', () => {
    const v = evaluateConnection([allowApi([{port: 8443}], [{podSelector: {matchLabels: {role: 'client'}}}])], ep.web, ep.api, {port: 8443})
    assert.equal(v.allowed, false)
    assert.deepEqual(v.ingress.nearMisses, [])
  })

  it('ns AND pod peer where the namespace matches but the pod does not', () => {
    const from = [{namespaceSelector: {matchLabels: {purpose: 'monitoring'}}, podSelector: {matchLabels: {app: 'prometheus-server'}}}]
    const v = evaluateConnection([allowApi([{port: 9090}], from)], ep.prometheus, ep.api, {port: 9090})
    assert.deepEqual(misses(v.ingress).map((m) => m[2]), ['pod-labels'])
  })

  it('a selector peer against an external source', () => {
    const v = evaluateIngress([allowApi([{port: 8443}])], ep.internet, ep.api, {port: 8443})
    assert.equal(v.allowed, false)
    assert.deepEqual(v.nearMisses, []) // the peer is far; nothing suggests the rule is meant for the internet
  })
})
