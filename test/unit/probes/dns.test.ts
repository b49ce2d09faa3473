import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {
  busyboxNslookupCommand,
  digCommand,
  nslookupCommand,
  parseDigOutput,
  parseDnsLookup,
  parseNslookupOutput,
  planDnsLookup,
  type DnsLookupResult,
} from '../../../src/probes/dns.js'
import {parseToolSet} from '../../../src/probes/tools.js'

// Captured from dig/nslookup 9.18 and busybox 1.35 against a server on 127.0.0.1 (fixtures), plus outputs of
// older versions quoted in CoreDNS/Kubernetes issues (inline).
const out = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/dns/probe-output/${name}`, import.meta.url)), 'utf8')

const pick = (r: DnsLookupResult) => ({status: r.status, answers: r.answers, server: r.server, port: r.port, error: r.error})

describe('command builders', () => {
  const dig: [Parameters<typeof digCommand>[0], string][] = [
    [{name: 'kubernetes.default.svc.cluster.local', server: '10.96.0.10'}, 'dig +time=2 +tries=1 @10.96.0.10 kubernetes.default.svc.cluster.local A'],
    [{name: 'kubernetes.default.svc.cluster.local', server: '10.96.0.10', transport: 'tcp'}, 'dig +time=2 +tries=1 +tcp @10.96.0.10 kubernetes.default.svc.cluster.local A'],
    [{name: 'my-svc'}, 'dig +time=2 +tries=1 +search my-svc A'],
    [{name: 'my-svc', search: false}, 'dig +time=2 +tries=1 my-svc A'],
    [{name: 'my-svc.shop', search: true, type: 'AAAA'}, 'dig +time=2 +tries=1 +search my-svc.shop AAAA'],
    [{name: 'example.com.', search: true}, 'dig +time=2 +tries=1 example.com. A'],
    [{name: 'x.test', server: '127.0.0.1', port: 5353, timeoutSeconds: 5, tries: 3, type: 'SRV'}, 'dig +time=5 +tries=3 @127.0.0.1 -p 5353 x.test SRV'],
  ]
  for (const [q, want] of dig) it(want, () => assert.equal(digCommand(q).join(' '), want))

  const ns: [Parameters<typeof nslookupCommand>[0], string][] = [
    [{name: 'kubernetes.default.svc.cluster.local', server: '10.96.0.10'}, 'nslookup -timeout=2 -retry=0 -type=A kubernetes.default.svc.cluster.local. 10.96.0.10'],
    [{name: 'kubernetes.default', server: '10.96.0.10', transport: 'tcp', search: true}, 'nslookup -timeout=2 -retry=0 -vc -type=A kubernetes.default 10.96.0.10'],
    [{name: 'my-svc'}, 'nslookup -timeout=2 -retry=0 -type=A my-svc'],
    [{name: 'x.test', server: '127.0.0.1', port: 5353, tries: 2}, 'nslookup -timeout=2 -retry=1 -port=5353 -type=A x.test. 127.0.0.1'],
  ]
  for (const [q, want] of ns) it(want, () => assert.equal(nslookupCommand(q).join(' '), want))

  const bb: [Parameters<typeof busyboxNslookupCommand>[0], string][] = [
    [{name: 'kubernetes.default.svc.cluster.local', server: '10.96.0.10'}, 'nslookup kubernetes.default.svc.cluster.local. 10.96.0.10'],
    [{name: 'my-svc'}, 'nslookup my-svc'],
    [{name: 'x.test', server: '127.0.0.1', port: 5353, type: 'AAAA'}, 'nslookup -type=aaaa x.test. 127.0.0.1:5353'],
    [{name: 'x.test', server: 'fd00::a', port: 53}, 'nslookup x.test. [fd00::a]:53'],
  ]
  for (const [q, want] of bb) {
    it(want, () => {
      const cmd = busyboxNslookupCommand(q)
      assert.ok(Array.isArray(cmd))
      assert.equal(cmd.join(' '), want)
    })
  }
  it('busybox nslookup cannot do TCP: says so', () => {
    const cmd = busyboxNslookupCommand({name: 'x', transport: 'tcp'})
    assert.ok(!Array.isArray(cmd))
    assert.match(cmd.unsupported, /TCP not testable/)
  })
})

describe('planDnsLookup', () => {
  const full = parseToolSet('netdiag-tool dig /usr/bin/dig native\nnetdiag-tool nslookup /usr/bin/nslookup native\nnetdiag-tools-end\n')
  const bind = parseToolSet('netdiag-tool nslookup /usr/bin/nslookup native\nnetdiag-tools-end\n')
  const busybox = parseToolSet('netdiag-tool nslookup /bin/nslookup busybox\nnetdiag-tool wget /bin/wget busybox\nnetdiag-tools-end\n')
  const none = parseToolSet('netdiag-tool curl /usr/bin/curl native\nnetdiag-tools-end\n')
  const q = {name: 'kubernetes.default.svc.cluster.local', server: '10.96.0.10'}
  it('dig first', () => assert.equal(planDnsLookup(q, full).client, 'dig'))
  it('bind nslookup next, TCP through -vc', () => {
    const p = planDnsLookup({...q, transport: 'tcp'}, bind)
    assert.ok('command' in p)
    assert.equal(p.client, 'nslookup')
    assert.ok(p.command.includes('-vc'))
  })
  it('busybox nslookup for UDP', () => assert.equal(planDnsLookup(q, busybox).client, 'busybox-nslookup'))
  it('busybox nslookup for TCP: unsupported, with the reason', () => {
    const p = planDnsLookup({...q, transport: 'tcp'}, busybox)
    assert.ok('unsupported' in p)
    assert.match(p.unsupported, /busybox nslookup, which has no TCP mode/)
  })
  it('no client at all', () => {
    const p = planDnsLookup(q, none)
    assert.ok('unsupported' in p)
    assert.match(p.unsupported, /--image/)
  })
})

describe('parseDigOutput (dig 9.18, captured)', () => {
  it('NOERROR over UDP: answers, server, transport, query time, queried name', () => {
    const r = parseDigOutput(out('dig-9.18-noerror-udp.txt'))
    assert.deepEqual(pick(r), {status: 'NOERROR', answers: ['10.96.0.1'], server: '127.0.0.1', port: 5353, error: undefined})
    assert.equal(r.transport, 'udp')
    assert.equal(r.queryTimeMs, 0)
    assert.equal(r.queriedName, 'kubernetes.default.svc.cluster.local.')
    assert.deepEqual(r.records, [{name: 'kubernetes.default.svc.cluster.local.', ttl: 30, type: 'A', data: '10.96.0.1'}])
    assert.match(r.excerpt, /status: NOERROR/)
    assert.match(r.excerpt, /10\.96\.0\.1/)
  })
  it('NOERROR over TCP', () => {
    const r = parseDigOutput(out('dig-9.18-noerror-tcp.txt'))
    assert.equal(r.status, 'NOERROR')
    assert.equal(r.transport, 'tcp')
    assert.equal(r.queryTimeMs, 4)
  })
  it('two A records', () => assert.deepEqual(parseDigOutput(out('dig-9.18-multi.txt')).answers, ['10.96.0.1', '10.96.0.2']))
  it('NODATA (AAAA of an IPv4 Service): NOERROR, no answers', () => {
    assert.deepEqual(pick(parseDigOutput(out('dig-9.18-nodata-aaaa.txt'))), {status: 'NOERROR', answers: [], server: '127.0.0.1', port: 5353, error: undefined})
  })
  const rcodes: [string, string][] = [
    ['dig-9.18-nxdomain.txt', 'NXDOMAIN'],
    ['dig-9.18-servfail.txt', 'SERVFAIL'],
    ['dig-9.18-refused.txt', 'REFUSED'],
  ]
  for (const [file, status] of rcodes) {
    it(`${file} -> ${status}`, () => {
      const r = parseDigOutput(out(file))
      assert.equal(r.status, status)
      assert.deepEqual(r.answers, [])
      assert.equal(r.server, '127.0.0.1')
    })
  }
  it('timeout: communications error ... timed out, server from the error line', () => {
    assert.deepEqual(pick(parseDigOutput(out('dig-9.18-timeout.txt'))), {status: 'timeout', answers: [], server: '127.0.0.1', port: 5354, error: 'timed out'})
  })
  it('timeout with two tries', () => assert.equal(parseDigOutput(out('dig-9.18-timeout-tries2.txt')).status, 'timeout'))
  it('UDP port unreachable: error, connection refused', () => {
    assert.deepEqual(pick(parseDigOutput(out('dig-9.18-udp-refused.txt'))), {status: 'error', answers: [], server: '127.0.0.1', port: 1, error: 'connection refused'})
  })
  it('TCP connection refused', () => {
    assert.deepEqual(pick(parseDigOutput(out('dig-9.18-tcp-refused.txt'))), {status: 'error', answers: [], server: '127.0.0.1', port: 5354, error: 'connection refused'})
  })
})

describe('parseDigOutput (older dig, from issues)', () => {
  it('dig 9.10-9.16 timeout wording', () => {
    const r = parseDigOutput('\n; <<>> DiG 9.10.6 <<>> host2.test @localhost\n;; global options: +cmd\n;; connection timed out; no servers could be reached\n')
    assert.equal(r.status, 'timeout')
    assert.equal(r.error, 'connection timed out; no servers could be reached')
  })
  it('dig 9.14 NXDOMAIN with SERVER line without transport', () => {
    const text = `; <<>> DiG 9.14.1 <<>> google.com
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 5211
;; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;google.com.			IN	A

