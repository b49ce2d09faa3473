import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {NetworkPolicy} from '../../../src/cluster/types.js'
import {
  buildPolicyIndex,
  compilePolicy,
  effectivePolicyTypes,
  evaluateConnection,
  evaluateEgress,
  evaluateIngress,
  namespaceLabels,
  podEndpoint,
  type Endpoint,
  type TrafficPort,
} from '../../../src/analysis/network-policy.js'
import {resolveEndpoint} from '../../../src/analysis/network-policy/endpoints.js'
import {ep, namespace, namespaces, pod, pods, policy} from './network-policy-fixtures.js'

const TCP8080 = {protocol: 'TCP', port: 8080}
const ref = (ns: string, name: string) => ({kind: 'NetworkPolicy', namespace: ns, name})

describe('policyTypes', () => {
  const cases: [string, Record<string, unknown>, {ingress: boolean; egress: boolean}, boolean][] = [
    ['omitted, no egress: Ingress only', {podSelector: {}}, {ingress: true, egress: false}, true],
    ['omitted, ingress rules: Ingress only', {podSelector: {}, ingress: [{}]}, {ingress: true, egress: false}, true],
    ['omitted, egress rules: Ingress and Egress', {podSelector: {}, egress: [{}]}, {ingress: true, egress: true}, true],
    ['omitted, empty egress list: Ingress only (len == 0)', {podSelector: {}, egress: []}, {ingress: true, egress: false}, true],
    ['empty list is treated as omitted', {podSelector: {}, policyTypes: [], egress: [{}]}, {ingress: true, egress: true}, true],
    ['Egress only', {podSelector: {}, policyTypes: ['Egress']}, {ingress: false, egress: true}, false],
    ['Ingress only with egress rules', {podSelector: {}, policyTypes: ['Ingress'], egress: [{}]}, {ingress: true, egress: false}, false],
    ['both', {podSelector: {}, policyTypes: ['Ingress', 'Egress']}, {ingress: true, egress: true}, false],
  ]
  for (const [name, spec, types, inferred] of cases) {
    it(name, () => assert.deepEqual(effectivePolicyTypes(policy('p', 'shop', spec)), {types, inferred}))
  }
})

describe('isolation and default deny', () => {
  const denyIngress = policy('default-deny-ingress', 'shop', {podSelector: {}, policyTypes: ['Ingress']})
  const denyEgress = policy('default-deny-egress', 'shop', {podSelector: {}, policyTypes: ['Egress']})
  const denyAll = policy('default-deny-all', 'shop', {podSelector: {}, policyTypes: ['Ingress', 'Egress']})
  const implicitIngress = policy('implicit', 'shop', {podSelector: {}}) // defaulted to Ingress
  const onlyApi = policy('deny-api', 'shop', {podSelector: {matchLabels: {app: 'api'}}, policyTypes: ['Ingress']})
  const noPodSelector = policy('no-selector', 'shop', {policyTypes: ['Ingress']})

  const cases: [string, NetworkPolicy[], Endpoint, Endpoint, {egress: [boolean, boolean]; ingress: [boolean, boolean]}][] = [
    ['no policies: everything allowed, nothing isolated', [], ep.web, ep.api, {egress: [true, false], ingress: [true, false]}],
    ['default-deny-ingress isolates ingress only', [denyIngress], ep.web, ep.api, {egress: [true, false], ingress: [false, true]}],
    ['default-deny-egress isolates egress only', [denyEgress], ep.web, ep.api, {egress: [false, true], ingress: [true, false]}],
    ['deny-all isolates both', [denyAll], ep.web, ep.api, {egress: [false, true], ingress: [false, true]}],
    ['policy without policyTypes isolates ingress', [implicitIngress], ep.web, ep.api, {egress: [true, false], ingress: [false, true]}],
    ['policy podSelector limits whom it isolates', [onlyApi], ep.api, ep.web, {egress: [true, false], ingress: [true, false]}],
    ['... and isolates the selected pod', [onlyApi], ep.web, ep.api, {egress: [true, false], ingress: [false, true]}],
    ['absent spec.podSelector selects every pod', [noPodSelector], ep.web, ep.api, {egress: [true, false], ingress: [false, true]}],
    ['a policy in another namespace does not apply', [policy('deny', 'monitoring', {podSelector: {}, policyTypes: ['Ingress', 'Egress']})], ep.web, ep.api, {egress: [true, false], ingress: [true, false]}],
    ['the destination namespace policies do not restrict egress', [denyAll], ep.prometheus, ep.web, {egress: [true, false], ingress: [false, true]}],
  ]
  for (const [name, policies, src, dst, expected] of cases) {
    it(name, () => {
      const egress = evaluateEgress(policies, src, dst, TCP8080)
      const ingress = evaluateIngress(policies, src, dst, TCP8080)
      assert.deepEqual([egress.allowed, egress.isolated], expected.egress, 'egress')
      assert.deepEqual([ingress.allowed, ingress.isolated], expected.ingress, 'ingress')
    })
  }

  it('names the isolating policies and finds no near misses for a plain deny', () => {
    const v = evaluateIngress([denyIngress, onlyApi], ep.web, ep.api, TCP8080)
    assert.deepEqual(v.isolatingPolicies, [ref('shop', 'default-deny-ingress'), ref('shop', 'deny-api')])
    assert.deepEqual(v.allowedBy, [])
    assert.deepEqual(v.nearMisses, [])
  })

  it('an external source is never isolated for egress', () => {
    const v = evaluateEgress([denyAll], ep.internet, ep.web, TCP8080)
    assert.deepEqual([v.allowed, v.isolated], [true, false])
  })
})

