import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {checkMtuConsistency, encapOverhead, expectedPodMtu, pathMtuVerdict, type Encapsulation} from '../../../src/analysis/node/mtu.js'

describe('encapOverhead', () => {
  const cases: Array<[Encapsulation, {ipv6Outer?: boolean; geneveOptionBytes?: number}, number | undefined]> = [
    ['vxlan', {}, 50],
    ['vxlan', {ipv6Outer: true}, 70],
    ['ipip', {}, 20],
    ['geneve', {}, 50],
    ['geneve', {geneveOptionBytes: 12}, 62],
    ['geneve', {ipv6Outer: true}, 70],
    ['wireguard', {}, 60],
    ['wireguard', {ipv6Outer: true}, 80],
    ['none', {}, 0],
    ['none', {ipv6Outer: true}, 0],
    ['unknown', {}, undefined],
  ]
  for (const [encap, options, expected] of cases) {
    it(`${encap} ${JSON.stringify(options)} -> ${expected}`, () => assert.equal(encapOverhead(encap, options), expected))
  }
  it('expectedPodMtu subtracts it', () => {
    assert.equal(expectedPodMtu(1500, 'vxlan'), 1450)
    assert.equal(expectedPodMtu(9001, 'none'), 9001)
    assert.equal(expectedPodMtu(1500, 'wireguard', {ipv6Outer: true}), 1420)
    assert.equal(expectedPodMtu(1500, 'unknown'), undefined)
  })
})

describe('checkMtuConsistency', () => {
  const cases: Array<{what: string; facts: Parameters<typeof checkMtuConsistency>[0]; codes: string[]; message?: RegExp}> = [
    {what: 'flannel defaults', facts: {nodeMtu: 1500, overlayMtu: 1450, podMtu: 1450, encap: 'vxlan'}, codes: ['mtu.consistent'], message: /pod MTU 1450 matches node MTU 1500 minus VXLAN overhead 50 \(= 1450\)/},
    {what: 'pod MTU 1500 on VXLAN', facts: {nodeMtu: 1500, overlayMtu: 1450, podMtu: 1500, encap: 'vxlan'}, codes: ['mtu.pod-exceeds-node'], message: /pod MTU 1500 exceeds node MTU 1500 minus VXLAN overhead 50 \(= 1450\): packets of 1451-1500 bytes/},
    {what: 'tunnel device too big', facts: {nodeMtu: 1450, overlayMtu: 1450, podMtu: 1400, encap: 'vxlan'}, codes: ['mtu.overlay-exceeds-node'], message: /tunnel device MTU 1450 exceeds node MTU 1450 minus VXLAN overhead 50 \(= 1400\)/},
    {what: 'pod larger than a correct tunnel', facts: {nodeMtu: 1500, overlayMtu: 1430, podMtu: 1440, encap: 'vxlan'}, codes: ['mtu.pod-exceeds-overlay'], message: /pod MTU 1440 exceeds tunnel device MTU 1430/},
    {what: 'IPIP on a jumbo-frame node', facts: {nodeMtu: 9001, overlayMtu: 8981, podMtu: 8981, encap: 'ipip'}, codes: ['mtu.consistent']},
    {what: 'smaller than needed is fine', facts: {nodeMtu: 1500, podMtu: 1400, encap: 'vxlan'}, codes: ['mtu.consistent'], message: /with 50 bytes to spare/},
    {what: 'native routing', facts: {nodeMtu: 9001, podMtu: 9001, encap: 'none'}, codes: ['mtu.consistent'], message: /matches node MTU 9001$/},
    {what: 'CNI config changed but pods not recreated', facts: {nodeMtu: 1500, podMtu: 1440, cniMtu: 1400, encap: 'wireguard'}, codes: ['mtu.cni-config-differs'], message: /CNI config sets MTU 1400 but the pod interface has 1440/},
    {what: 'cniMtu 0 means auto, no warning', facts: {nodeMtu: 1500, podMtu: 1450, cniMtu: 0, encap: 'vxlan'}, codes: ['mtu.consistent']},
    {what: 'CNI config too large, no pod seen', facts: {nodeMtu: 1500, cniMtu: 1500, encap: 'geneve'}, codes: ['mtu.cni-config-exceeds-node'], message: /above node MTU 1500 minus Geneve overhead 50/},
    {what: 'IPv6 underlay VXLAN', facts: {nodeMtu: 1500, podMtu: 1450, encap: 'vxlan', ipv6Outer: true}, codes: ['mtu.pod-exceeds-node'], message: /overhead 70 \(= 1430\)/},
    {what: 'unknown encapsulation, pod bigger than node', facts: {nodeMtu: 1450, podMtu: 1500, encap: 'unknown'}, codes: ['mtu.pod-exceeds-node', 'mtu.encap-unknown']},
    {what: 'unknown encapsulation', facts: {nodeMtu: 1500, podMtu: 1450, encap: 'unknown'}, codes: ['mtu.encap-unknown']},
    {what: 'only the node MTU known', facts: {nodeMtu: 1500, encap: 'vxlan'}, codes: ['mtu.consistent'], message: /pods may use up to 1450/},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const findings = checkMtuConsistency(c.facts)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      if (c.message) assert.match(findings[0].message, c.message)
      const expectedStatus = c.codes[0] === 'mtu.consistent' ? 'pass' : c.codes[0] === 'mtu.cni-config-differs' || c.codes[0] === 'mtu.encap-unknown' ? 'warn' : 'fail'
      assert.equal(findings[0].status, expectedStatus)
    })
  }
})

