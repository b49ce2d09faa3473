import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {interpretPathProbes, underlayRequirement, type PathProbeResults} from '../../../src/analysis/path/connectivity.js'
import {parseNc, parsePing} from '../../../src/probes/net.js'
import {captured} from '../probes-net/fixtures.js'

const base: PathProbeResults = {from: 'shop/frontend-7d4b9c', to: 'shop/backend-5f6d8', toIp: '10.244.2.23', port: 8080, sameNode: false}

describe('interpretPathProbes', () => {
  const cases: Array<{what: string; r: Partial<PathProbeResults>; code: string; status: string; message?: RegExp}> = [
    {what: 'connected', r: {ping: 'reply', tcp: 'connected'}, code: 'path.connected', status: 'pass'},
    {what: 'connected though ICMP is filtered', r: {ping: 'no-reply', tcp: 'connected'}, code: 'path.connected', status: 'pass', message: /ICMP is filtered/},
    {what: 'UDP not rejected', r: {tcp: 'udp-no-rejection', protocol: 'UDP', port: 53}, code: 'path.udp-not-rejected', status: 'pass', message: /cannot prove a listener/},
    {what: 'refused: nothing listens', r: {ping: 'reply', tcp: 'refused'}, code: 'path.port-closed', status: 'fail', message: /refused the connection .* nothing listens on port 8080/},
    {what: 'ping ok, TCP silently dropped', r: {ping: 'reply', tcp: 'timeout'}, code: 'path.port-filtered', status: 'fail', message: /NetworkPolicy \(ingress on shop\/backend-5f6d8 or egress on shop\/frontend-7d4b9c\)/},
    {what: 'too big', r: {ping: 'too-big', tcp: 'timeout'}, code: 'path.mtu', status: 'fail'},
    {what: 'ICMP prohibited', r: {ping: 'unreachable', tcp: 'unreachable'}, code: 'path.unreachable', status: 'fail'},
    {what: 'silent on the same node', r: {ping: 'no-reply', tcp: 'timeout', sameNode: true}, code: 'path.silent-drop-same-node', status: 'fail', message: /same node/},
    {what: 'silent across Calico IPIP', r: {ping: 'no-reply', tcp: 'timeout', encapsulation: 'ipip', cni: 'calico'}, code: 'path.silent-drop-cross-node', status: 'fail', message: /must allow IP protocol 4/},
    {what: 'silent across flannel VXLAN', r: {ping: 'no-reply', tcp: 'timeout', encapsulation: 'vxlan', cni: 'flannel'}, code: 'path.silent-drop-cross-node', status: 'fail', message: /UDP 8472/},
    {what: 'nothing run', r: {}, code: 'path.silent-drop-cross-node', status: 'fail'},
    {what: 'unsupported nc', r: {ping: 'reply', tcp: 'unsupported'}, code: 'path.inconclusive', status: 'warn'},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const f = interpretPathProbes({...base, ...c.r})
      assert.equal(f.code, c.code)
      assert.equal(f.status, c.status)
      if (c.message) assert.match(f.message, c.message)
    })
  }
  it('end to end from real outputs: ping works, port 81 refused', () => {
    const ping = parsePing(captured('ping-ok.txt').output).outcome
    const tcp = parseNc(captured('nc-refused.txt').output, {exitCode: 1}).outcome
    assert.equal(interpretPathProbes({...base, port: 81, ping, tcp}).code, 'path.port-closed')
  })
  it('end to end from real outputs: blackholed', () => {
    const ping = parsePing(captured('ping-no-reply.txt').output).outcome
    const tcp = parseNc(captured('nc-blackhole-timeout.txt').output, {exitCode: 1}).outcome
    assert.equal(interpretPathProbes({...base, ping, tcp, encapsulation: 'geneve'}).message.includes('UDP 6081'), true)
  })
})

describe('underlayRequirement', () => {
  const cases: Array<[Parameters<typeof underlayRequirement>[0], string | undefined, RegExp | undefined]> = [
    ['vxlan', 'calico', /UDP 4789/],
    ['vxlan', 'cilium', /UDP 8472/],
    ['vxlan', undefined, /4789 or 8472/],
    ['wireguard', 'calico', /UDP 51820/],
    ['wireguard', 'cilium', /UDP 51871/],
    ['none', 'aws-vpc-cni', /routes to every node's pod CIDR/],
    ['unknown', undefined, undefined],
  ]
  for (const [encap, cni, re] of cases) {
    it(`${encap} ${cni ?? ''}`, () => {
      const r = underlayRequirement(encap, cni)
      if (re) assert.match(r ?? '', re)
      else assert.equal(r, undefined)
    })
  }
})