describe('allow-all rules', () => {
  const cases: [string, Record<string, unknown>, 'ingress' | 'egress'][] = [
    ['ingress: [{}] allows every source and port', {podSelector: {}, policyTypes: ['Ingress'], ingress: [{}]}, 'ingress'],
    ['egress: [{}] allows every destination and port', {podSelector: {}, policyTypes: ['Egress'], egress: [{}]}, 'egress'],
    ['from: [] is the same as no from', {podSelector: {}, policyTypes: ['Ingress'], ingress: [{from: [], ports: []}]}, 'ingress'],
  ]
  for (const [name, spec, direction] of cases) {
    it(name, () => {
      const policies = [policy('allow-all', 'shop', spec)]
      for (const [src, dst, port] of [
        [ep.prometheus, ep.web, {protocol: 'TCP', port: 1}],
        [ep.web, ep.api, {protocol: 'UDP', port: 65535}],
        [ep.internet, ep.web, {protocol: 'SCTP', port: 9}],
        [ep.web, ep.internet, {protocol: 'TCP', port: 443}],
      ] as [Endpoint, Endpoint, TrafficPort][]) {
        const v = direction === 'ingress' ? evaluateIngress(policies, src, dst, port) : evaluateEgress(policies, src, dst, port)
        if (!v.isolated) continue // e.g. egress from an external address
        assert.equal(v.allowed, true)
        assert.deepEqual(v.allowedBy, [{policy: ref('shop', 'allow-all'), direction, ruleIndex: 0}])
      }
    })
  }
})

