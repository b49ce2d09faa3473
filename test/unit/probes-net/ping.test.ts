import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {parsePing, pingCommand, pingPayloadForMtu, type PingResult} from '../../../src/probes/net.js'
import {captured} from './fixtures.js'

describe('pingCommand', () => {
  it('builds iputils arguments', () => {
    assert.deepEqual(pingCommand({host: '10.244.1.5'}), ['ping', '-c', '3', '-W', '2', '10.244.1.5'])
    assert.deepEqual(pingCommand({host: '10.244.1.5', count: 2, timeoutSeconds: 1, intervalSeconds: 0.2, dontFragment: true, size: 1422}), ['ping', '-c', '2', '-W', '1', '-i', '0.2', '-M', 'do', '-s', '1422', '10.244.1.5'])
  })
  it('payload for an MTU', () => {
    assert.equal(pingPayloadForMtu(1450), 1422)
    assert.equal(pingPayloadForMtu(1500, true), 1452)
  })
})

describe('parsePing on real output', () => {
  const cases: Array<{file: string; expect: Partial<PingResult>; icmp?: number; evidence?: RegExp}> = [
    {file: 'ping-ok.txt', expect: {outcome: 'reply', flavor: 'iputils', transmitted: 3, received: 3, lossPercent: 0, payloadSize: 56, packetSize: 84, rttMs: {min: 0.055, avg: 0.177, max: 0.413, mdev: 0.166}}},
    {file: 'ping-df-ok.txt', expect: {outcome: 'reply', payloadSize: 1372, packetSize: 1400, received: 3}},
    {file: 'ping-fragneeded.txt', expect: {outcome: 'too-big', transmitted: 3, received: 0, errors: 3, lossPercent: 100, fragNeededMtu: 1400, localTooBig: {mtu: 1400}, payloadSize: 1472, packetSize: 1500}, icmp: 0, evidence: /Frag needed and DF set \(mtu = 1400\)/},
    {file: 'ping-local-toolong.txt', expect: {outcome: 'too-big', errors: 2, localTooBig: {mtu: 1400}, fragNeededMtu: undefined}, evidence: /message too long, mtu=1400/},
    {file: 'ping-net-unreach.txt', expect: {outcome: 'unreachable', errors: 2, received: 0}, icmp: 2, evidence: /From 10.200.1.1: Destination Net Unreachable/},
    {file: 'ping-prohibit.txt', expect: {outcome: 'unreachable', errors: 1}, icmp: 1, evidence: /Packet filtered/},
    {file: 'ping-no-reply.txt', expect: {outcome: 'no-reply', transmitted: 2, received: 0, lossPercent: 100, errors: undefined}, icmp: 0},
    {file: 'ping-no-reply-arp.txt', expect: {outcome: 'no-reply', transmitted: 4}},
    {file: 'ping-unknown-host.txt', expect: {outcome: 'unknown-host'}, evidence: /Temporary failure in name resolution/},
    {file: 'bb-ping-ok.txt', expect: {outcome: 'reply', flavor: 'busybox', transmitted: 3, received: 3, lossPercent: 0, payloadSize: 56, packetSize: undefined, rttMs: {min: 0.091, avg: 0.093, max: 0.096}}},
    {file: 'bb-ping-big.txt', expect: {outcome: 'reply', flavor: 'busybox', received: 1, lossPercent: 50, payloadSize: 1472}},
    {file: 'bb-ping-loss.txt', expect: {outcome: 'no-reply', flavor: 'busybox', received: 0, lossPercent: 100}},
    {file: 'bb-ping-netunreach.txt', expect: {outcome: 'no-reply', flavor: 'busybox'}},
    {file: 'bb-ping-huge.txt', expect: {outcome: 'error', flavor: 'unknown'}, evidence: /not in 0..65535 range/},
  ]
  for (const c of cases) {
    it(c.file, () => {
      const r = parsePing(captured(c.file).output)
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(r[key as keyof PingResult], value, key)
      if (c.icmp !== undefined) assert.equal(r.icmpErrors.length, c.icmp)
      if (c.evidence) assert.match(r.evidence ?? '', c.evidence)
    })
  }
})

describe('parsePing on other published shapes', () => {
  it('older iputils: sendmsg: Message too long', () => {
    const r = parsePing('PING 10.0.0.2 (10.0.0.2) 1473(1501) bytes of data.\nping: sendmsg: Message too long\n\n--- 10.0.0.2 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n')
    assert.equal(r.outcome, 'too-big')
    assert.deepEqual(r.localTooBig, {})
    assert.equal(r.packetSize, 1501)
  })
  it('a first large reply then local refusals (tunnel PMTU cached after the first packet) counts as a reply', () => {
    const r = parsePing('PING 10.100.0.2 (10.100.0.2) 1472(1500) bytes of data.\n1480 bytes from 10.100.0.2: icmp_seq=1 ttl=64 time=0.1 ms\nping: sendmsg: Message too long\n\n--- 10.100.0.2 ping statistics ---\n2 packets transmitted, 1 received, +1 errors, 50% packet loss\n')
    assert.equal(r.outcome, 'reply')
    assert.deepEqual(r.localTooBig, {})
    assert.equal(r.errors, 1)
  })
  it('Destination Host Unreachable from the sender itself', () => {
    const r = parsePing('PING 10.244.2.9 (10.244.2.9) 56(84) bytes of data.\nFrom 10.244.1.3 icmp_seq=1 Destination Host Unreachable\nFrom 10.244.1.3 icmp_seq=2 Destination Host Unreachable\n\n--- 10.244.2.9 ping statistics ---\n3 packets transmitted, 0 received, +2 errors, 100% packet loss, time 2030ms\npipe 2\n')
    assert.equal(r.outcome, 'unreachable')
    assert.deepEqual(r.icmpErrors[0], {from: '10.244.1.3', message: 'Destination Host Unreachable'})
  })
})
