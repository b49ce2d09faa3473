import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {checkAddressOverlaps, checkPodIpCapacity, hostLocalUsableAddresses} from '../../../src/analysis/node/pod-addressing.js'
import {cidrsOverlapLocal, ipInCidrLocal, parseCidr, parseIp} from '../../../src/analysis/node/cidr-local.js'

describe('cidr-local', () => {
  const parse: Array<[string, string | undefined]> = [
    ['10.244.0.0/16', '4 10.244.0.0/16'],
    ['10.244.1.7/24', '4 10.244.1.0/24'],
    ['0.0.0.0/0', '4 0.0.0.0/0'],
    ['fd00:10:244::/56', '6 fd00:10:244::/56'],
    ['::ffff:10.0.0.0/120', '6 ::ffff:a00:0/120'],
    ['10.244.0.0/33', undefined],
    ['10.244.0/16', undefined],
    ['256.0.0.0/8', undefined],
    ['10.0.0.0', undefined],
    ['usePodCidr', undefined],
    ['1:2:3:4:5:6:7:8:9/64', undefined],
  ]
  const show = (c: NonNullable<ReturnType<typeof parseCidr>>) => {
    if (c.family === 4) return `4 ${[24n, 16n, 8n, 0n].map((s) => (c.base >> s) & 255n).join('.')}/${c.prefix}`
    const groups = Array.from({length: 8}, (_, i) => ((c.base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16))
    return `6 ${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${c.prefix}`
  }
  for (const [text, expected] of parse) {
    it(`parseCidr ${text}`, () => {
      const c = parseCidr(text)
      assert.equal(c ? show(c) : undefined, expected)
    })
  }
  it('overlap and membership', () => {
    assert.equal(cidrsOverlapLocal(parseCidr('10.96.0.0/12')!, parseCidr('10.100.0.0/16')!), true)
    assert.equal(cidrsOverlapLocal(parseCidr('10.96.0.0/12')!, parseCidr('10.112.0.0/16')!), false)
    assert.equal(cidrsOverlapLocal(parseCidr('10.0.0.0/8')!, parseCidr('fd00::/8')!), false)
    assert.equal(ipInCidrLocal('10.111.255.255', parseCidr('10.96.0.0/12')!), true)
    assert.equal(ipInCidrLocal('10.112.0.0', parseCidr('10.96.0.0/12')!), false)
    assert.equal(ipInCidrLocal('fd00::1', parseCidr('fd00::/64')!), true)
    assert.equal(parseIp('::')?.value, 0n)
    assert.deepEqual(parseIp('1::'), {family: 6, value: 1n << 112n})
    assert.deepEqual(parseIp('::ffff:10.0.0.1'), {family: 6, value: (0xffffn << 32n) | 0x0a000001n})
    assert.equal(parseIp('1::2::3'), undefined)
  })
})

describe('checkAddressOverlaps', () => {
  const cases: Array<{what: string; plan: Parameters<typeof checkAddressOverlaps>[0]; codes: string[]; message?: RegExp}> = [
    {what: 'kubeadm defaults', plan: {podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'], nodeIps: [{node: 'n1', ip: '192.168.1.10'}]}, codes: ['cidr.disjoint']},
    {what: 'pod CIDR inside the Service CIDR', plan: {podCidrs: ['10.100.0.0/16'], serviceCidrs: ['10.96.0.0/12']}, codes: ['cidr.pod-service-overlap'], message: /pod CIDR 10.100.0.0\/16 overlaps Service CIDR 10.96.0.0\/12/},
    {what: 'node network inside the pod CIDR (Calico default 192.168.0.0/16 on a home LAN)', plan: {podCidrs: ['192.168.0.0/16'], serviceCidrs: ['10.96.0.0/12'], nodeIps: [{node: 'worker-1', ip: '192.168.1.20'}]}, codes: ['cidr.node-in-pod-range'], message: /node worker-1 address 192.168.1.20 is inside pod CIDR 192.168.0.0\/16/},
    {what: 'node inside the Service CIDR', plan: {podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'], nodeIps: [{node: 'n1', ip: '10.100.3.4'}]}, codes: ['cidr.node-in-service-range']},
    {what: 'two nodes given the same podCIDR size overlapping', plan: {podCidrs: ['10.244.1.0/24', '10.244.1.128/24']}, codes: ['cidr.pod-ranges-overlap']},
    {what: 'per-node podCIDRs inside the cluster CIDR are fine', plan: {podCidrs: ['10.244.0.0/16', '10.244.1.0/24', '10.244.2.0/24']}, codes: ['cidr.disjoint']},
    {what: 'dual stack', plan: {podCidrs: ['10.244.0.0/16', 'fd00:10:244::/56'], serviceCidrs: ['10.96.0.0/16', 'fd00:10:244::/112'], nodeIps: [{node: 'n1', ip: 'fd00:10:244::5'}]}, codes: ['cidr.pod-service-overlap', 'cidr.node-in-pod-range', 'cidr.node-in-service-range']},
    {what: 'garbage', plan: {podCidrs: ['10.244.0.0'], serviceCidrs: []}, codes: ['cidr.unparsable']},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const findings = checkAddressOverlaps(c.plan)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      if (c.message) assert.match(findings[0].message, c.message)
    })
  }
})

describe('host-local capacity', () => {
  const usable: Array<[string, number | undefined]> = [
    ['10.244.1.0/24', 253],
    ['10.244.1.0/26', 61],
    ['10.244.1.0/30', 1],
    ['10.244.1.0/31', 0],
    ['10.244.1.0/32', 0],
    ['fd00::/120', 254],
    ['fd00::/64', Number.MAX_SAFE_INTEGER],
    ['nope', undefined],
  ]
  for (const [subnet, n] of usable) it(`${subnet} -> ${n}`, () => assert.equal(hostLocalUsableAddresses(subnet), n))

  const ips = (n: number, prefix = '10.244.1.') => Array.from({length: n}, (_, i) => `${prefix}${i + 2}`)
  const cases: Array<{what: string; input: Parameters<typeof checkPodIpCapacity>[0]; codes: string[]; message?: RegExp}> = [
    {what: '/24 for 110 pods', input: {node: 'n1', subnets: ['10.244.1.0/24'], allocatablePods: 110, allocatedIps: ips(12), runningPods: 12}, codes: ['ipam.capacity-ok'], message: /253 pod addresses, 12 allocated for up to 110 pods/},
    {what: '/26 for 110 pods', input: {node: 'n1', subnets: ['10.244.1.0/26'], allocatablePods: 110}, codes: ['ipam.range-smaller-than-max-pods'], message: /has 61 usable addresses but the node accepts 110 pods/},
    {what: 'exhausted by leaked allocations', input: {node: 'n1', subnets: ['10.244.1.0/26'], allocatablePods: 50, allocatedIps: ips(61), runningPods: 8}, codes: ['ipam.exhausted'], message: /all 61 addresses of 10.244.1.0\/26 are allocated but only 8 pods run there/},
    {what: 'leaking but not yet full', input: {node: 'n1', subnets: ['10.244.1.0/24'], allocatedIps: ips(150), runningPods: 20}, codes: ['ipam.leaked'], message: /150 addresses allocated for 20 running pods: 130 look leaked \(103 of 253 left\)/},
    {what: 'nearly exhausted with matching pods', input: {node: 'n1', subnets: ['10.244.1.0/26'], allocatedIps: ips(56), runningPods: 56}, codes: ['ipam.nearly-exhausted']},
    {what: 'dual-stack counts the IPv4 family', input: {node: 'n1', subnets: ['10.244.1.0/24', 'fd00:10:244:1::/64'], allocatedIps: [...ips(3), 'fd00:10:244:1::2'], runningPods: 3}, codes: ['ipam.capacity-ok'], message: /253 pod addresses, 3 allocated/},
    {what: 'no usable subnet', input: {node: 'n1', subnets: ['usePodCidr']}, codes: []},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const findings = checkPodIpCapacity(c.input)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      if (c.message) assert.match(findings[0].message, c.message)
    })
  }
})

describe('checkAddressOverlaps at cluster size', () => {
  // Every pair, the slow way, against the sweep: the same overlapping pairs whatever the input order.
  const bruteForce = (cidrs: string[]) => {
    const pairs = new Set<string>()
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) {
        const a = parseCidr(cidrs[i]!)!
        const b = parseCidr(cidrs[j]!)!
        if (cidrs[i] !== cidrs[j] && a.prefix === b.prefix && cidrsOverlapLocal(a, b)) pairs.add([cidrs[i], cidrs[j]].sort().join(' '))
      }
    }
    return pairs
  }
  const found = (cidrs: string[]) =>
    new Set(checkAddressOverlaps({podCidrs: cidrs}).filter((f) => f.code === 'cidr.pod-ranges-overlap').map((f) => [String(f.details?.a), String(f.details?.b)].sort().join(' ')))
  const nodes = Array.from({length: 300}, (_, i) => `10.${244 + (i >> 8)}.${i & 255}.0/24`)
  const cases: Array<[string, string[]]> = [
    ['300 disjoint ranges', nodes],
    ['one host-bits twin at the end', [...nodes, '10.244.7.3/24']],
    ['twins reversed and mixed with IPv6', [...nodes, '10.244.200.9/24', 'fd00:10:244:1::/64', 'fd00:10:244:1::8/64'].reverse()],
    ['a wide range over many, different prefix: not a node pair', [...nodes, '10.244.0.0/16']],
    ['three of one range', ['10.244.1.1/24', '10.244.1.2/24', '10.244.1.3/24', '10.244.2.0/24']],
  ]
  for (const [what, cidrs] of cases) it(what, () => assert.deepEqual(found(cidrs), bruteForce(cidrs)))

  it('node addresses are tested against every range once parsed', () => {
    const findings = checkAddressOverlaps({podCidrs: nodes, nodeIps: [{node: 'n1', ip: '10.244.5.9'}, {node: 'n2', ip: '192.168.0.2'}, {node: 'n3', ip: 'not-an-ip'}]})
    assert.deepEqual(findings.filter((f) => f.code === 'cidr.node-in-pod-range').map((f) => f.details?.podCidr), ['10.244.5.0/24'])
  })
})