describe('peers', () => {
  const ingressFrom = (from: unknown[]) => [policy('allow', 'shop', {podSelector: {matchLabels: {app: 'api'}}, policyTypes: ['Ingress'], ingress: [{from}]})]
  const pm = {matchLabels: {app: 'prometheus'}}
  const monitoringNs = {matchLabels: {'kubernetes.io/metadata.name': 'monitoring'}}
  const cases: [string, unknown[], Endpoint, boolean, number | undefined][] = [
    ['podSelector alone: same namespace pod', [{podSelector: {matchLabels: {app: 'web'}}}], ep.web, true, 0],
    ['podSelector alone: same labels in another namespace do not match', [{podSelector: pm}], ep.prometheus, false, undefined],
    ['podSelector {} alone: every pod of the policy namespace', [{podSelector: {}}], ep.web, true, 0],
    ['podSelector {} alone: not other namespaces', [{podSelector: {}}], ep.prometheus, false, undefined],
    ['namespaceSelector alone: every pod in it', [{namespaceSelector: monitoringNs}], ep.prometheus, true, 0],
    ['namespaceSelector alone on a custom label', [{namespaceSelector: {matchLabels: {purpose: 'monitoring'}}}], ep.prometheus, true, 0],
    ['namespaceSelector {}: every namespace', [{namespaceSelector: {}}], ep.prometheus, true, 0],
    ['namespaceSelector {} also matches the policy namespace', [{namespaceSelector: {}}], ep.web, true, 0],
    ['namespaceSelector does not match', [{namespaceSelector: {matchLabels: {team: 'other'}}}], ep.prometheus, false, undefined],
    ['ns AND pod in one peer: both hold', [{namespaceSelector: monitoringNs, podSelector: pm}], ep.prometheus, true, 0],
    ['ns AND pod in one peer: pod fails', [{namespaceSelector: monitoringNs, podSelector: {matchLabels: {app: 'grafana'}}}], ep.prometheus, false, undefined],
    ['ns AND pod in one peer: namespace fails', [{namespaceSelector: monitoringNs, podSelector: {matchLabels: {app: 'web'}}}], ep.web, false, undefined],
    ['ns OR pod as two peers: the podSelector peer matches in the policy namespace', [{namespaceSelector: monitoringNs}, {podSelector: {matchLabels: {app: 'web'}}}], ep.web, true, 1],
    ['ns OR pod as two peers: the namespace peer matches any pod there', [{namespaceSelector: monitoringNs}, {podSelector: {matchLabels: {app: 'grafana'}}}], ep.prometheus, true, 0],
    ['namespaceSelector {} + podSelector: that pod in every namespace', [{namespaceSelector: {}, podSelector: pm}], ep.prometheus, true, 0],
    ['selector peers never match an external address', [{namespaceSelector: {}}], ep.internet, false, undefined],
    ['matchExpressions in a namespaceSelector', [{namespaceSelector: {matchExpressions: [{key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring', 'logging']}]}}], ep.prometheus, true, 0],
    ['NotIn namespaceSelector excludes', [{namespaceSelector: {matchExpressions: [{key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['monitoring']}]}}], ep.prometheus, false, undefined],
    ['invalid empty peer matches nothing', [{}], ep.web, false, undefined],
  ]
  for (const [name, from, src, allowed, peerIndex] of cases) {
    it(name, () => {
      const v = evaluateIngress(ingressFrom(from), src, ep.api, {protocol: 'TCP', port: 8443})
      assert.equal(v.allowed, allowed)
      assert.equal(v.allowedBy[0]?.peerIndex, peerIndex)
    })
  }

  it('the automatic kubernetes.io/metadata.name label is added to namespaces that lack it', () => {
    assert.deepEqual(namespaceLabels(namespaces.legacy), {team: 'legacy', 'kubernetes.io/metadata.name': 'legacy'})
    assert.deepEqual(namespaceLabels('x'), {'kubernetes.io/metadata.name': 'x'})
    const from = [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'legacy'}}}]
    assert.equal(evaluateIngress(ingressFrom(from), ep.legacyApp, ep.api, {port: 8443}).allowed, true)
    // Even an endpoint built by hand without namespace labels gets it.
    const bare: Endpoint = {pod: pods.legacyApp}
    assert.equal(evaluateIngress(ingressFrom(from), bare, ep.api, {port: 8443}).allowed, true)
  })

  it('podEndpoint accepts a label map for the namespace', () => {
    const e = podEndpoint(pods.prometheus, {purpose: 'monitoring'})
    assert.deepEqual(e.namespaceLabels, {purpose: 'monitoring', 'kubernetes.io/metadata.name': 'monitoring'})
  })
})

describe('ipBlock', () => {
  const egressTo = (to: unknown[]) => [policy('egress', 'shop', {podSelector: {}, policyTypes: ['Egress'], egress: [{to}]})]
  const v4 = [{ipBlock: {cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32']}}]
  const v6 = [{ipBlock: {cidr: '::/0', except: ['fd00::/8']}}]
  const cases: [string, unknown[], Endpoint, boolean][] = [
    ['v4 internet allowed', v4, ep.internet, true],
    ['v4 except excludes cluster pods', v4, ep.api, false],
    ['v4 except excludes the metadata service', v4, {ip: '169.254.169.254'}, false],
    ['v4 block does not match v6', v4, ep.internetV6, false],
    ['v6 internet allowed', v6, ep.internetV6, true],
    ['v6 except excludes ULA pods', v6, ep.dualStackV6, false],
    ['v6 block does not match v4', v6, ep.internet, false],
    ['v4 /32 exact', [{ipBlock: {cidr: '93.184.215.14/32'}}], ep.internet, true],
    ['pod IP inside a block matches (with a note)', [{ipBlock: {cidr: '10.244.0.0/16'}}], ep.api, true],
    ['dual-stack pod on its v4 address', [{ipBlock: {cidr: '10.244.1.0/24'}}], ep.dualStackV4, true],
    ['dual-stack pod on its v6 address', [{ipBlock: {cidr: '10.244.1.0/24'}}], ep.dualStackV6, false],
    ['a pod without an IP never matches', [{ipBlock: {cidr: '0.0.0.0/0'}}], ep.pending, false],
    ['invalid cidr matches nothing', [{ipBlock: {cidr: '10.0.0.0/40'}}], ep.internet, false],
    ['ipBlock together with a selector is invalid and matches nothing', [{ipBlock: {cidr: '0.0.0.0/0'}, podSelector: {}}], ep.internet, false],
  ]
  for (const [name, to, dst, allowed] of cases) {
    it(name, () => assert.equal(evaluateEgress(egressTo(to), ep.web, dst, {port: 443}).allowed, allowed))
  }

  it('notes that ipBlock on pod IPs depends on the plugin', () => {
    const v = evaluateEgress(egressTo([{ipBlock: {cidr: '10.244.0.0/16'}}]), ep.web, ep.api, {port: 443})
    assert.match(v.notes.join('\n'), /ipBlock 10\.244\.0\.0\/16 matched pod IP 10\.244\.1\.11; .*cluster-external/)
  })

  it('no such note for a hostNetwork pod, whose address is its node\'s', () => {
    const v = evaluateEgress(egressTo([{ipBlock: {cidr: '172.18.0.0/16'}}]), ep.web, ep.nodeExporter, {port: 9100})
    assert.equal(v.allowed, true)
    assert.ok(!v.notes.some((n) => n.startsWith('ipBlock')))
  })

  it('an except entry is a near miss', () => {
    const v = evaluateEgress(egressTo(v4), ep.web, ep.api, {port: 443})
    assert.deepEqual(v.nearMisses, [
      {
        policy: ref('shop', 'egress'),
        direction: 'egress',
        ruleIndex: 0,
        peerIndex: 0,
        code: 'ip-excepted',
        reason: 'ipBlock 0.0.0.0/0 contains 10.244.1.11 but its except 10.0.0.0/8 removes it',
      },
    ])
  })

  it('records problems of invalid peers', () => {
    const problems = compilePolicy(egressTo([{ipBlock: {cidr: 'nope', except: ['bad']}}, {}])[0]!).problems
    assert.deepEqual(problems, [
      'egress[0].to[0].ipBlock: invalid cidr "nope"',
      'egress[0].to[0].ipBlock: invalid except "bad"',
      'egress[0].to[1]: the peer sets none of podSelector, namespaceSelector, ipBlock',
    ])
  })
})

describe('ports', () => {
  const ingressPorts = (ports: unknown[]) => [policy('ports', 'shop', {podSelector: {}, policyTypes: ['Ingress'], ingress: [{ports}]})]
  const cases: [string, unknown[], Endpoint, TrafficPort, boolean, number | undefined][] = [
    ['numeric port, protocol omitted: TCP', [{port: 8443}], ep.api, {protocol: 'TCP', port: 8443}, true, 0],
    ['numeric port, protocol omitted: not UDP', [{port: 8443}], ep.api, {protocol: 'UDP', port: 8443}, false, undefined],
    ['traffic protocol omitted means TCP', [{port: 8443}], ep.api, {port: 8443}, true, 0],
    ['explicit UDP', [{protocol: 'UDP', port: 8443}], ep.api, {protocol: 'UDP', port: 8443}, true, 0],
    ['other port', [{port: 8443}], ep.api, {port: 8444}, false, undefined],
    ['protocol without port: every port of it', [{protocol: 'UDP'}], ep.api, {protocol: 'UDP', port: 31000}, true, 0],
    ['protocol without port: not other protocols', [{protocol: 'UDP'}], ep.api, {protocol: 'TCP', port: 31000}, false, undefined],
    ['empty ports entry: every TCP port', [{}], ep.api, {port: 1234}, true, 0],
    ['second entry matches', [{port: 1}, {port: 9090}], ep.api, {port: 9090}, true, 1],
    ['endPort range start', [{port: 32000, endPort: 32768}], ep.api, {port: 32000}, true, 0],
    ['endPort range end', [{port: 32000, endPort: 32768}], ep.api, {port: 32768}, true, 0],
    ['endPort range outside', [{port: 32000, endPort: 32768}], ep.api, {port: 32769}, false, undefined],
    ['endPort range below', [{port: 32000, endPort: 32768}], ep.api, {port: 31999}, false, undefined],
    ['named port resolves on the destination pod', [{port: 'https'}], ep.api, {port: 8443}, true, 0],
    ['named port, other number', [{port: 'https'}], ep.api, {port: 9090}, false, undefined],
    ['named port absent on the pod', [{port: 'http'}], ep.api, {port: 8080}, false, undefined],
    ['named port needs the protocol to agree', [{port: 'https', protocol: 'UDP'}], ep.api, {protocol: 'UDP', port: 8443}, false, undefined],
    ['SCTP', [{protocol: 'SCTP', port: 3868}], ep.api, {protocol: 'SCTP', port: 3868}, true, 0],
    ['SCTP is not TCP', [{protocol: 'SCTP', port: 3868}], ep.api, {protocol: 'TCP', port: 3868}, false, undefined],
    ['quoted number is a number', [{port: '8443'}], ep.api, {port: 8443}, true, 0],
  ]
  for (const [name, ports, dst, traffic, allowed, portIndex] of cases) {
    it(name, () => {
      const v = evaluateIngress(ingressPorts(ports), ep.web, dst, traffic)
      assert.equal(v.allowed, allowed)
      assert.equal(v.allowedBy[0]?.portIndex, portIndex)
    })
  }

  it('egress named ports resolve on the destination pod, not the source', () => {
    const egress = [policy('to-dns', 'shop', {podSelector: {}, policyTypes: ['Egress'], egress: [{ports: [{port: 'dns', protocol: 'UDP'}]}]})]
    assert.equal(evaluateEgress(egress, ep.web, ep.coredns, {protocol: 'UDP', port: 53}).allowed, true)
    // web declares no "dns" port; the destination api does not either.
    assert.equal(evaluateEgress(egress, ep.web, ep.api, {protocol: 'UDP', port: 53}).allowed, false)
    // An address that is not a pod has no named ports, unless the caller says which name the port has.
    assert.equal(evaluateEgress(egress, ep.web, {ip: '10.96.0.10'}, {protocol: 'UDP', port: 53}).allowed, false)
    assert.equal(evaluateEgress(egress, ep.web, {ip: '10.96.0.10'}, {protocol: 'UDP', port: 53, name: 'dns'}).allowed, true)
  })
})

describe('union of policies', () => {
  const allow8443 = policy('allow-https', 'shop', {podSelector: {matchLabels: {app: 'api'}}, ingress: [{from: [{podSelector: {matchLabels: {app: 'web'}}}], ports: [{port: 8443}]}]})
  const allow9090 = policy('allow-metrics', 'shop', {
    podSelector: {matchLabels: {tier: 'backend'}},
    ingress: [{from: [{namespaceSelector: {matchLabels: {purpose: 'monitoring'}}}], ports: [{port: 9090}]}],
  })
  const denyAll = policy('default-deny', 'shop', {podSelector: {}, policyTypes: ['Ingress', 'Egress']})
  const all = [denyAll, allow8443, allow9090]

  const cases: [string, Endpoint, number, boolean, string | undefined][] = [
    ['web to 8443 allowed by allow-https despite default-deny', ep.web, 8443, true, 'allow-https'],
    ['prometheus to 9090 allowed by allow-metrics', ep.prometheus, 9090, true, 'allow-metrics'],
    ['web to 9090: neither policy', ep.web, 9090, false, undefined],
    ['prometheus to 8443: neither policy', ep.prometheus, 8443, false, undefined],
  ]
  for (const [name, src, port, allowed, by] of cases) {
    it(name, () => {
      const v = evaluateIngress(all, src, ep.api, {port})
      assert.equal(v.allowed, allowed)
      assert.deepEqual(v.isolatingPolicies.map((p) => p.name), ['allow-https', 'allow-metrics', 'default-deny'])
      assert.equal(v.allowedBy[0]?.policy.name, by)
    })
  }

  it('lists every allowing rule', () => {
    const twice = policy('allow-any-https', 'shop', {podSelector: {}, ingress: [{ports: [{port: 8443}]}]})
    const v = evaluateIngress([...all, twice], ep.web, ep.api, {port: 8443})
    assert.deepEqual(
      v.allowedBy.map((r) => [r.policy.name, r.ruleIndex, r.peerIndex, r.portIndex]),
      [
        ['allow-any-https', 0, undefined, 0],
        ['allow-https', 0, 0, 0],
      ],
    )
  })

  it('the policy index groups by namespace and only looks there', () => {
    const index = buildPolicyIndex([...all, policy('other', 'monitoring', {podSelector: {}})])
    assert.equal(index.size, 4)
    assert.deepEqual(index.namespaces(), ['monitoring', 'shop'])
    assert.deepEqual(index.policiesIn('shop').map((p) => p.ref.name), ['allow-https', 'allow-metrics', 'default-deny'])
    assert.deepEqual(index.policiesIn('nowhere'), [])
    assert.deepEqual(index.policiesIn(undefined), [])
    assert.equal(evaluateIngress(index, ep.web, ep.api, {port: 8443}).allowed, true)
  })
})

describe('evaluateConnection', () => {
  const denyEgress = policy('default-deny-egress', 'shop', {podSelector: {}, policyTypes: ['Egress']})
  const denyIngressMon = policy('default-deny-ingress', 'monitoring', {podSelector: {}, policyTypes: ['Ingress']})
  const allowEgressMon = policy('allow-egress-monitoring', 'shop', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'monitoring'}}}]}],
  })

  it('no policies', () => {
    const v = evaluateConnection([], ep.web, ep.prometheus, {port: 9090})
    assert.equal(v.allowed, true)
    assert.equal(v.blockedBy, undefined)
    assert.deepEqual(v.decidingPolicies, [])
    assert.equal(v.summary, 'no NetworkPolicy isolates shop/web-5d8f7c6b9-x2x4z (egress) or monitoring/prometheus-0 (ingress); TCP 9090 is allowed')
  })
  it('blocked by egress', () => {
    const v = evaluateConnection([denyEgress], ep.web, ep.prometheus, {port: 9090})
    assert.deepEqual([v.allowed, v.blockedBy], [false, 'egress'])
    assert.deepEqual(v.decidingPolicies, [ref('shop', 'default-deny-egress')])
    assert.equal(
      v.summary,
      'NetworkPolicy shop/default-deny-egress isolates shop/web-5d8f7c6b9-x2x4z for egress and no rule allows TCP 9090 (egress from shop/web-5d8f7c6b9-x2x4z to monitoring/prometheus-0)',
    )
  })
  it('blocked by ingress', () => {
    const v = evaluateConnection([allowEgressMon, denyIngressMon], ep.web, ep.prometheus, {port: 9090})
    assert.deepEqual([v.allowed, v.blockedBy, v.egress.allowed], [false, 'ingress', true])
    assert.deepEqual(v.decidingPolicies, [ref('monitoring', 'default-deny-ingress')])
  })
  it('blocked by both', () => {
    const v = evaluateConnection([denyEgress, denyIngressMon], ep.web, ep.prometheus, {port: 9090})
    assert.equal(v.blockedBy, 'both')
    assert.deepEqual(v.decidingPolicies, [ref('shop', 'default-deny-egress'), ref('monitoring', 'default-deny-ingress')])
    assert.equal(v.summary.split('; ').length, 2)
  })
  it('allowed names the allowing policies', () => {
    const v = evaluateConnection([allowEgressMon], ep.web, ep.prometheus, {port: 9090})
    assert.equal(v.allowed, true)
    assert.deepEqual(v.decidingPolicies, [ref('shop', 'allow-egress-monitoring')])
    assert.equal(v.summary, 'NetworkPolicy shop/allow-egress-monitoring allows TCP 9090 from shop/web-5d8f7c6b9-x2x4z to monitoring/prometheus-0')
  })
  it('flags hostNetwork pods', () => {
    const v = evaluateConnection([denyIngressMon], ep.web, ep.nodeExporter, {port: 9100})
    assert.equal(v.hostNetwork, true)
    assert.equal(v.ingress.hostNetwork, true)
    assert.equal(v.egress.hostNetwork, false)
    assert.match(v.notes.join('\n'), /node-exporter-abcde uses hostNetwork: NetworkPolicy generally does not apply/)
    assert.match(v.notes.join('\n'), /destination monitoring\/node-exporter-abcde uses hostNetwork/)
    const fromHost = evaluateConnection([], ep.nodeExporter, ep.web, {port: 8080})
    assert.equal(fromHost.egress.hostNetwork, true)
    assert.match(fromHost.notes.join('\n'), /source monitoring\/node-exporter-abcde uses hostNetwork: its traffic comes from the node's IP/)
  })
  it('notes a Service ClusterIP destination', () => {
    const v = evaluateConnection([], ep.web, {ip: '10.96.0.10', serviceIp: true}, {protocol: 'UDP', port: 53})
    assert.match(v.notes.join('\n'), /10\.96\.0\.10 is a Service ClusterIP: policies see the traffic after the Service translates it/)
  })
})

