import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {Pod} from '../../../src/cluster/types.js'
import {
  checkResolvConf,
  expectedResolvConf,
  parseResolvConf,
  type ExpectedResolvConfInput,
} from '../../../src/analysis/dns/resolv-conf.js'

// Real files: a kubeadm pod, an EKS pod, a GKE pod, systemd-resolved's stub and upstream files on Ubuntu.
const KUBEADM_POD = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'
const EKS_POD = 'nameserver 172.20.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\noptions ndots:5\n'
const GKE_POD =
  'search default.svc.cluster.local svc.cluster.local cluster.local c.my-project.internal google.internal\nnameserver 10.8.0.10\noptions ndots:5\n'
const STUB_RESOLV = `# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# Run "resolvectl status" to see details about the uplink DNS servers
# currently in use.

nameserver 127.0.0.53
options edns0 trust-ad
search .
`
const UPSTREAM_RESOLV = `# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
nameserver 10.0.0.2
search ec2.internal
`

describe('parseResolvConf', () => {
  it('kubeadm pod', () => {
    assert.deepEqual(parseResolvConf(KUBEADM_POD), {
      nameservers: ['10.96.0.10'],
      search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
      ndots: 5,
      timeout: 5,
      attempts: 2,
      unknown: [],
    })
  })
  it('systemd-resolved stub: comments skipped, search "."', () => {
    const c = parseResolvConf(STUB_RESOLV)
    assert.deepEqual(c.nameservers, ['127.0.0.53'])
    assert.deepEqual(c.search, ['.'])
    assert.deepEqual(c.options, ['edns0', 'trust-ad'])
    assert.equal(c.ndots, 1)
  })
  const cases: [string, string, Partial<ReturnType<typeof parseResolvConf>>][] = [
    ['; comments', '; a comment\nnameserver 1.1.1.1\n  # indented comment\n', {nameservers: ['1.1.1.1']}],
    ['last search wins', 'search a.example b.example\nsearch c.example\n', {search: ['c.example']}],
    ['domain after search overrides it', 'search a.example b.example\ndomain corp.example\n', {search: ['corp.example']}],
    ['search after domain overrides it', 'domain corp.example\nsearch a.example\n', {search: ['a.example']}],
    ['options accumulate, later values win', 'options ndots:2 timeout:1\noptions attempts:3 ndots:3 single-request-reopen\n', {options: ['ndots:2', 'timeout:1', 'attempts:3', 'ndots:3', 'single-request-reopen'], ndots: 3, timeout: 1, attempts: 3}],
    ['glibc caps ndots 15, timeout 30, attempts 5', 'options ndots:20 timeout:60 attempts:9\n', {ndots: 15, timeout: 30, attempts: 5}],
    ['nameservers in order, 4 kept', 'nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n', {nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']}],
    ['trailing comment on a line', 'nameserver 10.0.0.1 # primary\nsearch a.example # x\n', {nameservers: ['10.0.0.1'], search: ['a.example']}],
    ['CRLF line endings', 'nameserver 10.0.0.1\r\noptions ndots:5\r\n', {nameservers: ['10.0.0.1'], ndots: 5}],
    ['unknown keywords are reported', 'nameserver 10.0.0.1\nlookup file bind\n', {unknown: [{line: 2, text: 'lookup file bind'}]}],
  ]
  for (const [name, text, want] of cases) {
    it(name, () => {
      const got = parseResolvConf(text)
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, k)
    })
  }
})

const pod = (spec: Record<string, unknown>, namespace = 'default'): Pod =>
  ({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-7d4b9c8f6-x2x9k', namespace}, spec: {containers: [{name: 'web', image: 'nginx'}], ...spec}}) as Pod

const KUBEADM_INPUT: ExpectedResolvConfInput = {clusterDomain: 'cluster.local', clusterDNS: ['10.96.0.10']}

describe('expectedResolvConf', () => {
  it('ClusterFirst (the default when dnsPolicy is absent)', () => {
    const e = expectedResolvConf(pod({}), KUBEADM_INPUT)
    assert.equal(e.declaredPolicy, 'ClusterFirst')
    assert.equal(e.effectivePolicy, 'ClusterFirst')
    assert.deepEqual(e.nameservers, ['10.96.0.10'])
    assert.deepEqual(e.search, ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'])
    assert.equal(e.searchComplete, false)
    assert.deepEqual(e.options, ['ndots:5'])
  })
  it('ClusterFirst appends the node search domains (dropping "." and trailing dots), not its nameservers or options', () => {
    const node = parseResolvConf('nameserver 10.0.0.2\nsearch us-west-2.compute.internal. .\noptions timeout:1\n')
    const e = expectedResolvConf(pod({dnsPolicy: 'ClusterFirst'}, 'shop'), {...KUBEADM_INPUT, clusterDNS: ['172.20.0.10'], nodeResolvConf: node})
    assert.deepEqual(e.nameservers, ['172.20.0.10'])
    assert.deepEqual(e.search, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'us-west-2.compute.internal'])
    assert.equal(e.searchComplete, true)
    assert.deepEqual(e.options, ['ndots:5'])
  })
  it('ClusterFirst on hostNetwork falls back to Default', () => {
    const e = expectedResolvConf(pod({hostNetwork: true}), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf(UPSTREAM_RESOLV)})
    assert.equal(e.effectivePolicy, 'Default')
    assert.deepEqual(e.nameservers, ['10.0.0.2'])
    assert.deepEqual(e.search, ['ec2.internal'])
    assert.match(e.notes[0], /ClusterFirstWithHostNet/)
  })
  it('ClusterFirstWithHostNet on hostNetwork gets cluster DNS', () => {
    const e = expectedResolvConf(pod({hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet'}, 'kube-system'), KUBEADM_INPUT)
    assert.equal(e.effectivePolicy, 'ClusterFirstWithHostNet')
    assert.deepEqual(e.nameservers, ['10.96.0.10'])
    assert.equal(e.search[0], 'kube-system.svc.cluster.local')
  })
  it('Default without the node resolv.conf: nameservers unknown', () => {
    const e = expectedResolvConf(pod({dnsPolicy: 'Default'}), KUBEADM_INPUT)
    assert.equal(e.nameservers, undefined)
    assert.equal(e.searchComplete, false)
  })
  it('Default copies the node options', () => {
    const e = expectedResolvConf(pod({dnsPolicy: 'Default'}), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf(STUB_RESOLV)})
    assert.deepEqual(e.nameservers, ['127.0.0.53'])
    assert.deepEqual(e.search, [])
    assert.deepEqual(e.options, ['edns0', 'trust-ad'])
  })
  it('None uses only dnsConfig', () => {
    const e = expectedResolvConf(
      pod({dnsPolicy: 'None', dnsConfig: {nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{name: 'ndots', value: '2'}, {name: 'edns0'}]}}),
      KUBEADM_INPUT,
    )
    assert.deepEqual(e.nameservers, ['1.2.3.4'])
    assert.deepEqual(e.search, ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'])
    assert.deepEqual(e.options, ['ndots:2', 'edns0'])
  })
  it('dnsConfig merges into ClusterFirst: nameservers and searches appended without duplicates, options override', () => {
    const e = expectedResolvConf(
      pod({dnsConfig: {nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['cluster.local', 'corp.example'], options: [{name: 'ndots', value: '2'}, {name: 'single-request-reopen'}]}}),
      {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf('nameserver 10.0.0.2\n')},
    )
    assert.deepEqual(e.nameservers, ['10.96.0.10', '8.8.8.8'])
    assert.deepEqual(e.search, ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'])
    assert.deepEqual(e.options, ['ndots:2', 'single-request-reopen'])
  })
  it('more than 3 nameservers are truncated, with a note', () => {
    const e = expectedResolvConf(pod({dnsConfig: {nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9']}}), KUBEADM_INPUT)
    assert.deepEqual(e.nameservers, ['10.96.0.10', '1.1.1.1', '8.8.8.8'])
    assert.ok(e.notes.some((n) => n.includes('first 3')))
  })
  it('search list beyond 32 domains is truncated like the kubelet', () => {
    const searches = Array.from({length: 40}, (_, i) => `d${i}.example`)
    const e = expectedResolvConf(pod({dnsConfig: {searches}}), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf('')})
    assert.equal(e.search.length, 32)
    assert.equal(e.search[0], 'default.svc.cluster.local')
  })
  it('search list beyond 2048 characters is cut from the end', () => {
    const searches = Array.from({length: 20}, (_, i) => `${'x'.repeat(120)}${i}.example`)
    const e = expectedResolvConf(pod({dnsConfig: {searches}}), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf('')})
    assert.ok(e.search.join(' ').length <= 2048)
    assert.ok(e.search.length < 23)
  })
  it('no clusterDNS on the kubelet: ClusterFirst falls back to Default', () => {
    const e = expectedResolvConf(pod({}), {clusterDomain: 'cluster.local', clusterDNS: [], nodeResolvConf: parseResolvConf(UPSTREAM_RESOLV)})
    assert.equal(e.effectivePolicy, 'Default')
    assert.deepEqual(e.nameservers, ['10.0.0.2'])
  })
})

describe('checkResolvConf', () => {
  const healthy: [string, string, Pod, ExpectedResolvConfInput][] = [
    ['kubeadm pod, node resolv.conf unknown', KUBEADM_POD, pod({}), KUBEADM_INPUT],
    ['kubeadm pod, node without search', KUBEADM_POD, pod({}), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf('nameserver 10.0.0.2\n')}],
    ['EKS pod', EKS_POD, pod({}, 'shop'), {clusterDomain: 'cluster.local', clusterDNS: ['172.20.0.10'], nodeResolvConf: parseResolvConf('nameserver 10.0.0.2\nsearch us-west-2.compute.internal\n')}],
    ['GKE pod', GKE_POD, pod({}), {clusterDomain: 'cluster.local', clusterDNS: ['10.8.0.10'], nodeResolvConf: parseResolvConf('nameserver 169.254.169.254\nsearch c.my-project.internal google.internal\n')}],
    ['kube-proxy (hostNetwork, ClusterFirst) sees the node file', UPSTREAM_RESOLV, pod({hostNetwork: true}, 'kube-system'), {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf(UPSTREAM_RESOLV)}],
  ]
  for (const [name, text, p, input] of healthy) {
    it(`healthy: ${name}`, () => {
      assert.deepEqual(checkResolvConf(parseResolvConf(text), expectedResolvConf(p, input)).filter((f) => f.severity !== 'info'), [])
    })
  }

  const broken: [string, string, Pod, string[]][] = [
    ['wrong nameserver', KUBEADM_POD.replace('10.96.0.10', '10.96.0.53'), pod({}), ['fail:nameserver-mismatch']],
    ['no nameserver', 'search default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n', pod({}), ['fail:no-nameserver']],
    ['image overwrote resolv.conf with the node stub', STUB_RESOLV, pod({}), ['fail:nameserver-mismatch', 'fail:namespace-search-missing', 'warn:ndots-mismatch']],
    ['missing namespace search domain', 'search svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n', pod({}), ['fail:namespace-search-missing']],
    ['ndots changed', KUBEADM_POD.replace('ndots:5', 'ndots:2'), pod({}), ['warn:ndots-mismatch']],
    ['ndots:1 with cluster search', KUBEADM_POD.replace('ndots:5', 'ndots:1'), pod({dnsConfig: {options: [{name: 'ndots', value: '1'}]}}), ['info:ndots-too-low']],
    ['search order changed', 'search svc.cluster.local default.svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n', pod({}), ['warn:search-mismatch']],
    ['four nameservers', `${KUBEADM_POD}nameserver 8.8.8.8\nnameserver 1.1.1.1\nnameserver 9.9.9.9\n`, pod({dnsConfig: {nameservers: ['8.8.8.8', '1.1.1.1']}}), ['warn:too-many-nameservers']],
  ]
  for (const [name, text, p, want] of broken) {
    it(`${name} -> ${want.join(', ')}`, () => {
      const got = checkResolvConf(parseResolvConf(text), expectedResolvConf(p, KUBEADM_INPUT)).map((f) => `${f.severity}:${f.code}`)
      assert.deepEqual(got, want)
    })
  }

  it('hostNetwork ClusterFirst vs ClusterFirstWithHostNet pod that got the node file', () => {
    const input = {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf(UPSTREAM_RESOLV)}
    const got = checkResolvConf(parseResolvConf(UPSTREAM_RESOLV), expectedResolvConf(pod({hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet'}), input))
    assert.deepEqual(got.map((f) => f.code), ['nameserver-mismatch', 'namespace-search-missing', 'ndots-mismatch'])
  })

  it('search list of 8 domains: info about old glibc / musl', () => {
    const search = ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'a.example', 'b.example', 'c.example', 'd.example', 'e.example']
    const text = `search ${search.join(' ')}\nnameserver 10.96.0.10\noptions ndots:5\n`
    const input = {...KUBEADM_INPUT, nodeResolvConf: parseResolvConf(`search ${search.slice(3).join(' ')}\n`)}
    assert.deepEqual(checkResolvConf(parseResolvConf(text), expectedResolvConf(pod({}), input)).map((f) => `${f.severity}:${f.code}`), [
      'info:search-over-legacy-limit',
    ])
  })
  it('search list over 32 domains: not written by the kubelet', () => {
    const search = ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...Array.from({length: 31}, (_, i) => `d${i}.example`)]
    const text = `search ${search.join(' ')}\nnameserver 10.96.0.10\noptions ndots:5\n`
    const codes = checkResolvConf(parseResolvConf(text), expectedResolvConf(pod({}), KUBEADM_INPUT)).map((f) => f.code)
    assert.ok(codes.includes('search-over-kubelet-limit'))
  })
})
