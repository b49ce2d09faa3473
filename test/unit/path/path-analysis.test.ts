import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {buildPolicyIndex, podEndpoint} from '../../../src/analysis/network-policy.js'
import {interpretPathProbes, type PathProbeResults} from '../../../src/analysis/path/connectivity.js'
import {defaultProbePorts, parsePodRef, parsePortFlags, resolvePortRequests} from '../../../src/analysis/path/pod-ref.js'
import {allowPolicyYaml, stableLabels} from '../../../src/analysis/path/policy-fix.js'
import {pathPolicyVerdicts} from '../../../src/analysis/path/policy-verdicts.js'
import {db, networkPolicy, pathPod, web} from '../../helpers/path-fixtures.js'

describe('parsePodRef', () => {
  const cases: Array<[string, unknown]> = [
    ['web-1', {namespace: 'shop', name: 'web-1'}],
    ['payments/api-0', {namespace: 'payments', name: 'api-0'}],
    ['pod/web-1', {namespace: 'shop', name: 'web-1'}],
    ['pods/web-1', {namespace: 'shop', name: 'web-1'}],
    ['po/web-1', {namespace: 'shop', name: 'web-1'}],
    ['web.example-1', {namespace: 'shop', name: 'web.example-1'}],
  ]
  for (const [text, want] of cases) it(text, () => assert.deepEqual(parsePodRef(text, 'shop'), want))
  const bad: Array<[string, RegExp]> = [
    ['pod/shop/web', /not a pod/],
    ['a/b/c', /not a pod/],
    ['Web', /not a valid pod name/],
    ['shop_x/web', /not a valid namespace name/],
    ['shop/', /not a valid pod name/],
  ]
  for (const [text, message] of bad) it(`rejects ${text}`, () => assert.match((parsePodRef(text, 'shop') as {error: string}).error, message))
})

describe('ports', () => {
  it('numbers, names, protocols, comma lists', () => {
    assert.deepEqual(parsePortFlags(['80', '53/udp,http', 'dns/UDP']), [{port: 80}, {port: 53, protocol: 'UDP'}, {name: 'http'}, {name: 'dns', protocol: 'UDP'}])
  })
  for (const [value, message] of [['0', /1-65535/], ['80/icmp', /invalid protocol/], ['9/sctp', /SCTP/], ['80/tcp/x', /PORT\/tcp/], ['-x', /port number or the name/]] as const) {
    it(`rejects ${value}`, () => assert.match((parsePortFlags([value]) as {error: string}).error, message))
  }
  it('names resolve on the destination, duplicates collapse, numbers default to TCP', () => {
    assert.deepEqual(resolvePortRequests([{name: 'postgres'}, {port: 5432}, {port: 53, protocol: 'UDP'}], db()), [{port: 5432, protocol: 'TCP', name: 'postgres'}, {port: 53, protocol: 'UDP'}])
    assert.match((resolvePortRequests([{name: 'postgres', protocol: 'UDP'}], db()) as {error: string}).error, /declares no port named postgres\/UDP; it has postgres \(5432\/TCP\)/)
  })
  it('defaults: declared TCP/UDP ports, SCTP left out', () => {
    const pod = pathPod({name: 'x', ports: [{containerPort: 8080}, {name: 'dns', containerPort: 53, protocol: 'UDP'}, {containerPort: 9, protocol: 'SCTP'}, {containerPort: 8080, protocol: 'TCP'}]})
    assert.deepEqual(defaultProbePorts(pod), [{port: 8080, protocol: 'TCP'}, {port: 53, protocol: 'UDP', name: 'dns'}])
    assert.deepEqual(defaultProbePorts(web()), [])
  })
})

