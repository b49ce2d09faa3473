import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {parseCorefile} from '../../../src/analysis/dns/corefile.js'
import {
  compareVersions,
  isLoopbackAddress,
  lintCorefile,
  serverForZone,
  upstreamHost,
  type CorefileLintOptions,
} from '../../../src/analysis/dns/corefile-lint.js'

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/dns/corefile/${name}`, import.meta.url)), 'utf8')

const lint = (text: string, options: Partial<CorefileLintOptions> = {}) =>
  lintCorefile(parseCorefile(text), {clusterDomain: 'cluster.local', ...options})
const codes = (text: string, options: Partial<CorefileLintOptions> = {}) =>
  lint(text, options).map((f) => `${f.severity}:${f.code}@${f.line}`)

const KUBEADM = fixture('kubeadm-1.32.Corefile')
const replaceLine = (text: string, from: string, to: string) => {
  assert.ok(text.includes(from), `fixture lacks ${from}`)
  return text.replace(from, to)
}

describe('lintCorefile: healthy defaults produce no fail and no warn', () => {
  const healthy: [string, Partial<CorefileLintOptions>][] = [
    ['kubeadm-1.32.Corefile', {}],
    ['kubeadm-1.32.Corefile', {nodeResolvConfNameservers: ['10.0.0.2'], corednsVersion: 'v1.11.3'}],
    ['kubeadm-1.28.Corefile', {corednsVersion: '1.10.1'}],
    ['eks.Corefile', {nodeResolvConfNameservers: ['10.0.0.2']}],
    ['aks.Corefile', {nodeResolvConfNameservers: ['168.63.129.16']}],
    ['k3s.Corefile', {corednsVersion: '1.12.0'}],
  ]
  for (const [name, options] of healthy) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      const findings = lint(fixture(name), options)
      assert.deepEqual(findings.filter((f) => f.severity !== 'info'), [])
      // pods insecure is the one thing worth knowing about in all of them
      assert.ok(findings.some((f) => f.code === 'pods-insecure'))
    })
  }
  it('imports are reported as info with their line', () => {
    assert.deepEqual(
      lint(fixture('k3s.Corefile')).filter((f) => f.code === 'import-not-followed').map((f) => f.line),
      [20, 22],
    )
  })
})

describe('lintCorefile: the kubernetes plugin', () => {
  it('missing kubernetes plugin in the block serving the cluster domain is a fail on that block', () => {
    const text = replaceLine(KUBEADM, 'kubernetes cluster.local in-addr.arpa ip6.arpa {', 'hosts {')
    const f = lint(text).find((x) => x.code === 'kubernetes-plugin-missing')
    assert.ok(f)
    assert.equal(f.severity, 'fail')
    assert.equal(f.line, 1)
    assert.match(f.remediation, /kubernetes cluster\.local in-addr\.arpa ip6\.arpa/)
  })
  it('the snippet it offers is pasteable: one directive per line, and the fixed Corefile lints clean', () => {
    // CoreDNS's Caddyfile lexer splits directives on newlines only (coredns/caddy caddyfile/lexer.go), so
    // "pods insecure; fallthrough" would be one directive "pods" with arguments "insecure;" "fallthrough".
    const broken = KUBEADM.replace(/ {4}kubernetes cluster\.local[^}]*\}\n/, '')
    assert.ok(!broken.includes('kubernetes'), 'fixture edit removed the plugin')
    const f = lint(broken).find((x) => x.code === 'kubernetes-plugin-missing')!
    const snippet = f.remediation.split('\n').slice(1).join('\n')
    assert.doesNotMatch(snippet, /;/)
    const fixed = broken.replace('    ready\n', `    ready\n${snippet.replace(/^/gm, '    ')}\n`)
    assert.deepEqual(parseCorefile(fixed).errors, [])
    assert.deepEqual(lint(fixed).filter((x) => x.severity !== 'info'), [])
  })
  it('a more specific cluster.local block without kubernetes wins over .:53', () => {
    const text = `${KUBEADM}cluster.local:53 {\n    errors\n    forward . 10.0.0.1\n}\n`
    assert.ok(codes(text).includes('fail:kubernetes-plugin-missing@24'))
  })
  it('a dedicated cluster.local block with kubernetes is fine', () => {
    const text = `cluster.local:53 {\n  kubernetes\n  cache 30\n  errors\n}\n.:53 {\n  health\n  ready\n  forward . 10.0.0.1\n  loop\n  cache 30\n  errors\n}\n`
    assert.deepEqual(codes(text).filter((c) => !c.startsWith('info')), [])
  })
  it('kubernetes zone not the cluster domain', () => {
    const text = replaceLine(KUBEADM, 'kubernetes cluster.local in-addr.arpa', 'kubernetes example.local in-addr.arpa')
    const f = lint(text).find((x) => x.code === 'kubernetes-zone-mismatch')
    assert.ok(f)
    assert.equal(f.severity, 'fail')
    assert.equal(f.line, 7)
    assert.match(f.message, /example\.local\./)
  })
  it('custom cluster domain matches when the option says so', () => {
    const text = replaceLine(KUBEADM, 'kubernetes cluster.local in-addr.arpa', 'kubernetes corp.internal in-addr.arpa')
    assert.deepEqual(codes(text, {clusterDomain: 'corp.internal'}).filter((c) => c.startsWith('fail')), [])
    assert.ok(codes(text).includes('fail:kubernetes-zone-mismatch@7'))
  })
  it('no server block serves the cluster domain at all', () => {
    assert.deepEqual(codes('example.org:53 {\n  forward . 10.0.0.1\n  health\n  ready\n}\n').filter((c) => c.startsWith('fail')), [
      'fail:cluster-domain-not-served@1',
    ])
  })

  const podsModes: [string, string][] = [
    ['pods insecure', 'info:pods-insecure@8'],
    ['pods verified', 'info:pods-verified@8'],
    ['pods disabled', 'info:pods-disabled@8'],
    ['ttl 5', 'info:pods-disabled@7'],
  ]
  for (const [line, want] of podsModes) {
    it(`${line} -> ${want}`, () => {
      const c = codes(replaceLine(KUBEADM, 'pods insecure', line))
      assert.ok(c.includes(want), c.join(' '))
    })
  }

  it('fallthrough without zones is an info', () => {
    assert.ok(codes(replaceLine(KUBEADM, 'fallthrough in-addr.arpa ip6.arpa', 'fallthrough')).includes('info:kubernetes-fallthrough-all@9'))
  })
  it('fallthrough for a zone the plugin does not serve has no effect', () => {
    assert.ok(codes(replaceLine(KUBEADM, 'fallthrough in-addr.arpa ip6.arpa', 'fallthrough example.org')).includes('info:kubernetes-fallthrough-unused@9'))
  })
})

describe('lintCorefile: deprecated and removed', () => {
  it('kubeadm 1.13-era Corefile: proxy and upstream are warnings without a version', () => {
    const c = codes(fixture('kubeadm-1.13.Corefile'))
    assert.ok(c.includes('warn:proxy-removed@10'), c.join(' '))
    assert.ok(c.includes('warn:kubernetes-upstream-removed@6'), c.join(' '))
    assert.ok(c.includes('warn:ready-missing@1'), c.join(' '))
  })
  it('...and failures when the running CoreDNS no longer has them', () => {
    const c = codes(fixture('kubeadm-1.13.Corefile'), {corednsVersion: 'v1.8.0'})
    assert.ok(c.includes('fail:proxy-removed@10'))
    assert.ok(c.includes('fail:kubernetes-upstream-removed@6'))
  })
  it('upstream is still accepted by CoreDNS 1.6.7 (ignored): warning', () => {
    assert.ok(codes(fixture('kubeadm-1.13.Corefile'), {corednsVersion: '1.6.7'}).includes('warn:kubernetes-upstream-removed@6'))
  })
  it('resyncperiod', () => {
    const text = replaceLine(KUBEADM, 'ttl 30', 'resyncperiod 1m')
    assert.ok(codes(text).includes('warn:kubernetes-resyncperiod-removed@10'))
    assert.ok(codes(text, {corednsVersion: '1.7.0'}).includes('fail:kubernetes-resyncperiod-removed@10'))
  })
  it('endpoint with several servers', () => {
    assert.ok(codes(replaceLine(KUBEADM, 'ttl 30', 'endpoint https://a:6443 https://b:6443')).includes('info:kubernetes-endpoint-multiple@10'))
  })
})

describe('lintCorefile: forwarding loops', () => {
  const loopbacks = ['127.0.0.53', '127.0.0.1:53', 'dns://127.0.0.1', '::1', '[::1]:53', '127.1.2.3']
  for (const target of loopbacks) {
    it(`forward . ${target} is a fail`, () => {
      const c = codes(replaceLine(KUBEADM, 'forward . /etc/resolv.conf {', `forward . 8.8.8.8 ${target} {`))
      assert.ok(c.includes('fail:forward-loopback@13'), c.join(' '))
    })
  }
  it('proxy to 127.0.0.53 is a fail too (plus the deprecation)', () => {
    const c = codes(replaceLine(fixture('kubeadm-1.13.Corefile'), 'proxy . /etc/resolv.conf', 'proxy . 127.0.0.53'))
    assert.ok(c.includes('fail:forward-loopback@10'))
  })
  it('non-loopback upstreams are fine', () => {
    for (const target of ['10.0.0.2', '[2001:db8::1]:53', 'tls://1.1.1.1', '169.254.20.10']) {
      const c = codes(replaceLine(KUBEADM, 'forward . /etc/resolv.conf {', `forward . ${target} {`))
      assert.ok(!c.some((x) => x.includes('loopback')), `${target}: ${c.join(' ')}`)
    }
  })
  it('forward . /etc/resolv.conf with the kubelet resolv.conf at 127.0.0.53 (systemd-resolved)', () => {
    const f = lint(KUBEADM, {nodeResolvConfNameservers: ['127.0.0.53']}).find((x) => x.code === 'forward-resolvconf-loopback')
    assert.ok(f)
    assert.equal(f.severity, 'fail')
    assert.equal(f.line, 13)
    assert.match(f.remediation, /\/run\/systemd\/resolve\/resolv\.conf/)
  })
  it('forward . /etc/resolv.conf with real nameservers, or unknown ones: nothing', () => {
    assert.ok(!codes(KUBEADM, {nodeResolvConfNameservers: ['10.0.0.2', '10.0.0.3']}).some((c) => c.includes('loopback')))
    assert.ok(!codes(KUBEADM).some((c) => c.includes('loopback')))
  })
})

describe('lintCorefile: missing plugins', () => {
  const drops: [string, string][] = [
    ['    errors\n', 'info:errors-missing@1'],
    ['    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n', 'warn:cache-missing@1'],
    ['    loop\n', 'warn:loop-missing@1'],
    ['    ready\n', 'warn:ready-missing@1'],
    ['    health {\n       lameduck 5s\n    }\n', 'warn:health-missing@1'],
    ['    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n', 'warn:no-upstream@1'],
  ]
  for (const [drop, want] of drops) {
    it(want, () => {
      const c = codes(replaceLine(KUBEADM, drop, ''))
      assert.ok(c.includes(want), c.join(' '))
    })
  }
  it('health and ready in another server block count', () => {
    const text = `.:53 {\n  errors\n  kubernetes cluster.local\n  forward . 10.0.0.1\n  cache 30\n  loop\n}\n.:8053 {\n  health\n  ready\n}\n`
    assert.deepEqual(codes(text).filter((c) => !c.startsWith('info')), [])
  })
  it('loop is not demanded where nothing is forwarded', () => {
    const c = codes(replaceLine(replaceLine(KUBEADM, '    loop\n', ''), '    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n', ''))
    assert.ok(!c.some((x) => x.includes('loop-missing')))
  })
  it('stub-domain blocks need no health/ready/kubernetes of their own', () => {
    const text = `${KUBEADM}consul.local:53 {\n    errors\n    cache 30\n    forward . 10.150.0.1\n}\n`
    assert.deepEqual(codes(text).filter((c) => !c.startsWith('info')), [])
  })
})

describe('lintCorefile: server blocks', () => {
  it('no server block on port 53', () => {
    assert.ok(codes(replaceLine(KUBEADM, '.:53 {', '.:5353 {')).includes('warn:no-port-53@1'))
  })
  it('duplicate zones', () => {
    const text = `${KUBEADM}.:53 {\n    forward . 10.0.0.1\n}\n`
    assert.ok(codes(text).includes('fail:duplicate-zone@24'))
  })
  it('same zone, two keys in one block written differently', () => {
    assert.ok(codes('.:53 dns://.:53 {\n  kubernetes cluster.local\n}\n').includes('fail:duplicate-zone@1'))
  })
  it('same zone on different ports or bind addresses is not a duplicate', () => {
    assert.ok(!codes(`${KUBEADM}.:5353 {\n  forward . 10.0.0.1\n}\n`).some((c) => c.includes('duplicate')))
    const bound = '.:53 {\n  bind 10.0.0.1\n  whoami\n}\n.:53 {\n  bind 10.0.0.2\n  whoami\n}\n'
    assert.ok(!codes(bound).some((c) => c.includes('duplicate')))
  })
  it('syntax errors are failures with the line', () => {
    assert.ok(codes('.:53 {\n  errors\n}\n}\n').includes('fail:corefile-syntax@4'))
  })
  it('placeholders are info', () => {
    assert.ok(codes(replaceLine(KUBEADM, 'forward . /etc/resolv.conf', 'forward . {$UPSTREAM}')).includes('info:env-placeholder@13'))
  })
  it('findings are sorted fail, warn, info', () => {
    const sev = lint(fixture('kubeadm-1.13.Corefile'), {corednsVersion: '1.11.1'}).map((f) => f.severity)
    assert.deepEqual(sev, [...sev].sort((a, b) => ['fail', 'warn', 'info'].indexOf(a) - ['fail', 'warn', 'info'].indexOf(b)))
    assert.equal(sev[0], 'fail')
  })
})

describe('helpers', () => {
  it('serverForZone picks the most specific zone on the port', () => {
    const parsed = parseCorefile('.:53 {\n}\nlocal:53 {\n}\ncluster.local:5353 {\n}\n')
    assert.equal(serverForZone(parsed.servers, 'cluster.local.', 53)?.line, 3)
    assert.equal(serverForZone(parsed.servers, 'cluster.local.', 5353)?.line, 5)
    assert.equal(serverForZone(parsed.servers, 'example.org.', 53)?.line, 1)
  })
  const hosts: [string, string | undefined][] = [
    ['8.8.8.8', '8.8.8.8'],
    ['8.8.8.8:53', '8.8.8.8'],
    ['dns://8.8.8.8:53', '8.8.8.8'],
    ['tls://1.1.1.1', '1.1.1.1'],
    ['[::1]:53', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['/etc/resolv.conf', undefined],
  ]
  for (const [t, want] of hosts) it(`upstreamHost(${t})`, () => assert.equal(upstreamHost(t), want))
  const loop: [string, boolean][] = [
    ['127.0.0.53', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['10.96.0.10', false],
    ['128.0.0.1', false],
    ['::', false],
    ['fe80::1', false],
  ]
  for (const [a, want] of loop) it(`isLoopbackAddress(${a}) = ${want}`, () => assert.equal(isLoopbackAddress(a), want))
  it('compareVersions', () => {
    assert.ok(compareVersions('v1.11.1', '1.7.0') > 0)
    assert.ok(compareVersions('1.6.7', '1.7.0') < 0)
    assert.equal(compareVersions('1.7.0-eksbuild.1', '1.7.0'), 0)
    assert.ok(compareVersions('1.10.0', '1.9.3') > 0)
  })
})
