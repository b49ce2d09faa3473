// Dual-stack Services: ipFamilyPolicy / ipFamilies against the client's family and each family's endpoints, and
// what svc.dns, svc.connect and svc.endpoints do with two families. Semantics: Kubernetes docs, Concepts >
// Services > IPv4/IPv6 dual-stack (https://kubernetes.io/docs/concepts/services-networking/dual-stack/):
// SingleStack is the default policy; clusterIPs[i] has family ipFamilies[i]; the EndpointSlice controller writes
// one slice per family of the Service (kubernetes pkg/controller/endpointslice reconciler: one addressType each).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {familiesToQuery, judgeFamilyRecord, judgeServiceFamilies, serviceFamilies, type FamilyInput} from '../../../src/analysis/svc/ip-families.js'
import {connectCheck} from '../../../src/checks/svc/connect.js'
import {dnsCheck} from '../../../src/checks/svc/dns.js'
import {endpointsCheck} from '../../../src/checks/svc/endpoints.js'
import {ipFamiliesCheck} from '../../../src/checks/svc/ip-families.js'
import type {SvcTarget} from '../../../src/checks/svc/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import {backendPods, dualStackService, endpointSlice, endpointSliceIpv6, namespace, service, withIpv6} from '../../helpers/svc-fixtures.js'
import {tableRunner} from '../../helpers/table-runner.js'

function fakeRunner(answers: Record<string, Partial<ExecResult>>): ProbeRunner & {ran: string[]} {
  return tableRunner(answers, {description: 'pod shop/client (ephemeral container) on netdiag-node2', node: 'netdiag-node2'})
}

function context(objects: unknown[], target: Partial<SvcTarget> = {}, runner?: ProbeRunner): CheckContext<SvcTarget> {
  return {
    view: new SnapshotClusterView(objects as never),
    ...(runner ? {probes: {source: async () => runner, node: async () => runner}} : {}),
    target: {namespace: 'shop', name: 'backend', ...target},
    options: {noProbe: !runner, timeoutMs: 10_000},
    result: () => undefined,
    signal: new AbortController().signal,
  }
}

const dualPods = withIpv6(backendPods())
const dualCluster = [namespace('shop'), dualStackService(), ...dualPods, endpointSlice(dualPods), endpointSliceIpv6(dualPods)]
// A SingleStack (default) Service in the same dual-stack cluster: its pods have IPv6 addresses, it has none.
const singleInDual = [namespace('shop'), service(), ...dualPods, endpointSlice(dualPods)]

