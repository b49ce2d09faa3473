import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {connectCheck} from '../../../src/checks/svc/connect.js'
import {dnsCheck} from '../../../src/checks/svc/dns.js'
import type {SvcTarget} from '../../../src/checks/svc/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import {backendPods, endpointSlice, namespace, service} from '../../helpers/svc-fixtures.js'
import {tableRunner} from '../../helpers/table-runner.js'

function fakeRunner(answers: Record<string, Partial<ExecResult>>): ProbeRunner & {ran: string[]} {
  return tableRunner(answers, {description: 'debug pod shop/netdiag-ab12cd34-x7k2p on kind-worker3', node: 'kind-worker3'})
}

function context(runner: ProbeRunner, objects: unknown[], target: SvcTarget = {namespace: 'shop', name: 'backend'}): CheckContext<SvcTarget> {
  return {
    view: new SnapshotClusterView(objects as never),
    probes: {source: async () => runner, node: async () => runner},
    target,
    options: {noProbe: false, timeoutMs: 10_000},
    result: () => undefined,
    signal: new AbortController().signal,
  }
}

const pods = backendPods()
const cluster = [namespace('shop'), service(), ...pods, endpointSlice(pods)]
const ok = (host: string, port: number) => ({stderr: `Connection to ${host} ${port} port [tcp/*] succeeded!\n`})
const refused = (host: string, port: number) => ({exitCode: 1, stderr: `nc: connect to ${host} port ${port} (tcp) failed: Connection refused\n`})
const timedOut = (host: string, port: number) => ({exitCode: 1, stderr: `nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n`})

describe('svc.connect', () => {
  it('probes the ClusterIP and each ready endpoint, and reads the matrix: dataplane', async () => {
    const runner = fakeRunner({
      'nc -z -v -w 3 10.96.41.17 80': timedOut('10.96.41.17', 80),
      'nc -z -v -w 3 10.244.1.23 8080': ok('10.244.1.23', 8080),
      'nc -z -v -w 3 10.244.2.31 8080': ok('10.244.2.31', 8080),
    })
    const r = await connectCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /every backend answers directly but ClusterIP 10\.96\.41\.17:80 times out: the Service dataplane \(kube-proxy rules on kind-worker3\)/)
    assert.equal(runner.ran.length, 3)
    assert.equal((r.details as {probeSource: string}).probeSource, runner.description)
  })
  it('nothing listens on the targetPort: names the pods', async () => {
    const runner = fakeRunner({
      'nc -z -v -w 3 10.96.41.17 80': refused('10.96.41.17', 80),
      'nc -z -v -w 3 10.244.1.23 8080': refused('10.244.1.23', 8080),
      'nc -z -v -w 3 10.244.2.31 8080': refused('10.244.2.31', 8080),
    })
    const r = await connectCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /nothing listens on the targetPort in any backend: pod backend-6d8f7b9c4-2xkqp 10\.244\.1\.23:8080 on kind-worker/)
    assert.deepEqual(r.objects?.slice(1).map((o) => o.name), ['backend-6d8f7b9c4-2xkqp', 'backend-6d8f7b9c4-7mzrt'])
  })
  it('healthy', async () => {
    const runner = fakeRunner({
      'nc -z -v -w 3 10.96.41.17 80': ok('10.96.41.17', 80),
      'nc -z -v -w 3 10.244.1.23 8080': ok('10.244.1.23', 8080),
      'nc -z -v -w 3 10.244.2.31 8080': ok('10.244.2.31', 8080),
    })
    const r = await connectCheck.run(context(runner, cluster))
    assert.equal(r.status, 'pass', r.summary)
  })
})

