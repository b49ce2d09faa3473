import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {attachToGateway} from '../../../src/analysis/gateway/attach.js'
import {routeBackendRefs, zeroWeightRules} from '../../../src/analysis/gateway/backend-refs.js'
import {effectiveHostnames, gatewayHostMatches, intersectHostname, servesHost} from '../../../src/analysis/gateway/hostnames.js'
import {permittingGrant} from '../../../src/analysis/gateway/reference-grant.js'
import {matchRoute} from '../../../src/analysis/gateway/route-match.js'
import {parentStatuses} from '../../../src/analysis/gateway/route-status.js'
import type {Gateway, GatewayListener, GRPCRoute, HTTPRoute, ReferenceGrant} from '../../../src/cluster/types.js'

// Semantics from kubernetes-sigs/gateway-api: the conformance test named in each case (conformance/tests/*.go,
// with its .yaml manifest) or the API type's doc comment (apis/v1/*_types.go).
const CONF = 'kubernetes-sigs/gateway-api conformance/tests/'

function gateway(listeners: GatewayListener[], status?: Gateway['status']): Gateway {
  return {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name: 'gw', namespace: 'infra'}, spec: {gatewayClassName: 'c', listeners}, ...(status ? {status} : {})}
}
const http = (name: string, extra: Partial<GatewayListener> = {}): GatewayListener => ({name, port: 80, protocol: 'HTTP', ...extra})