describe('pathMtuVerdict', () => {
  it('largest payload 1422 over VXLAN with pod MTU 1500: mismatch explained by the overhead', () => {
    const f = pathMtuVerdict({probeMaxPayload: 1422, podMtu: 1500, peerPodMtu: 1500, nodeMtu: 1500, encap: 'vxlan', reportedMtu: 1450})
    assert.equal(f.status, 'fail')
    assert.equal(f.code, 'path-mtu.mismatch')
    assert.match(f.message, /^MTU mismatch: small packets pass but packets above 1450 bytes vanish \(a hop reported MTU 1450\), while the pods send up to 1500/)
    assert.match(f.message, /1422 \+ 28 header bytes = 1450/)
    assert.match(f.message, /pod MTU does not account for the encapsulation/)
    assert.match(f.remediation!, /lower the pod MTU to 1450/)
    assert.equal(f.details?.pathMtu, 1450)
  })
  it('an underlay link smaller than the nodes', () => {
    const f = pathMtuVerdict({probeMaxPayload: 1372, podMtu: 1450, nodeMtu: 1500, encap: 'vxlan'})
    assert.equal(f.code, 'path-mtu.mismatch')
    assert.match(f.message, /below node MTU 1500 minus VXLAN overhead \(1450\), so a link between the nodes has a smaller MTU/)
  })
  it('full-size packets pass', () => {
    const f = pathMtuVerdict({probeMaxPayload: 1422, podMtu: 1450, peerPodMtu: 1450})
    assert.equal(f.status, 'pass')
    assert.match(f.message, /1422 \+ 28 = 1450 bytes ≥ pod MTU 1450/)
  })
  it('the smaller of the two pods decides what is sent', () => {
    assert.equal(pathMtuVerdict({probeMaxPayload: 1372, podMtu: 1500, peerPodMtu: 1400}).status, 'pass')
    assert.equal(pathMtuVerdict({probeMaxPayload: 1371, podMtu: 1500, peerPodMtu: 1400}).status, 'fail')
  })
  it('IPv6 uses 48 header bytes', () => {
    const f = pathMtuVerdict({probeMaxPayload: 1402, podMtu: 1450, ipv6: true})
    assert.equal(f.status, 'pass')
    assert.equal(f.details?.pathMtu, 1450)
  })
  it('nothing passes: not an MTU problem', () => {
    const f = pathMtuVerdict({podMtu: 1450})
    assert.equal(f.code, 'path-mtu.nothing-passes')
    assert.match(f.message, /not an MTU mismatch/)
  })
})