describe('real API JSON round trip', () => {
  it('evaluates a policy parsed from kubectl JSON output', () => {
    // kubectl get networkpolicy -n shop allow-frontend -o json (trimmed); policyTypes as defaulted by the server.
    const json = `{
      "apiVersion": "networking.k8s.io/v1",
      "kind": "NetworkPolicy",
      "metadata": {"name": "allow-frontend", "namespace": "shop", "resourceVersion": "91234", "uid": "5f0c"},
      "spec": {
        "podSelector": {"matchLabels": {"app": "api"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": "https", "protocol": "TCP"}]}]
      }
    }`
    const parsed = JSON.parse(json) as NetworkPolicy
    const v = evaluateIngress([parsed], ep.web, ep.api, {protocol: 'TCP', port: 8443})
    assert.deepEqual(v.allowedBy, [{policy: ref('shop', 'allow-frontend'), direction: 'ingress', ruleIndex: 0, peerIndex: 0, portIndex: 0}])
  })

  it('a namespace object without labels at all still gets its name label', () => {
    const bare = namespace('bare', {}, false)
    delete bare.metadata!.labels
    const p = pod('x', 'bare', {app: 'x'}, {ip: '10.244.9.9'})
    const from = [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'bare'}}}]
    const v = evaluateIngress([policy('p', 'shop', {podSelector: {}, ingress: [{from}]})], podEndpoint(p, bare), ep.api, {port: 1})
    assert.equal(v.allowed, true)
  })
})

describe('resolveEndpoint: each endpoint resolved once, however many flows judge it', () => {
  it('the same Endpoint gives the same resolution; another Endpoint of the same pod its own', () => {
    const a = podEndpoint(pods.web, namespaces.shop)
    const b = podEndpoint(pods.web, namespaces.shop)
    assert.equal(resolveEndpoint(a), resolveEndpoint(a))
    assert.notEqual(resolveEndpoint(a), resolveEndpoint(b))
    assert.deepEqual(resolveEndpoint(a), resolveEndpoint(b))
  })
})
