import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {externalNameCost, lookupCost, resolverCandidates} from '../../../src/analysis/dns/search-expansion.js'

const KUBEADM = {search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5}
const EKS = {search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'us-west-2.compute.internal'], ndots: 5}
const GKE = {search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'c.my-project.internal', 'google.internal'], ndots: 5}

describe('resolverCandidates', () => {
  const cases: [string, string, typeof KUBEADM & {resolver?: 'glibc' | 'musl'}, string[]][] = [
    ['example.com with ndots:5 and 4 search domains: suffixes first, then absolute', 'example.com', EKS, [
      'example.com.shop.svc.cluster.local.',
      'example.com.svc.cluster.local.',
      'example.com.cluster.local.',
      'example.com.us-west-2.compute.internal.',
      'example.com.',
    ]],
    ['short service name', 'my-svc', KUBEADM, ['my-svc.default.svc.cluster.local.', 'my-svc.svc.cluster.local.', 'my-svc.cluster.local.', 'my-svc.']],
    ['trailing dot: only the absolute name', 'example.com.', KUBEADM, ['example.com.']],
    ['dots >= ndots: absolute first (glibc), then the search list', 'a.b.c.d.e.example.com', KUBEADM, [
      'a.b.c.d.e.example.com.',
      'a.b.c.d.e.example.com.default.svc.cluster.local.',
      'a.b.c.d.e.example.com.svc.cluster.local.',
      'a.b.c.d.e.example.com.cluster.local.',
    ]],
    ['musl: dots >= ndots means no search at all', 'api.example.com', {search: KUBEADM.search, ndots: 2, resolver: 'musl'}, ['api.example.com.']],
    ['musl: dots < ndots same order as glibc', 'my-svc', {...KUBEADM, resolver: 'musl'}, ['my-svc.default.svc.cluster.local.', 'my-svc.svc.cluster.local.', 'my-svc.cluster.local.', 'my-svc.']],
    ['ndots:1, one dot: absolute first', 'my-svc.shop', {search: KUBEADM.search, ndots: 1}, ['my-svc.shop.', 'my-svc.shop.default.svc.cluster.local.', 'my-svc.shop.svc.cluster.local.', 'my-svc.shop.cluster.local.']],
    ['search "." ignored, trailing dots in search tolerated', 'x', {search: ['.', 'corp.example.'], ndots: 1}, ['x.corp.example.', 'x.']],
    ['no search list', 'example.com', {search: [], ndots: 5}, ['example.com.']],
  ]
  for (const [name, input, config, want] of cases) {
    it(name, () => assert.deepEqual(resolverCandidates(input, config), want))
  }
})

describe('lookupCost', () => {
  it('external name on kubeadm: 4 names, 8 queries (A + AAAA)', () => {
    assert.deepEqual(lookupCost('example.com', KUBEADM), {
      names: ['example.com.default.svc.cluster.local.', 'example.com.svc.cluster.local.', 'example.com.cluster.local.', 'example.com.'],
      queries: 8,
    })
  })
  it('A only halves it', () => assert.equal(lookupCost('example.com', KUBEADM, {families: 1}).queries, 4))
  it('a Service short name answers at the first suffix: 2 queries', () => {
    assert.equal(lookupCost('my-svc', KUBEADM, {answeredBy: 'my-svc.default.svc.cluster.local'}).queries, 2)
  })
  it('cross-namespace name answers at svc.cluster.local: 2 names', () => {
    assert.deepEqual(lookupCost('my-svc.other', KUBEADM, {answeredBy: 'my-svc.other.svc.cluster.local.'}).names, [
      'my-svc.other.default.svc.cluster.local.',
      'my-svc.other.svc.cluster.local.',
    ])
  })
  it('a name that exists nowhere tries everything', () => assert.equal(lookupCost('nope.invalid', GKE, {answeredBy: null}).queries, 12))
  it('FQDN with trailing dot: 2 queries', () => assert.equal(lookupCost('example.com.', EKS).queries, 2))
})

describe('externalNameCost', () => {
  it('kubeadm default (8 queries): info, not warn — it is the normal cost of ndots:5', () => {
    const f = externalNameCost('example.com', KUBEADM)
    assert.equal(f?.severity, 'info')
    assert.equal(f?.details.queries, 8)
    assert.match(f!.message, /3 search-list names/)
    assert.match(f!.remediation, /"example\.com\."/)
    assert.match(f!.remediation, /ndots/)
  })
  it('GKE default (12 queries): still info', () => assert.equal(externalNameCost('example.com', GKE)?.severity, 'info'))
  it('node search domains pushing it past 12: warn', () => {
    const f = externalNameCost('example.com', {ndots: 5, search: [...GKE.search, 'corp.example', 'lab.corp.example']})
    assert.equal(f?.severity, 'warn')
    assert.equal(f?.details.queries, 16)
  })
  it('custom thresholds', () => assert.equal(externalNameCost('example.com', KUBEADM, {warnAbove: 6})?.severity, 'warn'))
  it('FQDN or enough dots: no finding', () => {
    assert.equal(externalNameCost('example.com.', KUBEADM), undefined)
    assert.equal(externalNameCost('example.com', {search: KUBEADM.search, ndots: 1}), undefined)
  })
  it('cluster names are not external', () => {
    assert.equal(externalNameCost('kubernetes.default.svc.cluster.local', KUBEADM), undefined)
    assert.equal(externalNameCost('my-svc.shop.svc.corp.internal', {search: [], ndots: 5}, {clusterDomain: 'corp.internal'}), undefined)
  })
})
