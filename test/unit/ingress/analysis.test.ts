import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {findServicePort, portSelector} from '../../../src/analysis/backend-port.js'
import {exactPathMatches, prefixPathMatches} from '../../../src/analysis/http-paths.js'
import {regexPathAnnotation, routingAnnotations} from '../../../src/analysis/ingress/annotations.js'
import {ingressHostMatch, requestHost} from '../../../src/analysis/ingress/hostnames.js'
import {chooseIngressClass} from '../../../src/analysis/ingress/ingress-class.js'
import {allIngressBackends, matchIngress} from '../../../src/analysis/ingress/rule-match.js'
import {tlsCoverage} from '../../../src/analysis/ingress/tls.js'
import type {Ingress, IngressClass, Service} from '../../../src/cluster/types.js'

const DOCS = 'https://kubernetes.io/docs/concepts/services-networking/ingress/'

function ingress(spec: Ingress['spec'], annotations?: Record<string, string>): Ingress {
  return {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'shop', ...(annotations ? {annotations} : {})}, spec}
}

function path(value: string, pathType: string, service: string) {
  return {path: value, pathType, backend: {service: {name: service, port: {number: 80}}}}
}

function rules(...list: Array<{host?: string; paths: ReturnType<typeof path>[]}>) {
  return list.map((r) => ({...(r.host ? {host: r.host} : {}), http: {paths: r.paths}}))
}

