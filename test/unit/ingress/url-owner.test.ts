import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {strongestClaims, urlClaims} from '../../../src/analysis/ingress/url-owner.js'
import type {HTTPRoute, Ingress} from '../../../src/cluster/types.js'
import {httpRoute, ingress} from '../../helpers/ingress-fixtures.js'

const shop = ingress() as Ingress
const hostless = ingress({name: 'catch-all', rules: [{http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'backend', port: {number: 80}}}}]}}]}) as Ingress
const onlyDefault = ingress({name: 'default-only', rules: [], defaultBackend: {service: {name: 'backend', port: {number: 80}}}}) as Ingress
const api = ingress({name: 'api', rules: [{host: 'shop.example.com', http: {paths: [{path: '/api', pathType: 'Exact', backend: {service: {name: 'api', port: {number: 80}}}}]}}]}) as Ingress
const store = httpRoute({hostnames: ['*.example.com']}) as HTTPRoute
const anyHost = httpRoute({name: 'any'}) as HTTPRoute

describe('urlClaims', () => {
  const cases: Array<[string, Ingress[], HTTPRoute[], string, string, string[]]> = [
    ['a rule naming the host', [shop, api], [], 'shop.example.com', '/cart', ['Ingress shop/web hostname rules[0].http.paths[0]']],
    ['an Exact path claims only itself', [shop, api], [], 'shop.example.com', '/api', ['Ingress shop/web hostname rules[0].http.paths[0]', 'Ingress shop/api hostname rules[0].http.paths[0]']],
    ['a defaultBackend alone claims nothing (it catches every host)', [onlyDefault], [], 'shop.example.com', '/', []],
    ['a host-less rule is a weaker claim', [hostless], [], 'x.example.org', '/', ['Ingress shop/catch-all any-host rules[0].http.paths[0]']],
    ['a wildcard route hostname covers one label', [], [store], 'store.example.com', '/', ['HTTPRoute shop/store hostname rules[0]']],
    ['...and not the apex', [], [store], 'example.com', '/', []],
    ['a route without hostnames: any host, weaker', [], [anyHost], 'a.b', '/', ['HTTPRoute shop/any any-host rules[0]']],
  ]
  for (const [name, ingresses, routes, host, path, expected] of cases) {
    it(name, () => assert.deepEqual(urlClaims(ingresses, routes, host, path).map((c) => `${c.kind} ${c.namespace}/${c.name} ${c.strength} ${c.via}`), expected))
  }
  it('strongestClaims: host-less claims count only when nothing names the host', () => {
    const both = urlClaims([shop, hostless], [anyHost], 'shop.example.com', '/')
    assert.deepEqual(strongestClaims(both).map((c) => c.name), ['web'])
    assert.deepEqual(strongestClaims(urlClaims([hostless], [anyHost], 'a.b', '/')).map((c) => c.name), ['catch-all', 'any'])
  })
  it('strongestClaims merges Ingresses of one host as controllers do: Exact /api beats Prefix / of another Ingress; equal paths conflict', () => {
    assert.deepEqual(strongestClaims(urlClaims([shop, api], [], 'shop.example.com', '/api')).map((c) => c.name), ['api'])
    assert.deepEqual(strongestClaims(urlClaims([shop, api], [], 'shop.example.com', '/cart')).map((c) => c.name), ['web'])
    assert.deepEqual(strongestClaims(urlClaims([shop, ingress({name: 'web-v2'}) as Ingress], [], 'shop.example.com', '/')).map((c) => c.name), ['web', 'web-v2'])
  })
})
