import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {findOptions, findPlugins, normalizeZone, parseCorefile, parseServerKey, tokenizeCorefile} from '../../../src/analysis/dns/corefile.js'

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/dns/corefile/${name}`, import.meta.url)), 'utf8')

describe('parseServerKey', () => {
  const cases: [string, {scheme: string; zone: string; port: number}][] = [
    ['.:53', {scheme: 'dns', zone: '.', port: 53}],
    ['.', {scheme: 'dns', zone: '.', port: 53}],
    ['cluster.local:53', {scheme: 'dns', zone: 'cluster.local.', port: 53}],
    ['Cluster.Local.:53', {scheme: 'dns', zone: 'cluster.local.', port: 53}],
    ['dns://.:53', {scheme: 'dns', zone: '.', port: 53}],
    ['example.org:5353', {scheme: 'dns', zone: 'example.org.', port: 5353}],
    ['tls://.', {scheme: 'tls', zone: '.', port: 853}],
    ['tls://example.org:8853', {scheme: 'tls', zone: 'example.org.', port: 8853}],
    ['grpc://.', {scheme: 'grpc', zone: '.', port: 443}],
    [':53', {scheme: 'dns', zone: '.', port: 53}],
    ['10.0.0.0/24:53', {scheme: 'dns', zone: '10.0.0.0/24.', port: 53}],
    ['consul.local:53,', {scheme: 'dns', zone: 'consul.local.', port: 53}],
  ]
  for (const [raw, want] of cases) {
    it(raw, () => {
      const key = parseServerKey(raw, 7)
      assert.ok(key)
      assert.deepEqual({scheme: key.scheme, zone: key.zone, port: key.port}, want)
      assert.equal(key.line, 7)
    })
  }
  it('rejects a key with braces', () => assert.equal(parseServerKey('.:53{', 1), undefined))
})

describe('normalizeZone', () => {
  for (const [zone, want] of [['.', '.'], ['', '.'], ['cluster.local', 'cluster.local.'], ['CLUSTER.local.', 'cluster.local.']]) {
    it(`${JSON.stringify(zone)} -> ${want}`, () => assert.equal(normalizeZone(zone), want))
  }
})

describe('tokenizeCorefile', () => {
  it('keeps quoted strings whole, strips comments, counts lines inside quotes', () => {
    const {tokens, errors} = tokenizeCorefile('a "b c" # comment\n"multi\nline" d\n# full line\ne#notcomment')
    assert.deepEqual(errors, [])
    assert.deepEqual(
      tokens.map((t) => [t.text, t.line, t.quoted]),
      [
        ['a', 1, false],
        ['b c', 1, true],
        ['multi\nline', 2, true],
        ['d', 3, false],
        ['e#notcomment', 5, false],
      ],
    )
  })
  it('unescapes \\" inside quotes', () => {
    assert.equal(tokenizeCorefile('"a \\"b\\""').tokens[0].text, 'a "b"')
  })
  it('reports an unterminated quote with its line', () => {
    assert.deepEqual(tokenizeCorefile('x\n"open').errors, [{line: 2, message: 'unterminated quoted string'}])
  })
})

describe('parseCorefile: real Corefiles', () => {
  it('kubeadm 1.32 default: one server block, every plugin with its line, nested blocks', () => {
    const parsed = parseCorefile(fixture('kubeadm-1.32.Corefile'))
    assert.deepEqual(parsed.errors, [])
    assert.equal(parsed.servers.length, 1)
    const [server] = parsed.servers
    assert.equal(server.line, 1)
    assert.deepEqual(server.keys.map((k) => [k.zone, k.port, k.scheme]), [['.', 53, 'dns']])
    assert.deepEqual(
      server.directives.map((d) => [d.name, d.line]),
      [
        ['errors', 2],
        ['health', 3],
        ['ready', 6],
        ['kubernetes', 7],
        ['prometheus', 12],
        ['forward', 13],
        ['cache', 16],
        ['loop', 20],
        ['reload', 21],
        ['loadbalance', 22],
      ],
    )
    const k8s = findPlugins(server, 'kubernetes')[0]
    assert.deepEqual(k8s.args, ['cluster.local', 'in-addr.arpa', 'ip6.arpa'])
    assert.deepEqual(k8s.block?.map((o) => [o.name, o.args, o.line]), [
      ['pods', ['insecure'], 8],
      ['fallthrough', ['in-addr.arpa', 'ip6.arpa'], 9],
      ['ttl', ['30'], 10],
    ])
    const forward = findPlugins(server, 'forward')[0]
    assert.deepEqual(forward.args, ['.', '/etc/resolv.conf'])
    assert.deepEqual(findOptions(forward, 'max_concurrent')[0].args, ['1000'])
    const cache = findPlugins(server, 'cache')[0]
    assert.deepEqual(cache.args, ['30'])
    assert.deepEqual(cache.block?.map((o) => o.args), [['success', 'cluster.local'], ['denial', 'cluster.local']])
    assert.equal(findPlugins(server, 'loop')[0].block, undefined)
    assert.deepEqual(parsed.imports, [])
  })

  it('k3s: imports inside and outside the server block are reported', () => {
    const parsed = parseCorefile(fixture('k3s.Corefile'))
    assert.deepEqual(parsed.errors, [])
    assert.equal(parsed.servers.length, 1)
    assert.deepEqual(parsed.imports, [
      {line: 20, args: ['/etc/coredns/custom/*.override']},
      {line: 22, args: ['/etc/coredns/custom/*.server']},
    ])
    const hosts = findPlugins(parsed.servers[0], 'hosts')[0]
    assert.deepEqual(hosts.args, ['/etc/coredns/NodeHosts'])
    assert.deepEqual(hosts.block?.map((o) => o.name), ['ttl', 'reload', 'fallthrough'])
  })

  for (const name of ['kubeadm-1.28.Corefile', 'kubeadm-1.13.Corefile', 'eks.Corefile', 'aks.Corefile']) {
    it(`${name} parses without errors`, () => {
      const parsed = parseCorefile(fixture(name))
      assert.deepEqual(parsed.errors, [])
      assert.equal(parsed.servers.length, 1)
      assert.ok(findPlugins(parsed.servers[0], 'kubernetes').length === 1)
    })
  }
})

describe('parseCorefile: syntax', () => {
  it('several server blocks, several keys per block, stub domains', () => {
    const parsed = parseCorefile(`.:53 example.org:5353 {
    forward . 8.8.8.8
}
consul.local:53 {
    errors
    cache 30
    forward . 10.150.0.1
}
dns://cluster.local:53, tls://.:853 {
    whoami
}
`)
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(
      parsed.servers.map((s) => [s.line, s.keys.map((k) => `${k.scheme}://${k.zone}:${k.port}`)]),
      [
        [1, ['dns://.:53', 'dns://example.org.:5353']],
        [4, ['dns://consul.local.:53']],
        [9, ['dns://cluster.local.:53', 'tls://.:853']],
      ],
    )
    assert.deepEqual(parsed.servers[1].directives.map((d) => d.line), [5, 6, 7])
  })

  it('brace of a server block on the next line', () => {
    const parsed = parseCorefile('.:53\n{\n  whoami\n}\n')
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.servers[0].directives.map((d) => [d.name, d.line]), [['whoami', 3]])
  })

  it('a lone server block may omit its braces', () => {
    const parsed = parseCorefile('.:53\nerrors\nforward . 1.1.1.1\n')
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.servers[0].directives.map((d) => d.name), ['errors', 'forward'])
  })

  it('quoted arguments and comments inside blocks', () => {
    const parsed = parseCorefile(`.:53 {
    # the cluster
    template IN A example.org {   # inline comment
        answer "{{ .Name }} 60 IN A 10.0.0.1"
    }
}`)
    assert.deepEqual(parsed.errors, [])
    const template = parsed.servers[0].directives[0]
    assert.equal(template.line, 3)
    assert.deepEqual(template.args, ['IN', 'A', 'example.org'])
    assert.deepEqual(template.block?.[0].args, ['{{ .Name }} 60 IN A 10.0.0.1'])
  })

  it('deeper nesting', () => {
    const parsed = parseCorefile('.:53 {\n a {\n  b {\n   c 1\n  }\n }\n}\n')
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.servers[0].directives[0].block?.[0].block?.[0], {name: 'c', args: ['1'], line: 4})
  })

  it('environment placeholders are recorded with their line', () => {
    const parsed = parseCorefile('.:{$DNS_PORT} {\n  forward . {$UPSTREAM} {%WINVAR%}\n}\n')
    assert.deepEqual(parsed.placeholders, [
      {name: 'DNS_PORT', line: 1},
      {name: 'UPSTREAM', line: 2},
      {name: 'WINVAR', line: 2},
    ])
    assert.deepEqual(parsed.servers[0].directives[0].args, ['.', '{$UPSTREAM}', '{%WINVAR%}'])
  })

  it('snippets are recorded apart from server blocks', () => {
    const parsed = parseCorefile('(common) {\n  errors\n}\n.:53 {\n  import common\n}\n')
    assert.deepEqual(parsed.snippets, [{name: 'common', line: 1}])
    assert.equal(parsed.servers.length, 1)
    assert.deepEqual(parsed.imports, [{line: 5, args: ['common']}])
  })

  const malformed: [string, string, {line: number; message: string}[]][] = [
    ['unclosed server block', '.:53 {\n  errors\n', [{line: 1, message: "'{' opened here is never closed"}]],
    [
      'unclosed plugin block',
      '.:53 {\n  kubernetes cluster.local {\n    pods insecure\n}\n',
      [{line: 1, message: "'{' opened here is never closed"}],
    ],
    ['extra closing brace', '.:53 {\n  errors\n}\n}\n', [{line: 4, message: "unexpected '}' outside a server block"}]],
    ['brace without keys', '{\n  errors\n}\n', [{line: 1, message: "'{' without server addresses before it"}]],
    [
      'second block without braces',
      '.:53 {\n errors\n}\nexample.org:53\n errors\n',
      [{line: 4, message: "server block example.org:53 has no '{'"}],
    ],
    ['unterminated quote', '.:53 {\n  answer "x\n}\n', [{line: 2, message: 'unterminated quoted string'}, {line: 1, message: "'{' opened here is never closed"}]],
  ]
  for (const [name, text, errors] of malformed) {
    it(`returns errors, never throws: ${name}`, () => {
      assert.deepEqual(parseCorefile(text).errors, errors)
    })
  }

  it('empty file: nothing, no errors', () => {
    assert.deepEqual(parseCorefile('# only a comment\n'), {servers: [], imports: [], snippets: [], placeholders: [], errors: []})
  })
})