describe('serviceFamilies', () => {
  const cases: Array<[string, Parameters<typeof serviceFamilies>[0], ReturnType<typeof serviceFamilies>]> = [
    ['RequireDualStack', dualStackService(), {policy: 'RequireDualStack', families: ['IPv4', 'IPv6'], clusterIps: {IPv4: '10.96.41.17', IPv6: 'fd10:96::4a1'}}],
    ['SingleStack IPv4 (the default)', service(), {policy: 'SingleStack', families: ['IPv4'], clusterIps: {IPv4: '10.96.41.17'}}],
    ['IPv6-primary dual-stack', service({spec: {clusterIP: 'fd10:96::4a1', clusterIPs: ['fd10:96::4a1', '10.96.41.17'], ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'PreferDualStack'}}), {policy: 'PreferDualStack', families: ['IPv6', 'IPv4'], clusterIps: {IPv6: 'fd10:96::4a1', IPv4: '10.96.41.17'}}],
    ['no ipFamilies (written before 1.20): from the ClusterIPs', service({spec: {ipFamilies: undefined, ipFamilyPolicy: undefined, clusterIPs: undefined}}), {policy: 'SingleStack', families: ['IPv4'], clusterIps: {IPv4: '10.96.41.17'}}],
    ['headless dual-stack: families, no ClusterIP', service({spec: {clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack'}}), {policy: 'RequireDualStack', families: ['IPv4', 'IPv6'], clusterIps: {}}],
  ]
  for (const [name, svc, want] of cases) it(name, () => assert.deepEqual(serviceFamilies(svc), want))
})

describe('judgeServiceFamilies', () => {
  const base: FamilyInput = {
    name: 'shop/backend',
    fqdn: 'backend.shop.svc.cluster.local.',
    namespace: 'shop',
    service: 'backend',
    families: serviceFamilies(dualStackService()),
    headless: false,
    ready: {IPv4: 2, IPv6: 2},
    anyReady: true,
    podAddresses: {IPv4: '10.244.1.23', IPv6: 'fd10:244:0:1::17'},
  }
  const single = serviceFamilies(service())
  const cases: Array<[string, Partial<FamilyInput>, 'pass' | 'fail', RegExp]> = [
    ['dual-stack, both families served', {}, 'pass', /^Service shop\/backend is RequireDualStack \(IPv4 10\.96\.41\.17, IPv6 fd10:96::4a1\): 2 ready IPv4 endpoint\(s\), 2 ready IPv6 endpoint\(s\)$/],
    ['dual-stack, an IPv6 client', {wanted: 'IPv6'}, 'pass', /RequireDualStack/],
    ['SingleStack IPv4, an IPv6 client: no AAAA, named', {families: single, wanted: 'IPv6', ready: {IPv4: 2, IPv6: 0}}, 'fail', /^Service shop\/backend is SingleStack \(IPv4 10\.96\.41\.17\): it has no IPv6 ClusterIP, so backend\.shop\.svc\.cluster\.local\. has no AAAA record and IPv6 clients cannot reach it; its pods have IPv6 addresses \(fd10:244:0:1::17\), but the Service was created SingleStack$/],
    ['SingleStack IPv4, an IPv6 client, pods without IPv6: the pod network', {families: single, wanted: 'IPv6', podAddresses: {IPv4: '10.244.1.23'}}, 'fail', /its pods have no IPv6 address either: the pod network gives them none$/],
    ['SingleStack IPv4 in a dual-stack cluster, no client family: passes, says what IPv6 clients get', {families: single, ready: {IPv4: 2, IPv6: 0}}, 'pass', /SingleStack \(IPv4 10\.96\.41\.17\): 2 ready IPv4 endpoint\(s\); its pods also have IPv6 addresses, which it does not serve \(AAAA lookups of backend\.shop\.svc\.cluster\.local\. get no answer; --ip-family IPv6 diagnoses such clients\)$/],
    ['SingleStack IPv4 in an IPv4 cluster', {families: single, ready: {IPv4: 2, IPv6: 0}, podAddresses: {IPv4: '10.244.1.23'}}, 'pass', /^Service shop\/backend is SingleStack \(IPv4 10\.96\.41\.17\): 2 ready IPv4 endpoint\(s\)$/],
    ['dual-stack, the IPv6 slice has no ready endpoint, pods without IPv6', {ready: {IPv4: 2, IPv6: 0}, podAddresses: {IPv4: '10.244.1.23'}}, 'fail', /but its IPv6 ClusterIP fd10:96::4a1 has no ready IPv6 endpoint \(IPv4: 2 ready\): IPv6 clients are refused; its pods have no IPv6 address$/],
    ['dual-stack, nothing ready at all: svc.endpoints decides, not this', {ready: {IPv4: 0, IPv6: 0}, anyReady: false}, 'pass', /^Service shop\/backend is RequireDualStack \(IPv4 10\.96\.41\.17, IPv6 fd10:96::4a1\)$/],
    ['an IPv4 client of an IPv6-only Service', {families: serviceFamilies(service({spec: {clusterIP: 'fd10:96::4a1', clusterIPs: ['fd10:96::4a1'], ipFamilies: ['IPv6']}})), wanted: 'IPv4'}, 'fail', /it has no IPv4 ClusterIP, so backend\.shop\.svc\.cluster\.local\. has no A record/],
  ]
  for (const [name, input, status, summary] of cases) {
    it(name, () => {
      const j = judgeServiceFamilies({...base, ...input})
      assert.equal(j.status, status, j.summary)
      assert.match(j.summary, summary)
    })
  }
  it('the remediation for a SingleStack Service whose pods have the family: PreferDualStack', () => {
    const j = judgeServiceFamilies({...base, families: single, wanted: 'IPv6'})
    assert.match(j.remediation!, /^kubectl -n shop patch service backend -p '\{"spec":\{"ipFamilyPolicy":"PreferDualStack"\}\}'/)
    assert.deepEqual(j.fault, {family: 'IPv6', reason: 'missing'})
  })
})

describe('judgeFamilyRecord / familiesToQuery', () => {
  const cases: Array<[string, Parameters<typeof judgeFamilyRecord>[0], ReturnType<typeof judgeFamilyRecord>]> = [
    ['AAAA answers the IPv6 ClusterIP', {family: 'IPv6', expected: ['fd10:96::4a1'], status: 'NOERROR', answers: ['fd10:96::4a1']}, 'ok'],
    ['NOERROR, no AAAA (NODATA): a SingleStack IPv4 Service', {family: 'IPv6', expected: [], status: 'NOERROR', answers: []}, 'no-record'],
    ['an AAAA that is not the ClusterIP', {family: 'IPv6', expected: ['fd10:96::4a1'], status: 'NOERROR', answers: ['fd10:96::99']}, 'wrong-address'],
    ['an AAAA where the Service has no IPv6 address', {family: 'IPv6', expected: [], status: 'NOERROR', answers: ['fd10:96::99']}, 'wrong-address'],
    ['SERVFAIL', {family: 'IPv4', expected: ['10.96.41.17'], status: 'SERVFAIL', answers: []}, 'failed'],
  ]
  for (const [name, lookup, want] of cases) it(name, () => assert.equal(judgeFamilyRecord(lookup), want))
  it('asks per family only for a dual-stack Service or a client family', () => {
    assert.deepEqual(familiesToQuery(serviceFamilies(service())), [])
    assert.deepEqual(familiesToQuery(serviceFamilies(service()), 'IPv6'), ['IPv6'])
    assert.deepEqual(familiesToQuery(serviceFamilies(dualStackService())), ['IPv4', 'IPv6'])
  })
})

describe('svc.ip-families', () => {
  it('a dual-stack Service: both families, ready endpoints counted per family', async () => {
    const r = await ipFamiliesCheck.run(context(dualCluster))
    assert.equal(r.status, 'pass', r.summary)
    assert.equal(r.summary, 'Service shop/backend is RequireDualStack (IPv4 10.96.41.17, IPv6 fd10:96::4a1): 2 ready IPv4 endpoint(s), 2 ready IPv6 endpoint(s)')
    assert.deepEqual((r.details as {addressTypes: string[]}).addressTypes, ['IPv4', 'IPv6'])
  })
  it('a SingleStack IPv4 Service asked about IPv6 clients: fails, names the Service, explains dns and connect', async () => {
    const r = await ipFamiliesCheck.run(context(singleInDual, {ipFamily: 'IPv6'}))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^Service shop\/backend is SingleStack \(IPv4 10\.96\.41\.17\): it has no IPv6 ClusterIP/)
    assert.deepEqual(r.objects, [{kind: 'Service', namespace: 'shop', name: 'backend'}])
    assert.deepEqual((r.details as {explains: string[]}).explains, ['svc.dns', 'svc.connect'])
  })
  it('a dual-stack Service whose IPv6 EndpointSlice is empty (pods without IPv6): fails, names the slices', async () => {
    const v4Pods = backendPods()
    const emptyV6 = {...endpointSliceIpv6(dualPods), endpoints: []}
    const r = await ipFamiliesCheck.run(context([namespace('shop'), dualStackService(), ...v4Pods, endpointSlice(v4Pods), emptyV6]))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /IPv6 ClusterIP fd10:96::4a1 has no ready IPv6 endpoint \(IPv4: 2 ready\)/)
    assert.deepEqual(r.objects?.map((o) => o.name), ['backend', 'backend-x7k2p', 'backend-q9w2v'])
  })
  it('ExternalName: not applicable', async () => {
    const r = await ipFamiliesCheck.run(context([namespace('shop'), service({spec: {type: 'ExternalName', externalName: 'db.example.com', clusterIP: undefined, clusterIPs: undefined, selector: undefined}})]))
    assert.equal(r.status, 'skip')
  })
})

describe('svc.endpoints on a dual-stack Service', () => {
  it('counts each family once (a pod is listed in both slices), not 4/4 for two pods', async () => {
    const r = await endpointsCheck.run(context(dualCluster))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /^Service shop\/backend: IPv4 2\/2 and IPv6 2\/2 ready for http 80\/TCP in 2 EndpointSlice\(s\)$/)
  })
})

const ok = (host: string, port: number) => ({stderr: `Connection to ${host} ${port} port [tcp/*] succeeded!\n`})
const refused = (host: string, port: number) => ({exitCode: 1, stderr: `nc: connect to ${host} port ${port} (tcp) failed: Connection refused\n`})

describe('svc.connect on a dual-stack Service', () => {
  const healthy = {
    'nc -z -v -w 3 10.96.41.17 80': ok('10.96.41.17', 80),
    'nc -z -v -w 3 10.244.1.23 8080': ok('10.244.1.23', 8080),
    'nc -z -v -w 3 10.244.2.31 8080': ok('10.244.2.31', 8080),
    'nc -z -v -w 3 fd10:96::4a1 80': ok('fd10:96::4a1', 80),
    'nc -z -v -w 3 fd10:244:0:1::17 8080': ok('fd10:244:0:1::17', 8080),
    'nc -z -v -w 3 fd10:244:0:2::1f 8080': ok('fd10:244:0:2::1f', 8080),
  }
  it('probes each family: its ClusterIP and its endpoints of that family', async () => {
    const runner = fakeRunner(healthy)
    const r = await connectCheck.run(context(dualCluster, {}, runner))
    assert.equal(r.status, 'pass', r.summary)
    assert.deepEqual(runner.ran.sort(), Object.keys(healthy).sort())
    assert.deepEqual((r.details as {ports: Array<{port: string}>}).ports.map((p) => p.port), ['http 80/TCP -> http (IPv4)', 'http 80/TCP -> http (IPv6)'])
  })
  it('the IPv6 ClusterIP refused while IPv6 endpoints answer: the IPv6 dataplane is named, over IPv6', async () => {
    const runner = fakeRunner({...healthy, 'nc -z -v -w 3 fd10:96::4a1 80': refused('fd10:96::4a1', 80)})
    const r = await connectCheck.run(context(dualCluster, {}, runner))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /over IPv6/)
    assert.match(r.summary, /fd10:96::4a1:80/)
  })
  it('--ip-family IPv6 probes only IPv6; a SingleStack IPv4 Service has nothing to probe (svc.ip-families)', async () => {
    const runner = fakeRunner(healthy)
    const r = await connectCheck.run(context(dualCluster, {ipFamily: 'IPv6'}, runner))
    assert.equal(r.status, 'pass', r.summary)
    assert.ok(runner.ran.every((c) => c.includes('fd10:')), runner.ran.join('\n'))
    const single = await connectCheck.run(context(singleInDual, {ipFamily: 'IPv6'}, fakeRunner({})))
    assert.equal(single.status, 'skip')
    assert.equal(single.skippedBecause, 'svc.ip-families')
  })
})