describe('Ingress path types (source: ' + DOCS + '#examples)', () => {
  // [type, path value, request, matches] — the table in the Kubernetes Ingress docs, "Examples".
  const cases: Array<[string, string, string, boolean]> = [
    ['Prefix', '/', '/anything/at/all', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/aaa', '/ccc', false],
    ['Prefix', '/foo', '/foo?x=1', true],
  ]
  for (const [type, value, request, expected] of cases) {
    it(`${type} ${value} ${expected ? 'matches' : 'does not match'} ${request}`, () => {
      assert.equal(type === 'Exact' ? exactPathMatches(value, request) : prefixPathMatches(value, request), expected)
    })
  }
})

describe('matchIngress: which path serves a request (source: ' + DOCS + '#multiple-matches)', () => {
  // [name, rules, host, path, expected backend | outcome]
  const multi = rules({paths: [path('/', 'Prefix', 'root'), path('/aaa', 'Prefix', 'aaa'), path('/aaa/bbb', 'Prefix', 'bbb')]})
  const cases: Array<[string, Ingress, string | undefined, string, string]> = [
    ['longest prefix wins (/aaa/bbb)', ingress({rules: multi}), undefined, '/aaa/bbb', 'bbb'],
    ['/aaa prefix for /aaa/ccc', ingress({rules: multi}), undefined, '/aaa/ccc', 'aaa'],
    ['/ prefix for /ccc', ingress({rules: multi}), undefined, '/ccc', 'root'],
    ['Exact preferred over Prefix of the same path ("Mixed")', ingress({rules: rules({paths: [path('/foo', 'Prefix', 'prefix'), path('/foo', 'Exact', 'exact')]})}), undefined, '/foo', 'exact'],
    ['a longer Prefix beats a shorter Exact', ingress({rules: rules({paths: [path('/foo', 'Exact', 'exact'), path('/foo/bar', 'Prefix', 'long')]})}), undefined, '/foo/bar', 'long'],
    ['no path matches: the default backend', ingress({defaultBackend: {service: {name: 'fallback', port: {number: 80}}}, rules: rules({paths: [path('/aaa', 'Prefix', 'aaa')]})}), undefined, '/ccc', 'default-backend:fallback'],
    ['no path matches and no default backend', ingress({rules: rules({paths: [path('/aaa', 'Prefix', 'aaa')]})}), undefined, '/ccc', 'no-match'],
    ['precise host before wildcard', ingress({rules: rules({host: '*.foo.com', paths: [path('/', 'Prefix', 'wild')]}, {host: 'bar.foo.com', paths: [path('/', 'Prefix', 'precise')]})}), 'bar.foo.com', '/', 'precise'],
    ['wildcard host before a rule without host', ingress({rules: rules({paths: [path('/', 'Prefix', 'any')]}, {host: '*.foo.com', paths: [path('/', 'Prefix', 'wild')]})}), 'bar.foo.com', '/', 'wild'],
    ['a host no rule names goes to the host-less rule', ingress({rules: rules({host: 'foo.bar.com', paths: [path('/', 'Prefix', 'foo')]}, {paths: [path('/', 'Prefix', 'any')]})}), 'other.com', '/', 'any'],
    ['a host no rule names, no host-less rule', ingress({rules: rules({host: 'foo.bar.com', paths: [path('/', 'Prefix', 'foo')]})}), 'other.com', '/', 'no-match'],
    ['the Host port is ignored', ingress({rules: rules({host: 'foo.bar.com', paths: [path('/', 'Prefix', 'foo')]})}), 'foo.bar.com:8443', '/', 'foo'],
    ['ImplementationSpecific is not decidable', ingress({rules: rules({paths: [path('/api', 'ImplementationSpecific', 'impl'), path('/', 'Prefix', 'root')]})}), undefined, '/api', 'undecidable'],
    ['the two rules of the same host are merged', ingress({rules: rules({host: 'a.com', paths: [path('/x', 'Prefix', 'x')]}, {host: 'a.com', paths: [path('/y', 'Prefix', 'y')]})}), 'a.com', '/y', 'y'],
  ]
  for (const [name, ing, host, p, expected] of cases) {
    it(name, () => {
      const m = matchIngress(ing, host, p)
      const got = m.outcome === 'path' ? m.chosen.backend.service?.name : m.outcome === 'default-backend' ? `default-backend:${m.backend.service?.name}` : m.outcome
      assert.equal(got, expected, JSON.stringify(m))
    })
  }

  it('ingress-nginx regex paths (rewrite-target) make the choice undecidable', () => {
    const ing = ingress({rules: rules({paths: [path('/api(/|$)(.*)', 'ImplementationSpecific', 'api')]})}, {'nginx.ingress.kubernetes.io/rewrite-target': '/$2'})
    const regex = regexPathAnnotation(ing, 'k8s.io/ingress-nginx')
    assert.equal(regex, 'nginx.ingress.kubernetes.io/rewrite-target')
    assert.equal(matchIngress(ing, undefined, '/api/x', {regexPaths: regex}).outcome, 'undecidable')
    assert.equal(regexPathAnnotation(ing, 'traefik.io/ingress-controller'), undefined)
  })

  it('use-regex "false" does not make paths regular expressions', () => {
    const found = routingAnnotations(ingress({}, {'nginx.ingress.kubernetes.io/use-regex': 'false', 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS'}))
    assert.deepEqual(found.map((f) => [f.key, f.regexPaths]), [['nginx.ingress.kubernetes.io/use-regex', false], ['nginx.ingress.kubernetes.io/backend-protocol', false]])
  })

  it('allIngressBackends lists every path and the default backend', () => {
    const ing = ingress({defaultBackend: {service: {name: 'd', port: {number: 80}}}, rules: multi})
    assert.deepEqual(allIngressBackends(ing).map((b) => b.backend.service?.name), ['root', 'aaa', 'bbb', 'd'])
  })
})

describe('Ingress host wildcards (source: ' + DOCS + '#hostname-wildcards)', () => {
  const cases: Array<[string | undefined, string, string]> = [
    ['foo.bar.com', 'foo.bar.com', 'exact'],
    ['foo.bar.com', 'FOO.bar.com', 'exact'],
    ['foo.bar.com', 'bar.com', 'none'],
    ['*.foo.com', 'bar.foo.com', 'wildcard'],
    ['*.foo.com', 'baz.bar.foo.com', 'none'],
    ['*.foo.com', 'foo.com', 'none'],
    ['*.foo.com', 'xfoo.com', 'none'],
    [undefined, 'anything.example', 'any'],
  ]
  for (const [rule, host, expected] of cases) {
    it(`${rule ?? '(no host)'} vs ${host}: ${expected}`, () => assert.equal(ingressHostMatch(rule, host), expected))
  }
  it('requestHost strips port, brackets and trailing dot', () => {
    assert.deepEqual(['Shop.Example.com:443', 'shop.example.com.', '[::1]:80'].map(requestHost), ['shop.example.com', 'shop.example.com', '::1'])
  })
})

describe('chooseIngressClass (source: ' + DOCS + '#ingress-class, #default-ingress-class)', () => {
  const cls = (name: string, isDefault = false): IngressClass => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {name, ...(isDefault ? {annotations: {'ingressclass.kubernetes.io/is-default-class': 'true'}} : {})},
    spec: {controller: 'k8s.io/ingress-nginx'},
  })
  const cases: Array<[string, Ingress, IngressClass[], string]> = [
    ['named and present', ingress({ingressClassName: 'nginx'}), [cls('nginx'), cls('other')], 'named:nginx'],
    ['named and missing', ingress({ingressClassName: 'nginx'}), [cls('traefik')], 'missing:nginx'],
    ['no name: the default', ingress({}), [cls('a'), cls('b', true)], 'default:b'],
    ['no name, no default', ingress({}), [cls('a')], 'no-class'],
    ['no name, two defaults: the first, with both reported', ingress({}), [cls('z', true), cls('a', true)], 'default:a'],
    ['the legacy annotation', ingress({}, {'kubernetes.io/ingress.class': 'nginx'}), [cls('nginx', false), cls('d', true)], 'legacy-annotation:nginx'],
  ]
  for (const [name, ing, classes, expected] of cases) {
    it(name, () => {
      const c = chooseIngressClass(ing, classes)
      const got = c.outcome === 'named' || c.outcome === 'missing' || c.outcome === 'legacy-annotation' ? `${c.outcome}:${c.name}` : c.outcome === 'default' ? `default:${c.ingressClass.metadata?.name}` : c.outcome
      assert.equal(got, expected)
      if (name.includes('two defaults')) assert.deepEqual(c.outcome === 'default' && c.defaults, ['a', 'z'])
    })
  }
})

describe('tlsCoverage (source: ' + DOCS + '#tls)', () => {
  const ing = ingress({tls: [{hosts: ['a.example.com'], secretName: 'a-tls'}, {hosts: ['*.shop.example.com'], secretName: 'wild-tls'}]})
  const cases: Array<[Ingress, string, string]> = [
    [ing, 'a.example.com', 'covered:a-tls'],
    [ing, 'cart.shop.example.com', 'covered:wild-tls'],
    [ing, 'x.cart.shop.example.com', 'not-covered'],
    [ing, 'b.example.com', 'not-covered'],
    [ingress({tls: [{secretName: 'default-tls'}]}), 'b.example.com', 'controller-default'],
    [ingress({}), 'b.example.com', 'not-covered'],
  ]
  for (const [i, host, expected] of cases) {
    it(`${host}: ${expected}`, () => {
      const c = tlsCoverage(i, host)
      assert.equal(c.outcome === 'covered' ? `covered:${c.secretName}` : c.outcome, expected)
    })
  }
})

describe('findServicePort: Ingress and Gateway backends name the Service port, not the targetPort', () => {
  const svc: Service = {metadata: {name: 'api', namespace: 'shop'}, spec: {ports: [{name: 'http', port: 80, targetPort: 8080 as never}, {name: 'grpc', port: 9090, targetPort: 'grpc' as never}]}}
  const cases: Array<[number | string | undefined, string]> = [
    [80, 'http'],
    ['grpc', 'grpc'],
    [8080, 'error:8080 is the targetPort of port 80'],
    ['https', 'error:no port named "https"'],
    [undefined, 'error:several ports'],
  ]
  for (const [wanted, expected] of cases) {
    it(`${wanted}: ${expected}`, () => {
      const r = findServicePort(svc, wanted)
      if (expected.startsWith('error:')) assert.match(r.error ?? '', new RegExp(expected.slice(6).replace(/[()]/g, '\\$&')))
      else assert.equal(r.port && portSelector(r.port), expected)
    })
  }
  it('a single port needs no port', () => {
    const one: Service = {metadata: {name: 'a', namespace: 's'}, spec: {ports: [{port: 8080}]}}
    assert.equal(portSelector(findServicePort(one, undefined).port!), '8080')
  })
})
