import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {cidrHasHostBits, cidrSize, cidrsOverlap, ipFamily, ipInCidr, parseCidr, parseIp} from '../../../src/analysis/cidr.js'

describe('parseIp', () => {
  const cases: [string, 4 | 6 | undefined, bigint | undefined][] = [
    ['10.0.0.1', 4, 0x0a000001n],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['010.000.000.001', 4, 0x0a000001n], // leading zeros read as decimal, like ParseIPSloppy
    ['256.0.0.1', undefined, undefined],
    ['10.0.0', undefined, undefined],
    ['10.0.0.1.2', undefined, undefined],
    ['a.b.c.d', undefined, undefined],
    [' 10.0.0.1 ', 4, 0x0a000001n],
    ['1..2.3', undefined, undefined],
    ['.1.2.3', undefined, undefined],
    ['1.2.3.', undefined, undefined],
    ['1000.0.0.1', undefined, undefined],
    ['+1.2.3.4', undefined, undefined],
    ['1.2.3.4/32', undefined, undefined],
    ['', undefined, undefined],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['fd00::', 6, 0xfd00n << 112n],
    ['2001:db8::1', 6, (0x2001n << 112n) | (0xdb8n << 96n) | 1n],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, (0x2001n << 112n) | (0xdb8n << 96n) | 1n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['::ffff:10.0.0.1', 6, (0xffffn << 32n) | 0x0a000001n],
    ['::10.0.0.1', 6, 0x0a000001n],
    ['64:ff9b::1.2.3.4', 6, (0x64n << 112n) | (0xff9bn << 96n) | 0x01020304n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x000100020003000400050006_01020304n],
    ['1::2::3', undefined, undefined],
    ['1:2:3:4:5:6:7:8:9', undefined, undefined],
    ['1:2:3:4:5:6:7:8::', undefined, undefined],
    ['12345::', undefined, undefined],
    ['fe80::1%eth0', undefined, undefined],
    ['::ffff:300.0.0.1', undefined, undefined],
  ]
  for (const [text, family, value] of cases) {
    it(`${JSON.stringify(text)} -> ${family ?? 'invalid'}`, () => {
      const parsed = parseIp(text)
      assert.equal(parsed?.family, family)
      assert.equal(parsed?.value, value)
      assert.equal(ipFamily(text), family)
    })
  }
})

describe('parseCidr', () => {
  it('clears host bits like net.ParseCIDR and keeps the text', () => {
    assert.deepEqual(parseCidr('10.1.2.3/8'), {family: 4, network: 0x0a000000n, prefix: 8, text: '10.1.2.3/8'})
    assert.deepEqual(parseCidr('fd00::1/64'), {family: 6, network: 0xfd00n << 112n, prefix: 64, text: 'fd00::1/64'})
  })
  const invalid = ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/a', 'fd00::/129', '/8', 'x/8', '10.0.0.0/8/8']
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseCidr(text), undefined))
  }
  it('accepts /0 and full-length prefixes', () => {
    assert.equal(parseCidr('0.0.0.0/0')?.prefix, 0)
    assert.equal(parseCidr('10.0.0.1/32')?.network, 0x0a000001n)
    assert.equal(parseCidr('::/0')?.prefix, 0)
    assert.equal(parseCidr('::1/128')?.network, 1n)
  })
  it('flags host bits', () => {
    assert.equal(cidrHasHostBits('10.0.0.1/8'), true)
    assert.equal(cidrHasHostBits('10.0.0.0/8'), false)
    assert.equal(cidrHasHostBits('fd00::1/64'), true)
    assert.equal(cidrHasHostBits('bad'), false)
  })
  it('sizes', () => {
    assert.equal(cidrSize('10.0.0.0/24'), 256n)
    assert.equal(cidrSize('10.0.0.0/32'), 1n)
    assert.equal(cidrSize('fd00::/64'), 1n << 64n)
    assert.equal(cidrSize('nope'), undefined)
  })
})

describe('ipInCidr', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.1', '10.0.0.0/8', true],
    ['10.255.255.255', '10.0.0.0/8', true],
    ['11.0.0.0', '10.0.0.0/8', false],
    ['9.255.255.255', '10.0.0.0/8', false],
    ['192.168.1.7', '192.168.1.7/32', true],
    ['192.168.1.8', '192.168.1.7/32', false],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['172.17.1.5', '172.17.0.0/16', true],
    ['172.18.0.1', '172.17.0.0/16', false],
    ['10.0.0.1', '10.0.0.1/8', true], // host bits in the CIDR are ignored
    ['fd00::1', 'fd00::/64', true],
    ['fd00:0:0:1::1', 'fd00::/64', false],
    ['2001:db8::abcd', '2001:db8::/32', true],
    ['2001:db9::', '2001:db8::/32', false],
    ['::1', '::/0', true],
    ['10.0.0.1', '::/0', false], // families never mix
    ['fd00::1', '0.0.0.0/0', false],
    ['::ffff:10.0.0.1', '10.0.0.0/8', true], // IPv4-mapped IPv6 counts as IPv4, like Go's IPNet.Contains
    ['::ffff:11.0.0.1', '10.0.0.0/8', false],
    ['not-an-ip', '10.0.0.0/8', false],
    ['10.0.0.1', 'garbage', false],
  ]
  for (const [ip, cidr, expected] of cases) {
    it(`${ip} in ${cidr} = ${expected}`, () => assert.equal(ipInCidr(ip, cidr), expected))
  }
  it('accepts pre-parsed arguments', () => {
    assert.equal(ipInCidr(parseIp('10.1.1.1')!, parseCidr('10.1.0.0/16')!), true)
  })
})

describe('cidrsOverlap', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['10.0.0.0/24', '10.0.0.128/25', true],
    ['10.0.0.0/25', '10.0.0.128/25', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['fd00::/8', 'fd12:3456::/32', true],
    ['fd00::/16', 'fd01::/16', false],
    ['10.0.0.0/8', 'fd00::/8', false],
    ['10.0.0.0/8', 'bad', false],
  ]
  for (const [a, b, expected] of cases) {
    it(`${a} ~ ${b} = ${expected}`, () => assert.equal(cidrsOverlap(a, b), expected))
  }
})