;; Query time: 5006 msec
;; SERVER: 10.96.0.10#53(10.96.0.10)
;; WHEN: Wed Oct 23 21:15:03 UTC 2019
;; MSG SIZE  rcvd: 39
`
    const r = parseDigOutput(text)
    assert.deepEqual(pick(r), {status: 'NXDOMAIN', answers: [], server: '10.96.0.10', port: 53, error: undefined})
    assert.equal(r.queryTimeMs, 5006)
    assert.equal(r.transport, undefined)
  })
  it('CNAME chain: answers are the A records, records keep the CNAME', () => {
    const text = `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
;; QUESTION SECTION:
;www.example.com.\t\tIN\tA

;; ANSWER SECTION:
www.example.com.\t30\tIN\tCNAME\texample.com.
example.com.\t30\tIN\tA\t93.184.216.34

;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)
`
    const r = parseDigOutput(text)
    assert.deepEqual(r.answers, ['93.184.216.34'])
    assert.deepEqual(r.records.map((x) => x.type), ['CNAME', 'A'])
  })
  it('SRV data keeps all fields', () => {
    const text = `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
;; QUESTION SECTION:
;_https._tcp.kubernetes.default.svc.cluster.local. IN SRV

;; ANSWER SECTION:
_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.
`
    assert.deepEqual(parseDigOutput(text).answers, ['0 100 443 kubernetes.default.svc.cluster.local.'])
  })
  it('rcode other than the four: error', () => {
    assert.deepEqual(pick(parseDigOutput(';; ->>HEADER<<- opcode: QUERY, status: NOTIMP, id: 1\n')), {status: 'error', answers: [], server: undefined, port: undefined, error: 'rcode NOTIMP'})
  })
  it('unresolvable server name', () => {
    const r = parseDigOutput("dig: couldn't get address for 'kube-dns.kube-system': not found\n")
    assert.equal(r.status, 'error')
    assert.match(r.error ?? '', /kube-dns\.kube-system/)
  })
  it('retry that succeeded after a timeout: the answer wins', () => {
    const text = `;; communications error to 10.96.0.10#53: timed out\n${out('dig-9.18-noerror-udp.txt')}`
    assert.equal(parseDigOutput(text).status, 'NOERROR')
  })
  it('empty output', () => assert.deepEqual(pick(parseDigOutput('')), {status: 'error', answers: [], server: undefined, port: undefined, error: 'no output'}))
})