describe('Gateway API hostnames', () => {
  // [pattern, host, matches] — httproute-hostname-intersection.go expectations and HTTPRoute.Hostnames docs.
  const matches: Array<[string, string, boolean, string]> = [
    ['*.wildcard.io', 'foo.wildcard.io', true, 'httproute-hostname-intersection.go'],
    ['*.wildcard.io', 'foo.bar.wildcard.io', true, 'httproute-hostname-intersection.go (any number of labels)'],
    ['*.wildcard.io', 'wildcard.io', false, 'httproute-hostname-intersection.go'],
    ['very.specific.com', 'very.specific.com:1234', true, 'httproute-hostname-intersection.go (port ignored)'],
    ['very.specific.com', 'non.matching.com', false, 'httproute-hostname-intersection.go'],
  ]
  for (const [pattern, host, expected, source] of matches) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${host} (${CONF}${source})`, () => assert.equal(gatewayHostMatches(pattern, host), expected))
  }
  // [listener, route, intersection]
  const intersections: Array<[string, string, string | undefined]> = [
    ['very.specific.com', 'very.specific.com', 'very.specific.com'],
    ['very.specific.com', '*.specific.com', 'very.specific.com'],
    ['*.wildcard.io', 'foo.bar.wildcard.io', 'foo.bar.wildcard.io'],
    ['*.wildcard.io', 'wildcard.io', undefined],
    ['*.anotherwildcard.io', '*.anotherwildcard.io', '*.anotherwildcard.io'],
    ['*.example.com', '*.foo.example.com', '*.foo.example.com'],
    ['*.example.com', '*.example.net', undefined],
  ]
  for (const [listener, route, expected] of intersections) {
    it(`listener ${listener} ∩ route ${route} = ${expected} (${CONF}httproute-hostname-intersection.go)`, () => assert.equal(intersectHostname(listener, route), expected))
  }
  it('route hostnames outside the listener are ignored; none left: not attached (apis/v1/httproute_types.go Hostnames)', () => {
    assert.deepEqual(effectiveHostnames('*.example.com', ['test.example.com', 'test.example.net']), ['test.example.com'])
    assert.deepEqual(effectiveHostnames('bar.com', ['foo.com']), [])
    assert.equal(effectiveHostnames(undefined, undefined), undefined)
    assert.deepEqual(effectiveHostnames(undefined, ['first.com']), ['first.com'])
    assert.deepEqual(effectiveHostnames('a.com', []), ['a.com'])
    assert.equal(servesHost(undefined, 'anything.com'), true)
  })
})

describe('attachToGateway', () => {
  const route = (namespace = 'infra', labels: Record<string, string> = {}, hostnames?: string[]) => ({kind: 'HTTPRoute' as const, namespace, namespaceLabels: {'kubernetes.io/metadata.name': namespace, ...labels}, ...(hostnames ? {hostnames} : {})})
  // [name, gateway, parentRef, route, outcome/reason, source]
  const cases: Array<[string, Gateway, {name: string; sectionName?: string; port?: number}, ReturnType<typeof route>, string, string]> = [
    ['same namespace, default allowedRoutes (Same)', gateway([http('http')]), {name: 'gw'}, route(), 'attached', 'httproute-simple-same-namespace.go'],
    ['other namespace, default allowedRoutes (Same)', gateway([http('http')]), {name: 'gw'}, route('web'), 'not-attached:NotAllowedByListeners', 'httproute-invalid-cross-namespace-parent-ref.go'],
    ['other namespace, from All', gateway([http('http', {allowedRoutes: {namespaces: {from: 'All'}}})]), {name: 'gw'}, route('web'), 'attached', 'httproute-cross-namespace.go'],
    [
      'from Selector matches the route namespace labels',
      gateway([http('http', {allowedRoutes: {namespaces: {from: 'Selector', selector: {matchLabels: {'gateway-conformance': 'web-backend'}}}}})]),
      {name: 'gw'},
      route('web', {'gateway-conformance': 'web-backend'}),
      'attached',
      'gateway-with-attached-routes.go',
    ],
    [
      'from Selector does not match',
      gateway([http('http', {allowedRoutes: {namespaces: {from: 'Selector', selector: {matchLabels: {'gateway-conformance': 'web-backend'}}}}})]),
      {name: 'gw'},
      route('web', {team: 'x'}),
      'not-attached:NotAllowedByListeners',
      'gateway-with-attached-routes.go',
    ],
    ['sectionName names no listener', gateway([http('http')]), {name: 'gw', sectionName: 'http1'}, route(), 'not-attached:NoMatchingParent', 'httproute-invalid-parentref-not-matching-section-name.go'],
    ['port matches no listener', gateway([http('http')]), {name: 'gw', port: 81}, route(), 'not-attached:NoMatchingParent', 'httproute-invalid-parentref-not-matching-listener-port.go'],
    ['sectionName and port must both match', gateway([http('http'), http('other', {port: 8080})]), {name: 'gw', sectionName: 'http', port: 8080}, route(), 'not-attached:NoMatchingParent', 'httproute-invalid-parentref-section-name-not-matching-port.go'],
    ['listener port selects the listener', gateway([http('a'), http('b', {port: 8080})]), {name: 'gw', port: 8080}, route(), 'attached:b', 'httproute-listener-port-matching.go'],
    ['kinds that exclude HTTPRoute', gateway([http('http', {allowedRoutes: {kinds: [{kind: 'GRPCRoute'}]}})]), {name: 'gw'}, route(), 'not-attached:NotAllowedByListeners', 'gateway-invalid-route-kind.go'],
    ['hostnames do not intersect', gateway([http('http', {hostname: 'bar.com'})]), {name: 'gw'}, route('infra', {}, ['foo.com']), 'not-attached:NoMatchingListenerHostname', 'httproute-hostname-intersection.go (no-intersecting-hosts)'],
    ['hostname intersects one of three listeners', gateway([http('l1', {hostname: 'very.specific.com'}), http('l2', {hostname: '*.wildcard.io'})]), {name: 'gw'}, route('infra', {}, ['foo.wildcard.io']), 'attached:l2', 'httproute-hostname-intersection.go'],
    ['a TLS listener does not take HTTPRoute', gateway([{name: 'tls', port: 443, protocol: 'TLS'}]), {name: 'gw'}, route(), 'not-attached:NotAllowedByListeners', 'apis/v1/gateway_types.go AllowedRoutes.Kinds'],
  ]
  for (const [name, gw, ref, r, expected, source] of cases) {
    it(`${name} (${source.startsWith('apis') ? source : CONF + source})`, () => {
      const a = attachToGateway(gw, ref, r)
      const attachedTo = a.listeners.filter((l) => l.attaches === true).map((l) => l.listener)
      const got = a.outcome === 'attached' ? (expected.includes(':') ? `attached:${attachedTo.join(',')}` : 'attached') : `${a.outcome}${a.reason ? `:${a.reason}` : ''}`
      assert.equal(got, expected, a.message)
    })
  }
  it('GRPCRoute on an HTTP listener without kinds is the controller’s call unless status.supportedKinds says', () => {
    const grpc = {...route(), kind: 'GRPCRoute' as const}
    assert.equal(attachToGateway(gateway([http('http')]), {name: 'gw'}, grpc).outcome, 'unknown')
    const reported = gateway([http('http')], {listeners: [{name: 'http', supportedKinds: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute'}, {group: 'gateway.networking.k8s.io', kind: 'GRPCRoute'}]}]})
    assert.equal(attachToGateway(reported, {name: 'gw'}, grpc).outcome, 'attached')
  })
})

describe('matchRoute', () => {
  const backend = (name: string) => [{name, port: 8080}]
  // conformance/tests/httproute-path-match-order.yaml, and its expectations in httproute-path-match-order.go.
  const order: HTTPRoute = {
    kind: 'HTTPRoute',
    metadata: {name: 'path-matching-order', namespace: 'infra'},
    spec: {
      rules: [
        {matches: [{path: {type: 'Exact', value: '/match'}}], backendRefs: backend('v1')},
        {matches: [{path: {type: 'Exact', value: '/match/exact'}}], backendRefs: backend('v2')},
        {matches: [{path: {type: 'Exact', value: '/match/exact/one'}}], backendRefs: backend('v3')},
        {matches: [{path: {type: 'PathPrefix', value: '/match/'}}], backendRefs: backend('v3')},
        {matches: [{path: {type: 'PathPrefix', value: '/match/prefix/'}}], backendRefs: backend('v1')},
        {matches: [{path: {type: 'PathPrefix', value: '/match/prefix/one'}}], backendRefs: backend('v2')},
      ],
    },
  }
  const cases: Array<[string, string]> = [
    ['/match/exact/one', 'v3'],
    ['/match/exact', 'v2'],
    ['/match', 'v1'],
    ['/match/prefix/one/any', 'v2'],
    ['/match/prefix/any', 'v1'],
    ['/match/any', 'v3'],
    ['/other', 'no-match'],
  ]
  for (const [p, expected] of cases) {
    it(`${p} -> ${expected} (${CONF}httproute-path-match-order.go)`, () => {
      const m = matchRoute(order, p)
      assert.equal(m.outcome === 'matched' ? order.spec!.rules![m.chosen.rule]!.backendRefs![0]!.name : m.outcome, expected)
    })
  }
  it('a rule without matches matches PathPrefix / (apis/v1/httproute_types.go Matches default)', () => {
    const r: HTTPRoute = {kind: 'HTTPRoute', spec: {rules: [{backendRefs: backend('a')}]}}
    assert.equal(matchRoute(r, '/anything').outcome, 'matched')
  })
  it('a header match does not take a plain request; the next rule does, and the header rule is reported (httproute-matching.go)', () => {
    const r: HTTPRoute = {kind: 'HTTPRoute', spec: {rules: [{matches: [{path: {type: 'PathPrefix', value: '/'}, headers: [{name: 'version', value: 'two'}]}], backendRefs: backend('v2')}, {backendRefs: backend('v1')}]}}
    const m = matchRoute(r, '/')
    assert.equal(m.outcome === 'matched' && m.chosen.rule, 1)
    assert.equal(m.conditional.length, 1)
  })
  it('RegularExpression is not decidable (apis/v1/httproute_types.go: precedence is implementation-specific)', () => {
    const r: HTTPRoute = {kind: 'HTTPRoute', spec: {rules: [{matches: [{path: {type: 'RegularExpression', value: '/v[0-9]+'}}]}]}}
    assert.equal(matchRoute(r, '/v1').outcome, 'undecidable')
  })
  it('GRPCRoute: exact service/method; an omitted method matches any (grpcroute-exact-method-matching.go)', () => {
    const g: GRPCRoute = {
      kind: 'GRPCRoute',
      spec: {rules: [{matches: [{method: {service: 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho', method: 'Echo'}}]}, {matches: [{method: {service: 'other.Svc'}}]}]},
    }
    const pick = (p: string) => {
      const m = matchRoute(g, p)
      return m.outcome === 'matched' ? m.chosen.rule : m.outcome
    }
    assert.equal(pick('/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo'), 0)
    assert.equal(pick('/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoTwo'), 'no-match')
    assert.equal(pick('/other.Svc/Anything'), 1)
  })
})

describe('backendRefs and ReferenceGrant', () => {
  const route: HTTPRoute = {
    kind: 'HTTPRoute',
    metadata: {name: 'reference-grant', namespace: 'gateway-conformance-infra'},
    spec: {rules: [{backendRefs: [{name: 'web-backend', namespace: 'gateway-conformance-web-backend', port: 8080}, {name: 'local', port: 8080, weight: 0}]}, {backendRefs: [{name: 'z', port: 80, weight: 0}]}]},
  }
  it('the backendRef namespace is honoured, kind defaults to Service, weight to 1 (apis/v1/shared_types.go BackendObjectReference)', () => {
    const refs = routeBackendRefs(route)
    assert.deepEqual(refs.map((r) => [r.namespace, r.name, r.kind, r.isService, r.weight, r.crossNamespace]), [
      ['gateway-conformance-web-backend', 'web-backend', 'Service', true, 1, true],
      ['gateway-conformance-infra', 'local', 'Service', true, 0, false],
      ['gateway-conformance-infra', 'z', 'Service', true, 0, false],
    ])
    assert.deepEqual(zeroWeightRules(refs), [1])
    assert.equal(routeBackendRefs({kind: 'HTTPRoute', metadata: {namespace: 'a'}, spec: {rules: [{backendRefs: [{group: 'example.com', kind: 'Bucket', name: 'b'}]}]}})[0]!.isService, false)
  })
  const from = {group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gateway-conformance-infra'}
  const to = {group: '', kind: 'Service', namespace: 'gateway-conformance-web-backend', name: 'web-backend'}
  const grant = (name: string, namespace: string, spec: ReferenceGrant['spec']): ReferenceGrant => ({kind: 'ReferenceGrant', metadata: {name, namespace}, spec})
  const good = {from: [from], to: [{group: '', kind: 'Service', name: 'web-backend'}]}
  // conformance/tests/httproute-invalid-reference-grant.yaml: each grant is wrong in one way; none permits.
  const invalid: ReferenceGrant[] = [
    grant('reference-grant-wrong-namespace', 'gateway-conformance-infra', good),
    grant('reference-grant-wrong-from-group', 'gateway-conformance-web-backend', {...good, from: [{...from, group: 'not-the-group-youre-looking-for'}]}),
    grant('reference-grant-wrong-from-kind', 'gateway-conformance-web-backend', {...good, from: [{...from, kind: 'Gateway'}]}),
    grant('reference-grant-wrong-from-namespace', 'gateway-conformance-web-backend', {...good, from: [{...from, namespace: 'not-the-namespace-youre-looking-for'}]}),
    grant('reference-grant-wrong-to-group', 'gateway-conformance-web-backend', {...good, to: [{group: 'not-the-group-youre-looking-for', kind: 'Service', name: 'web-backend'}]}),
    grant('reference-grant-wrong-to-kind', 'gateway-conformance-web-backend', {...good, to: [{group: '', kind: 'Secret', name: 'web-backend'}]}),
    grant('reference-grant-wrong-to-name', 'gateway-conformance-web-backend', {...good, to: [{group: '', kind: 'Service', name: 'not-the-service-youre-looking-for'}]}),
  ]
  for (const g of invalid) {
    it(`${g.metadata!.name} does not permit the reference (${CONF}httproute-invalid-reference-grant.go)`, () => assert.equal(permittingGrant([g], from, to), undefined))
  }
  it(`a matching grant in the backend namespace permits it, also without to.name (${CONF}httproute-reference-grant.go)`, () => {
    assert.equal(permittingGrant([...invalid, grant('ok', 'gateway-conformance-web-backend', good)], from, to)?.metadata?.name, 'ok')
    assert.equal(permittingGrant([grant('all', 'gateway-conformance-web-backend', {from: [from], to: [{group: '', kind: 'Service'}]})], from, to)?.metadata?.name, 'all')
  })
})

describe('parentStatuses', () => {
  it('matches status.parents on name, namespace default, sectionName and port', () => {
    const r: HTTPRoute = {
      kind: 'HTTPRoute',
      metadata: {name: 'r', namespace: 'infra'},
      status: {parents: [{parentRef: {name: 'gw', sectionName: 'a'}, controllerName: 'x', conditions: []}, {parentRef: {name: 'gw', namespace: 'infra'}, controllerName: 'y', conditions: []}]},
    }
    assert.deepEqual(parentStatuses(r, {name: 'gw'}).map((p) => p.controllerName), ['y'])
    assert.deepEqual(parentStatuses(r, {name: 'gw', namespace: 'infra', sectionName: 'a'}).map((p) => p.controllerName), ['x'])
    assert.deepEqual(parentStatuses(r, {name: 'gw', port: 80}), [])
  })
})
