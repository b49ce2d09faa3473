import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {lastRespondingHop, parseTracepath, parseTraceroute, tracepathCommand, tracerouteCommand} from '../../../src/probes/net.js'
import {captured} from './fixtures.js'

const hopSummary = (h: {ttl: number; addresses: string[]; pmtu?: number; annotations: string[]; noReply: boolean; reached?: boolean}) =>
  `${h.ttl} ${h.addresses.join(',') || '*'}${h.pmtu ? ` pmtu=${h.pmtu}` : ''}${h.annotations.length ? ` ${h.annotations.join(',')}` : ''}${h.reached ? ' reached' : ''}${h.noReply ? ' no-reply' : ''}`

describe('commands', () => {
  it('tracepath and traceroute', () => {
    assert.deepEqual(tracepathCommand('10.244.2.5'), ['tracepath', '-n', '-m', '16', '10.244.2.5'])
    assert.deepEqual(tracerouteCommand('10.244.2.5', 8, 1), ['traceroute', '-n', '-m', '8', '-w', '1', '-q', '1', '10.244.2.5'])
  })
})

describe('parseTracepath on real output', () => {
  const cases: Array<{file: string; hops: string[]; pmtu: number | undefined; reached: boolean; destination?: string}> = [
    {file: 'tracepath-mtu-fresh.txt', hops: ['1 10.200.1.1', '2 10.200.1.1,10.200.2.2 pmtu=1400 reached'], pmtu: 1400, reached: true, destination: '10.200.2.2'},
    {file: 'tracepath-mtu.txt', hops: ['1 10.200.1.1', '2 10.200.2.2 reached'], pmtu: 1400, reached: true},
    {file: 'tracepath-unreach.txt', hops: ['1 10.200.1.1 !N', '2 * no-reply', '3 * no-reply', '4 * no-reply'], pmtu: 1500, reached: false},
    {file: 'tracepath-prohibit.txt', hops: ['1 10.200.1.1 !H'], pmtu: 1500, reached: false},
    {file: 'tracepath-lo.txt', hops: ['1 127.0.0.1 reached'], pmtu: 65535, reached: true},
  ]
  for (const c of cases) {
    it(c.file, () => {
      const t = parseTracepath(captured(c.file).output)
      assert.deepEqual(t.hops.map(hopSummary), c.hops)
      assert.equal(t.pmtu, c.pmtu)
      assert.equal(t.reached, c.reached)
      if (c.destination) assert.equal(t.destination, c.destination)
    })
  }
  it('first hop rtt', () => assert.equal(parseTracepath(captured('tracepath-mtu-fresh.txt').output).hops[0].rttMs, 0.047))
})

describe('parseTraceroute on real output', () => {
  const cases: Array<{file: string; hops: string[]; pmtu?: number; reached: boolean; last?: string}> = [
    {file: 'traceroute-ok.txt', hops: ['1 10.200.1.1', '2 10.200.2.2 reached'], reached: true, last: '10.200.2.2'},
    {file: 'traceroute-mtu.txt', hops: ['1 10.200.1.1 pmtu=1500', '2 10.200.2.2 pmtu=1400 reached'], pmtu: 1400, reached: true},
    {file: 'traceroute-prohibit.txt', hops: ['1 10.200.1.1 !X'], reached: false, last: '10.200.1.1'},
    {file: 'traceroute-icmp-netunreach.txt', hops: ['1 10.200.1.1 !N'], reached: false},
    {file: 'traceroute-stars.txt', hops: ['1 10.200.1.1', '2 * no-reply', '3 * no-reply', '4 * no-reply'], reached: false, last: '10.200.1.1'},
    {file: 'traceroute-netunreach.txt', hops: ['1 * no-reply', '2 * no-reply', '3 * no-reply', '4 * no-reply'], reached: false},
    {file: 'traceroute-hostunreach.txt', hops: ['1 * no-reply', '2 * no-reply', '3 * no-reply'], reached: false},
    {file: 'bb-traceroute.txt', hops: ['1 10.200.1.1', '2 10.200.2.2 reached'], reached: true},
  ]
  for (const c of cases) {
    it(c.file, () => {
      const t = parseTraceroute(captured(c.file).output)
      assert.deepEqual(t.hops.map(hopSummary), c.hops)
      assert.equal(t.pmtu, c.pmtu)
      assert.equal(t.reached, c.reached)
      assert.equal(lastRespondingHop(t)?.addresses.at(-1), c.last ?? (c.reached ? t.destination : lastRespondingHop(t)?.addresses.at(-1)))
    })
  }
  it('ECMP: several addresses for one TTL', () => {
    const t = parseTraceroute('traceroute to 10.1.2.3 (10.1.2.3), 30 hops max, 60 byte packets\n 1  10.0.0.1  0.3 ms  10.0.0.2  0.4 ms *\n 2  10.1.2.3  1.0 ms\n')
    assert.deepEqual(t.hops[0].addresses, ['10.0.0.1', '10.0.0.2'])
    assert.equal(t.hops[0].rttMs, 0.3)
    assert.equal(t.destination, '10.1.2.3')
    assert.equal(t.reached, true)
  })
})