describe('parseNslookupOutput: bind 9.18 (captured)', () => {
  const cases: [string, ReturnType<typeof pick>][] = [
    ['bind-9.18-nslookup-noerror.txt', {status: 'NOERROR', answers: ['10.96.0.1'], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-vc.txt', {status: 'NOERROR', answers: ['10.96.0.1', '10.96.0.2'], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-nodata-aaaa.txt', {status: 'NOERROR', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-nxdomain.txt', {status: 'NXDOMAIN', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-servfail.txt', {status: 'SERVFAIL', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-refused.txt', {status: 'REFUSED', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['bind-9.18-nslookup-timeout.txt', {status: 'timeout', answers: [], server: '127.0.0.1', port: 5354, error: 'timed out'}],
  ]
  for (const [file, want] of cases) it(`${file} -> ${want.status}`, () => assert.deepEqual(pick(parseNslookupOutput(out(file))), want))
  it('queried name from the answer or the error', () => {
    assert.equal(parseNslookupOutput(out('bind-9.18-nslookup-noerror.txt')).queriedName, 'kubernetes.default.svc.cluster.local')
    assert.equal(parseNslookupOutput(out('bind-9.18-nslookup-nxdomain.txt')).queriedName, 'nope.default.svc.cluster.local')
  })
  it('CNAME then address (bind nslookup, real format)', () => {
    const text = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nNon-authoritative answer:\nwww.example.com\tcanonical name = example.com.\nName:\texample.com\nAddress: 93.184.216.34\n'
    const r = parseNslookupOutput(text)
    assert.deepEqual(r.answers, ['93.184.216.34'])
    assert.deepEqual(r.records[0], {name: 'www.example.com', type: 'CNAME', data: 'example.com.'})
  })
})

describe('parseNslookupOutput: busybox', () => {
  const cases: [string, ReturnType<typeof pick>][] = [
    ['busybox-1.35-nslookup-noerror.txt', {status: 'NOERROR', answers: ['10.96.0.1'], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-type-a.txt', {status: 'NOERROR', answers: ['10.96.0.1'], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-multi.txt', {status: 'NOERROR', answers: ['10.96.0.1', '10.96.0.2'], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-nxdomain.txt', {status: 'NXDOMAIN', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-servfail.txt', {status: 'SERVFAIL', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-refused.txt', {status: 'REFUSED', answers: [], server: '127.0.0.1', port: 5353, error: undefined}],
    ['busybox-1.35-nslookup-timeout.txt', {status: 'timeout', answers: [], server: undefined, port: undefined, error: 'connection timed out; no servers could be reached'}],
  ]
  for (const [file, want] of cases) {
    it(`${file} -> ${want.status}`, () => {
      const r = parseNslookupOutput(out(file), 'busybox-nslookup')
      assert.equal(r.client, 'busybox-nslookup')
      assert.deepEqual(pick(r), want)
    })
  }
  it('an A answer wins over an error printed for the AAAA query', () => {
    const text = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nNon-authoritative answer:\nName:\tlegacy.example.com\nAddress: 192.0.2.10\n\n** server can\'t find legacy.example.com: SERVFAIL\n\n'
    assert.deepEqual(pick(parseNslookupOutput(text, 'busybox-nslookup')), {status: 'NOERROR', answers: ['192.0.2.10'], server: '10.96.0.10', port: 53, error: undefined})
  })
  it('busybox <= 1.27 success (from kubernetes/dns issues)', () => {
    const text = 'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n'
    const r = parseNslookupOutput(text, 'busybox-nslookup')
    assert.deepEqual(pick(r), {status: 'NOERROR', answers: ['10.96.0.1'], server: '10.96.0.10', port: undefined, error: undefined})
    assert.equal(r.queriedName, 'kubernetes.default')
  })
  it("busybox <= 1.27 failure: can't resolve, cause unknown", () => {
    const text = "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nnslookup: can't resolve 'kubernetes.default'\n"
    const r = parseNslookupOutput(text, 'busybox-nslookup')
    assert.equal(r.status, 'error')
    assert.equal(r.queriedName, 'kubernetes.default')
    assert.match(r.error ?? '', /does not say why/)
  })
  it('busybox <= 1.27 several addresses', () => {
    const text = 'Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      web\nAddress 1: 10.244.1.5 10-244-1-5.web.default.svc.cluster.local\nAddress 2: 10.244.2.7 10-244-2-7.web.default.svc.cluster.local\n'
    assert.deepEqual(parseNslookupOutput(text, 'busybox-nslookup').answers, ['10.244.1.5', '10.244.2.7'])
  })
})

describe('parseDnsLookup', () => {
  it('merges stdout and stderr (dig prints errors on either)', () => {
    const r = parseDnsLookup('dig', {stdout: '', stderr: ';; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached\n', exitCode: 9})
    assert.equal(r.status, 'timeout')
    assert.equal(r.server, '10.96.0.10')
  })
  it('the exec timed out with no output', () => {
    const r = parseDnsLookup('busybox-nslookup', {stdout: '', stderr: '', timedOut: true})
    assert.equal(r.status, 'timeout')
    assert.match(r.error ?? '', /timed out/)
  })
  it('the exec timed out mid-output', () => {
    assert.equal(parseDnsLookup('busybox-nslookup', {stdout: 'garbage', stderr: '', timedOut: true}).status, 'timeout')
  })
  it('dispatches by client', () => {
    assert.equal(parseDnsLookup('nslookup', {stdout: out('bind-9.18-nslookup-nxdomain.txt'), stderr: '', exitCode: 1}).status, 'NXDOMAIN')
    assert.equal(parseDnsLookup('dig', {stdout: out('dig-9.18-servfail.txt'), stderr: '', exitCode: 0}).client, 'dig')
  })
})