describe('pathPolicyVerdicts', () => {
  const names = {src: 'shop/web', dst: 'shop/db-0'}
  const src = podEndpoint(web())
  const dst = podEndpoint(db())
  const ports = [{port: 5432, protocol: 'TCP' as const}]
  it('no policy: not isolated, ICMP allowed', () => {
    const v = pathPolicyVerdicts([], src, dst, ports, names)
    assert.equal(v.isolated, false)
    assert.equal(v.ports[0]!.verdict.allowed, true)
    assert.equal(v.icmp.allowed, true)
  })
  it('a rule with ports allows the port and drops ICMP', () => {
    const allow = networkPolicy('db-from-web', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: 'web'}}}], ports: [{port: 5432}]}]})
    const v = pathPolicyVerdicts(buildPolicyIndex([allow]), src, dst, ports, names)
    assert.equal(v.isolated, true)
    assert.equal(v.ports[0]!.verdict.allowed, true)
    assert.equal(v.icmp.allowed, false)
    assert.equal(v.icmp.blockedBy, 'ingress')
    assert.match(v.icmp.summary, /NetworkPolicy shop\/db-from-web isolates the ingress of shop\/db-0 and only rules without ports allow ICMP/)
  })
  it('a rule without ports allows ICMP too', () => {
    const allow = networkPolicy('db-from-web', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: 'web'}}}]}]})
    assert.equal(pathPolicyVerdicts([allow], src, dst, ports, names).icmp.allowed, true)
  })
  it('default-deny egress on web blocks both', () => {
    const deny = networkPolicy('deny-egress', {podSelector: {}, policyTypes: ['Egress']})
    const v = pathPolicyVerdicts([deny], src, dst, ports, names)
    assert.equal(v.ports[0]!.verdict.blockedBy, 'egress')
    assert.equal(v.icmp.blockedBy, 'egress')
  })
})

describe('allowPolicyYaml', () => {
  it('ingress fix: selects the destination by stable labels, peer by namespace and labels, the ports', () => {
    const yaml = allowPolicyYaml('ingress', web(), db(), [{port: 5432, protocol: 'TCP'}])
    assert.match(yaml, /name: allow-db-from-web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: "db"\n  policyTypes: \[Ingress\]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io\/metadata.name: shop\n      podSelector:\n        matchLabels:\n          app: "web"\n    ports:\n    - \{protocol: TCP, port: 5432\}/)
  })
  it('egress fix goes in the source namespace; no ports means all protocols', () => {
    const yaml = allowPolicyYaml('egress', pathPod({name: 'a', namespace: 'front', labels: {app: 'a'}}), db(), [])
    assert.match(yaml, /namespace: front\n/)
    assert.match(yaml, /policyTypes: \[Egress\]\n  egress:\n  - to:/)
    assert.doesNotMatch(yaml, /ports:/)
  })
  it('drops controller hashes', () => {
    assert.deepEqual(stableLabels(web()), {app: 'web'})
  })
})

describe('interpretPathProbes with the policy verdict', () => {
  const base: PathProbeResults = {from: 'shop/web', to: 'shop/db-0', toIp: '10.244.2.9', port: 5432, protocol: 'TCP', sameNode: false}
  const deny = {allowed: false, policies: ['shop/db-deny'], enforced: true as const}
  const allow = {allowed: true, policies: [], enforced: true as const}
  const cases: Array<[string, Partial<PathProbeResults>, string]> = [
    ['timeout + deny: that policy', {ping: 'no-reply', tcp: 'timeout', policy: deny}, 'path.policy-drop'],
    ['timeout + deny not enforced: not the policy', {ping: 'no-reply', tcp: 'timeout', policy: {...deny, enforced: false}}, 'path.pod-network-cross-node'],
    ['timeout + allow, ping ok: something outside NetworkPolicy', {ping: 'reply', tcp: 'timeout', policy: allow}, 'path.port-filtered-not-policy'],
    ['silent + allow, same node', {ping: 'no-reply', tcp: 'timeout', policy: allow, sameNode: true}, 'path.pod-network-same-node'],
    ['refused beats any policy', {ping: 'reply', tcp: 'refused', policy: deny}, 'path.port-closed'],
    ['ICMP only, reply', {port: undefined, protocol: undefined, ping: 'reply'}, 'path.icmp-reply'],
    ['ICMP only, dropped by policy', {port: undefined, protocol: undefined, ping: 'no-reply', policy: deny}, 'path.policy-drop'],
  ]
  for (const [what, r, code] of cases) it(what, () => assert.equal(interpretPathProbes({...base, ...r}).code, code))
  it('names the policy and the underlay port', () => {
    assert.match(interpretPathProbes({...base, ping: 'no-reply', tcp: 'timeout', policy: deny}).message, /^TCP 5432 from shop\/web to shop\/db-0 \(10\.244\.2\.9\) times out, as NetworkPolicy shop\/db-deny predicts/)
    assert.match(interpretPathProbes({...base, ping: 'no-reply', tcp: 'timeout', policy: allow, encapsulation: 'ipip', cni: 'calico'}).message, /must allow IP protocol 4/)
  })
})