describe('svc.dns per family', () => {
  const resolv = {stdout: 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'}
  // glibc getent hosts asks AAAA first: a dual-stack name shows only its IPv6 address
  const getent = (ip: string) => ({
    'cat /etc/resolv.conf': resolv,
    'getent hosts backend': {stdout: `${ip}     backend.shop.svc.cluster.local\n`},
    'getent hosts backend.shop': {stdout: `${ip}     backend.shop.svc.cluster.local\n`},
    'getent hosts backend.shop.svc.cluster.local.': {stdout: `${ip}     backend.shop.svc.cluster.local\n`},
  })
  const dig = (type: 'A' | 'AAAA', answer?: string) => ({
    stdout: `; <<>> DiG 9.18.28-1~deb12u2-Debian <<>> +time=2 +tries=1 backend.shop.svc.cluster.local. ${type}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n;; flags: qr aa rd; QUERY: 1, ANSWER: ${answer ? 1 : 0}, AUTHORITY: ${answer ? 0 : 1}, ADDITIONAL: 1\n\n;; QUESTION SECTION:\n;backend.shop.svc.cluster.local.\tIN\t${type}\n\n${answer ? `;; ANSWER SECTION:\nbackend.shop.svc.cluster.local. 30 IN\t${type}\t${answer}\n` : ';; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1764612345 7200 1800 86400 30\n'}\n;; Query time: 1 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n;; WHEN: Tue Dec 01 19:02:11 UTC 2026\n;; MSG SIZE  rcvd: 141\n`,
  })
  const A = 'dig +time=2 +tries=1 backend.shop.svc.cluster.local. A'
  const AAAA = 'dig +time=2 +tries=1 backend.shop.svc.cluster.local. AAAA'
  it('a RequireDualStack Service: A and AAAA each answer that family\'s ClusterIP', async () => {
    const runner = fakeRunner({...getent('fd10:96::4a1'), [A]: dig('A', '10.96.41.17'), [AAAA]: dig('AAAA', 'fd10:96::4a1')})
    const r = await dnsCheck.run(context(dualCluster, {}, runner))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /\(A 10\.96\.41\.17; AAAA fd10:96::4a1\)$/)
  })
  it('a dual-stack Service whose AAAA is missing (a DNS server that serves one family): fails', async () => {
    const runner = fakeRunner({...getent('10.96.41.17'), [A]: dig('A', '10.96.41.17'), [AAAA]: dig('AAAA')})
    const r = await dnsCheck.run(context(dualCluster, {}, runner))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^backend\.shop\.svc\.cluster\.local\. has no AAAA record from .* \(NOERROR, no AAAA record\): IPv6 clients get no address for the Service, although its IPv6 address is fd10:96::4a1$/)
  })
  it('--ip-family IPv6 on a SingleStack IPv4 Service: the AAAA is empty, pointed at svc.ip-families', async () => {
    const runner = fakeRunner({...getent('10.96.41.17'), [AAAA]: dig('AAAA')})
    const r = await dnsCheck.run(context(singleInDual, {ipFamily: 'IPv6'}, runner))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /has no AAAA record .*: IPv6 clients get no address for the Service, which has no IPv6 address \(see svc\.ip-families\)$/)
  })
  it('a SingleStack Service without --ip-family: getent only, as before', async () => {
    const runner = fakeRunner(getent('10.96.41.17'))
    const r = await dnsCheck.run(context(singleInDual, {}, runner))
    assert.equal(r.status, 'pass', r.summary)
    assert.ok(!runner.ran.some((c) => c.startsWith('dig')))
  })
})