describe('svc.dns', () => {
  const resolv = {stdout: 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'}
  const answer = (name: string) => ({stdout: `10.96.41.17     ${name}\n`})
  it('short, NAME.NS and FQDN resolve to the ClusterIP', async () => {
    const runner = fakeRunner({
      'cat /etc/resolv.conf': resolv,
      'getent hosts backend': answer('backend.shop.svc.cluster.local'),
      'getent hosts backend.shop': answer('backend.shop.svc.cluster.local'),
      'getent hosts backend.shop.svc.cluster.local.': answer('backend.shop.svc.cluster.local'),
    })
    const r = await dnsCheck.run(context(runner, cluster))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /backend, backend\.shop and backend\.shop\.svc\.cluster\.local\. resolve to 10\.96\.41\.17/)
  })
  it('nothing resolves: points at kubectl netdiag dns', async () => {
    const runner = fakeRunner({
      'cat /etc/resolv.conf': resolv,
      'getent hosts backend': {exitCode: 2},
      'getent hosts backend.shop': {exitCode: 2},
      'getent hosts backend.shop.svc.cluster.local.': {exitCode: 2},
    })
    const r = await dnsCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /backend does not resolve .* even as FQDN backend\.shop\.svc\.cluster\.local\.: cluster DNS is not answering/)
    assert.equal(r.remediation, 'kubectl netdiag dns -n shop')
  })
  it('a wrong address is reported as such', async () => {
    const runner = fakeRunner({
      'cat /etc/resolv.conf': resolv,
      'getent hosts backend': {stdout: '10.96.0.99 backend\n'},
      'getent hosts backend.shop': answer('backend.shop.svc.cluster.local'),
      'getent hosts backend.shop.svc.cluster.local.': answer('backend.shop.svc.cluster.local'),
    })
    const r = await dnsCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^backend resolves to 10\.96\.0\.99, not to 10\.96\.41\.17/)
  })
  it('the cluster domain comes from the search list', async () => {
    const runner = fakeRunner({
      'cat /etc/resolv.conf': {stdout: 'search shop.svc.corp.example svc.corp.example corp.example\nnameserver 10.96.0.10\n'},
      'getent hosts backend': answer('x'),
      'getent hosts backend.shop': answer('x'),
      'getent hosts backend.shop.svc.corp.example.': answer('x'),
    })
    const r = await dnsCheck.run(context(runner, cluster))
    assert.equal(r.status, 'pass', r.summary)
    assert.equal((r.details as {clusterDomain: string}).clusterDomain, 'corp.example')
  })
  describe('an ExternalName whose target does not resolve', () => {
    const external = service({name: 'billing', spec: {type: 'ExternalName', externalName: 'billing.nothing.invalid', clusterIP: undefined, clusterIPs: undefined, selector: undefined, ports: undefined}})
    const externalCluster = [namespace('shop'), external]
    const target = {namespace: 'shop', name: 'billing'}
    const notFound = {exitCode: 2}
    const lookupsFail = {
      'cat /etc/resolv.conf': resolv,
      'getent hosts billing': notFound,
      'getent hosts billing.shop': notFound,
      'getent hosts billing.shop.svc.cluster.local.': notFound,
      'getent hosts billing.nothing.invalid': notFound,
    }
    // dig 9.18 from netshoot against CoreDNS 1.11.3: the kubernetes plugin answers the CNAME, the target is NXDOMAIN.
    const cnameAnswer = `
; <<>> DiG 9.18.25 <<>> +time=2 +tries=1 billing.shop.svc.cluster.local. A
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 28412
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 1
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;billing.shop.svc.cluster.local.	IN	A

;; ANSWER SECTION:
billing.shop.svc.cluster.local.	30 IN	CNAME	billing.nothing.invalid.

;; AUTHORITY SECTION:
.			30	IN	SOA	a.root-servers.net. nstld.verisign-grs.com. 2024112000 1800 900 604800 86400

;; Query time: 4 msec
;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)
;; WHEN: Tue Dec 01 13:05:11 UTC 2026
;; MSG SIZE  rcvd: 163
`
    it('cluster DNS answers the CNAME: the target is named as what fails, not cluster DNS', async () => {
      const runner = fakeRunner({...lookupsFail, 'dig +time=2 +tries=1 billing.shop.svc.cluster.local. A': {exitCode: 0, stdout: cnameAnswer}})
      const r = await dnsCheck.run(context(runner, externalCluster, target))
      assert.equal(r.status, 'fail')
      assert.match(r.summary, /^cluster DNS answers billing\.shop\.svc\.cluster\.local\. with the CNAME billing\.nothing\.invalid \(ExternalName\), but billing\.nothing\.invalid itself does not resolve \(not found\)/)
      assert.doesNotMatch(r.summary, /cluster DNS is not answering/)
      assert.deepEqual(r.objects, [{kind: 'Service', namespace: 'shop', name: 'billing'}])
      assert.match(r.remediation!, /patch svc billing -p '\{"spec":\{"externalName":"NAME"\}\}'/)
    })
    it('no CNAME comes back: cluster DNS stays the suspect, and the report says what dig saw', async () => {
      const timeout = ';; communications error to 10.96.0.10#53: timed out\n\n; <<>> DiG 9.18.25 <<>> +time=2 +tries=1 billing.shop.svc.cluster.local. A\n;; global options: +cmd\n;; no servers could be reached\n'
      const runner = fakeRunner({...lookupsFail, 'dig +time=2 +tries=1 billing.shop.svc.cluster.local. A': {exitCode: 9, stdout: timeout}})
      const r = await dnsCheck.run(context(runner, externalCluster, target))
      assert.equal(r.status, 'fail')
      assert.match(r.summary, /cluster DNS returned no CNAME for it \(timeout .*billing\.nothing\.invalid does not resolve either .*: cluster DNS is not answering for this pod$/)
      assert.equal(r.remediation, 'kubectl netdiag dns -n shop')
    })
  })

  it('a headless answer too large for UDP whose TCP retry fails names the truncation, not "cluster DNS"', async () => {
    const headless = service({spec: {clusterIP: 'None', clusterIPs: ['None']}})
    const many = backendPods()
    const truncated = `
; <<>> DiG 9.18.25 <<>> +time=2 +tries=1 +ignore backend.shop.svc.cluster.local. A
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 5120
;; flags: qr aa tc rd; QUERY: 1, ANSWER: 72, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;backend.shop.svc.cluster.local.	IN	A

;; ANSWER SECTION:
backend.shop.svc.cluster.local.	5 IN A	10.244.1.23
backend.shop.svc.cluster.local.	5 IN A	10.244.2.31

;; Query time: 2 msec
;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)
;; MSG SIZE  rcvd: 1232
`
    const hang = {exitCode: 124, timedOut: true}
    const runner = fakeRunner({
      'cat /etc/resolv.conf': resolv,
      'getent hosts backend': hang,
      'getent hosts backend.shop': hang,
      'getent hosts backend.shop.svc.cluster.local.': hang,
      'dig +time=2 +tries=1 +ignore backend.shop.svc.cluster.local. A': {stdout: truncated},
    })
    const r = await dnsCheck.run(context(runner, [namespace('shop'), headless, ...many, endpointSlice(many)]))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /does not fit a UDP datagram \(truncated, 2 records in the UDP reply\) and the resolver's retry over TCP gets no answer/)
    assert.match(r.remediation!, /53\/TCP/)
  })
})
