import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {analyzeCorednsLogs} from '../../../src/analysis/dns/coredns-logs.js'

// Real lines, quoted in coredns/coredns, kubernetes/kubernetes, kubernetes/kubeadm, coredns/helm and other issues.
const HEALTHY_1_11 = `.:53
[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908
CoreDNS-1.11.1
linux/amd64, go1.20.7, ae2bbc2
`
const HEALTHY_1_2 = `.:53
2018/10/08 15:50:30 [INFO] CoreDNS-1.2.2
2018/10/08 15:50:30 [INFO] linux/amd64, go1.11, eb51e8b
CoreDNS-1.2.2
linux/amd64, go1.11, eb51e8b
2018/10/08 15:50:30 [INFO] plugin/reload: Running configuration MD5 = ae56d961e94c53e4affed5c7fa7176e0
`
const HEALTHY_STARTUP_WAIT = `[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API
.:53
[INFO] plugin/reload: Running configuration MD5 = 528a67c20a203cc830e48e3dbcd28c8d
CoreDNS-1.8.4
linux/amd64, go1.16.4, 053c4d5
[INFO] plugin/ready: Still waiting on: "kubernetes"
`
const LOOP_NEW = '2019-04-17T00:18:44.486Z [FATAL] plugin/loop: Loop (127.0.0.1:34614 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 6074102630077018525.5798689655824409358."'
const LOOP_OLD = '2018/12/12 13:33:22 [FATAL] plugin/loop: Seen "HINFO IN 7087784449798295848.7359092265978106814." more than twice, loop detected'
const UPSTREAM_TIMEOUTS = `[ERROR] plugin/errors: 2 identity-3.eu-de-1.cloud.sap. A: read udp 10.244.1.6:36797->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 identity-3.eu-de-1.cloud.sap. A: read udp 10.244.1.6:35093->168.63.129.16:53: i/o timeout
[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp 192.168.209.17:36807->20.128.8.8:53: i/o timeout
[ERROR] 2 mirrors.unisound.ai. AAAA: unreachable backend: read udp 10.99.17.97:60877->10.10.10.252:53: i/o timeout`
const API_REFUSED = `E0502 18:35:32.526725       1 reflector.go:307] pkg/mod/k8s.io/client-go@v0.17.2/tools/cache/reflector.go:105: Failed to watch *v1.Namespace: Get https://10.96.0.1:443/api/v1/namespaces?allowWatchBookmarks=true&resourceVersion=864&timeout=7m42s&timeoutSeconds=462&watch=true: dial tcp 10.96.0.1:443: connect: connection refused
E0502 18:35:32.526855       1 reflector.go:307] pkg/mod/k8s.io/client-go@v0.17.2/tools/cache/reflector.go:105: Failed to watch *v1.Endpoints: Get https://10.96.0.1:443/api/v1/endpoints?allowWatchBookmarks=true&resourceVersion=13213&timeout=5m51s&timeoutSeconds=351&watch=true: dial tcp 10.96.0.1:443: connect: connection refused
E1202 09:08:34.949036       1 reflector.go:126] pkg/mod/k8s.io/client-go@v11.0.0+incompatible/tools/cache/reflector.go:94: Failed to list *v1.Namespace: Get https://10.9.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0: dial tcp 10.9.0.1:443: i/o timeout
[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.29.3/tools/cache/reflector.go:229: Failed to watch *v1.Namespace: failed to list *v1.Namespace: Get "https://10.96.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: no route to host`
const RBAC = `[INFO] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.24.4/tools/cache/reflector.go:167: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope
[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.24.4/tools/cache/reflector.go:167: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope
E0626 13:16:51.649661       1 reflector.go:134] pkg/mod/k8s.io/client-go@v10.0.0+incompatible/tools/cache/reflector.go:95: Failed to list *v1.Endpoints: endpoints is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpoints" in API group "" at the cluster scope`
const SERVFAIL_LINE = (i: number) => `[INFO] 100.96.8.202:${40000 + i} - ${1000 + i} "A IN images.salsify.com. udp 36 false 512" SERVFAIL qr,rd,ra 36 0.002248262s`
const NOERROR_LINES = `[INFO] 10.244.0.5:41233 - 4921 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.000161499s
2020-03-25T16:36:53.161Z [INFO] 10.42.192.21:49959 - 43955 "A IN EXTERNALURL.NAMESPACE.svc.cluster.local. udp 60 false 512" NXDOMAIN qr,rd 153 0.000205631s`
const UNREACHABLE_V6 = '[ERROR] plugin/errors: 2 1166689798426314495.5049273936867266747. HINFO: dial udp [fd5a:b141:6779::1]:53: connect: network is unreachable'
const NO_SUCH_HOST = 'E0710 15:25:13.286560       1 reflector.go:251] Failed to watch *v1.Endpoints: Get https://api.k8s.internal:6443/api/v1/endpoints: dial tcp: lookup api.k8s.internal on 10.0.0.2:53: no such host'
const NO_NEXT = '2019-09-27T12:08:55.426Z [ERROR] plugin/errors: 2 121.1.168.192.in-addr.arpa. PTR: plugin/kubernetes: no next plugin found'

const summary = (logs: string | string[], options = {}) =>
  analyzeCorednsLogs(logs, options).matches.map((m) => `${m.severity}:${m.code}x${m.count}`)

describe('analyzeCorednsLogs: healthy logs', () => {
  for (const [name, logs] of [['1.11 start-up', HEALTHY_1_11], ['1.2 start-up', HEALTHY_1_2], ['query logs without errors', NOERROR_LINES]]) {
    it(`${name}: no signature`, () => assert.deepEqual(analyzeCorednsLogs(logs).matches, []))
  }
  it('start-up before the API sync: info only', () => {
    assert.deepEqual(summary(HEALTHY_STARTUP_WAIT), ['info:ready-waitingx1', 'info:unsynced-apix1'])
  })
  it('counts non-empty lines', () => assert.equal(analyzeCorednsLogs(HEALTHY_1_11).linesScanned, 4))
})

describe('analyzeCorednsLogs: signatures', () => {
  it('a Corefile CoreDNS cannot parse (the previous log of a crashed 1.11.3 container, captured on the e2e cluster)', () => {
    for (const [line, value] of [
      ["/etc/coredns/Corefile:22 - Syntax error: Unexpected token 'loadbalance', expecting '}'", "line 22: Unexpected token 'loadbalance', expecting '}'"],
      ["/etc/coredns/Corefile:5 - Error during parsing: Unknown directive 'kubernets'", "line 5: Unknown directive 'kubernets'"],
    ]) {
      const m = analyzeCorednsLogs(line).matches.find((x) => x.code === 'corefile-parse-error')
      assert.ok(m, line)
      assert.equal(m.severity, 'fail')
      assert.match(m.message, new RegExp(`^CoreDNS cannot parse its Corefile \\(${value.replace(/[()'{}]/g, '.')}\\) and exits at start \\(1 time\\)$`))
    }
  })
  it('loop detected (1.5+ format) with the loop and zone', () => {
    const [m] = analyzeCorednsLogs(LOOP_NEW).matches
    assert.equal(m.code, 'loop-detected')
    assert.equal(m.severity, 'fail')
    assert.deepEqual(m.values, ['127.0.0.1:34614 -> :53 zone .'])
    assert.equal(m.example, LOOP_NEW)
    assert.match(m.remediation, /\/run\/systemd\/resolve\/resolv\.conf/)
  })
  it('loop detected (1.2 format)', () => assert.deepEqual(summary(LOOP_OLD), ['fail:loop-detectedx1']))

  it('upstream i/o timeouts, with the upstreams', () => {
    const [m] = analyzeCorednsLogs(UPSTREAM_TIMEOUTS).matches
    assert.equal(m.code, 'upstream-timeout')
    assert.equal(m.count, 4)
    assert.deepEqual(m.values, ['168.63.129.16:53', '20.128.8.8:53', '10.10.10.252:53'])
    assert.match(m.message, /168\.63\.129\.16:53/)
  })
  it('API server refused / timed out / unroutable', () => {
    const [m] = analyzeCorednsLogs(API_REFUSED).matches
    assert.equal(m.code, 'api-unreachable')
    assert.equal(m.severity, 'fail')
    assert.equal(m.count, 4)
    assert.deepEqual(m.values, ['10.96.0.1:443 (connection refused)', '10.9.0.1:443 (i/o timeout)', '10.96.0.1:443 (no route to host)'])
  })
  it('RBAC forbidden, per user and resource', () => {
    const [m] = analyzeCorednsLogs(RBAC).matches
    assert.equal(m.code, 'rbac-forbidden')
    assert.equal(m.count, 3)
    assert.deepEqual(m.values, [
      'system:serviceaccount:kube-system:coredns endpointslices.discovery.k8s.io',
      'system:serviceaccount:kube-system:coredns endpoints',
    ])
    assert.match(m.remediation, /endpointslices/)
  })
  it('SERVFAIL: info below the storm threshold, warn at it', () => {
    const few = Array.from({length: 5}, (_, i) => SERVFAIL_LINE(i))
    const many = Array.from({length: 20}, (_, i) => SERVFAIL_LINE(i))
    assert.deepEqual(summary(few), ['info:servfailx5'])
    assert.deepEqual(summary(many), ['warn:servfailx20'])
    assert.deepEqual(summary(few, {servfailStorm: 5}), ['warn:servfailx5'])
    assert.deepEqual(analyzeCorednsLogs(many).matches[0].values, ['images.salsify.com.'])
  })
  it('ready still waiting: warn when it goes on', () => {
    const lines = Array.from({length: 6}, () => '[INFO] plugin/ready: Still waiting on: "kubernetes"')
    assert.deepEqual(summary(lines), ['warn:ready-waitingx6'])
  })
  it('IPv6 upstream unreachable', () => {
    const [m] = analyzeCorednsLogs(UNREACHABLE_V6).matches
    assert.equal(m.code, 'upstream-unreachable')
    assert.deepEqual(m.values, ['[fd5a:b141:6779::1]:53 (network is unreachable)'])
  })
  it('no such host', () => {
    const [m] = analyzeCorednsLogs(NO_SUCH_HOST).matches
    assert.equal(m.code, 'no-such-host')
    assert.deepEqual(m.values, ['api.k8s.internal'])
  })
  it('no next plugin', () => assert.deepEqual(summary(NO_NEXT), ['warn:no-next-pluginx1']))

  it('a mixed real log: every signature counted once per line, in catalogue order', () => {
    const logs = [HEALTHY_1_11, API_REFUSED, RBAC, UPSTREAM_TIMEOUTS, '[INFO] plugin/ready: Still waiting on: "kubernetes"', LOOP_NEW].join('\n')
    assert.deepEqual(summary(logs), [
      'fail:loop-detectedx1',
      'fail:api-unreachablex4',
      'fail:rbac-forbiddenx3',
      'warn:upstream-timeoutx4',
      'info:ready-waitingx1',
    ])
  })
  it('look-alike lines land on the right signature', () => {
    // an API list failure whose reason is a name lookup: api-unreachable does not match, no-such-host does
    assert.deepEqual(summary(NO_SUCH_HOST), ['warn:no-such-hostx1'])
    // the loop plugin's own probe timing out upstream is an upstream timeout, not a loop
    const probe = '[ERROR] plugin/errors: 2 7553930501182690030.5295112943253332074. HINFO: read udp 10.200.0.5:48557->172.23.83.11:53: i/o timeout'
    assert.deepEqual(summary(probe), ['warn:upstream-timeoutx1'])
  })
  it('accepts an array of lines', () => assert.deepEqual(summary([LOOP_OLD, LOOP_OLD]), ['fail:loop-detectedx2']))
})
