import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {fakeApi, type FakeApiOptions} from '../helpers/fake-api.js'
import {writeTempFile} from '../helpers/files.js'
import {backendService, gateway, gatewayClass, gatewayCondition, grpcRoute, httpRoute, referenceGrant, traefikController} from '../helpers/ingress-fixtures.js'
import {writeKubeconfig} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, endpointSlice, namespace, service} from '../helpers/svc-fixtures.js'

type Json = Record<string, any>

function cluster(overrides: {route?: Json; gateway?: Json; gatewayClass?: Json | null; controller?: Json[]; pods?: Json[]; extra?: Json[]} = {}): Json[] {
  const pods = overrides.pods ?? backendPods()
  return [
    namespace('shop'),
    overrides.route ?? httpRoute(),
    overrides.gateway ?? gateway(),
    ...(overrides.gatewayClass === null ? [] : [overrides.gatewayClass ?? gatewayClass()]),
    ...(overrides.controller ?? traefikController()),
    backendService(),
    ...pods,
    endpointSlice(pods as never),
    ...(overrides.extra ?? []),
  ]
}

async function diagnose(objects: Json[], extra: string[] = [], options: FakeApiOptions = {}, name = 'store') {
  nock.cleanAll()
  const api = fakeApi(objects, options)
  const result = await run(['route', name, '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe', ...extra])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  const statuses = report ? Object.fromEntries(report.checks.map((c: {id: string; status: string}) => [c.id, c.status])) : {}
  return {...result, report, check, statuses, api}
}

describe('kubectl netdiag route (nock)', () => {
  strictNock()

  it('a healthy HTTPRoute: class Accepted, Gateway Programmed, attached, status Accepted, backend ready; exit 0', async () => {
    const r = await diagnose(cluster(), ['--url', 'http://shop.example.com/cart'])
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.report.command, 'route')
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'store', kind: 'HTTPRoute', host: 'shop.example.com', path: '/cart', scheme: 'http'})
    assert.deepEqual(r.statuses, {
      'preflight.access': 'pass',
      'route.gateway-class': 'pass',
      'route.gateway': 'pass',
      'route.controller': 'pass',
      'route.attach': 'pass',
      'route.status': 'pass',
      'route.match': 'pass',
      'route.backend-refs': 'pass',
      'route.backend.service': 'pass',
      'route.backend.port': 'pass',
      'route.backend.selector': 'pass',
      'route.backend.endpoints': 'pass',
      'route.policy': 'pass',
      // --no-probe: the live request and its agreement with the static checks are skipped with the reason
      'route.probe.source': 'skip',
      'route.probe.http': 'skip',
      'route.probe.agreement': 'skip',
    })
    assert.equal(r.check('route.probe.http').skippedBecause, 'no-probe')
    assert.match(r.check('route.gateway').summary, /Gateway shop\/public is Accepted and Programmed at 172\.18\.0\.241; listeners web HTTP\/80/)
    assert.match(r.check('route.match').summary, /a plain GET of \/cart takes rules\[0\]\.matches\[0\] \(PathPrefix \/\)/)
    assert.match(r.check('route.controller').summary, /Traefik \(traefik\.io\/gateway-controller\) runs/)
    const paths = r.api.paths()
    assert.ok(paths.includes('/apis/gateway.networking.k8s.io/v1'), paths.join('\n'))
    assert.ok(paths.includes('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/store'))
    assert.ok(paths.includes('/apis/gateway.networking.k8s.io/v1/gatewayclasses/traefik'))
  })

  it('a listener that does not allow the route namespace: route.attach fails with NotAllowedByListeners', async () => {
    const gw = gateway({namespace: 'infra'})
    const route = httpRoute({parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'infra'}], status: null})
    const r = await diagnose([...cluster({route, gateway: gw}), namespace('infra')])
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'route.attach')
    assert.match(r.check('route.attach').summary, /NotAllowedByListeners: no listener of Gateway infra\/public accepts it: web: allowedRoutes from Same namespace only: the Gateway is in infra, the route in shop/)
    assert.match(r.check('route.attach').remediation, /allowedRoutes\.namespaces\.from: All/)
    assert.equal(r.statuses['route.status'], 'warn')
    assert.match(r.check('route.status').summary, /no controller has written status for parent Gateway infra\/public/)
  })

  it('a namespace Selector on the listener is read against the route namespace labels', async () => {
    const listeners = [{name: 'web', port: 80, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'Selector', selector: {matchLabels: {'shared-gateway': 'true'}}}}}]
    const route = httpRoute({parentRefs: [{name: 'public', namespace: 'infra'}]})
    const denied = await diagnose([...cluster({route, gateway: gateway({namespace: 'infra', listeners})}), namespace('infra')])
    assert.equal(denied.statuses['route.attach'], 'fail')
    assert.match(denied.check('route.attach').summary, /does not match the labels of namespace shop/)
    const objects = cluster({route, gateway: gateway({namespace: 'infra', listeners})}).map((o) => (o.kind === 'Namespace' ? namespace('shop', {'shared-gateway': 'true'}) : o))
    const allowed = await diagnose([...objects, namespace('infra')])
    assert.equal(allowed.statuses['route.attach'], 'pass')
  })

  it('a cross-namespace backendRef without a ReferenceGrant: route.backend-refs fails (RefNotPermitted); the Service is looked up where the ref says', async () => {
    const rules = [{backendRefs: [{name: 'backend', namespace: 'payments', port: 80}]}]
    const objects = [...cluster({route: httpRoute({rules})}), namespace('payments'), {...service({namespace: 'payments'})}]
    const r = await diagnose(objects)
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'route.backend-refs')
    assert.match(r.check('route.backend-refs').summary, /Service payments\/backend:80 .* is in namespace payments, and no ReferenceGrant there permits HTTPRoutes from shop to reach it \(ResolvedRefs=False RefNotPermitted/)
    assert.match(r.check('route.backend-refs').remediation, /kind: ReferenceGrant\n[\s\S]*namespace: payments/)
    assert.ok(r.api.paths().includes('/apis/gateway.networking.k8s.io/v1/namespaces/payments/referencegrants'))
    assert.equal(r.check('route.backend.service').skippedBecause, 'route.backend-refs')

    const granted = await diagnose([...objects, referenceGrant('payments', 'shop', 'backend')])
    assert.equal(granted.statuses['route.backend-refs'], 'pass')
    assert.match(granted.check('route.backend-refs').summary, /permitted by ReferenceGrant payments\/allow-shop/)
    assert.equal(granted.statuses['route.backend.service'], 'pass')
    assert.match(granted.check('route.backend.service').summary, /Service payments\/backend exists/)
    assert.ok(!granted.api.paths().includes('/api/v1/namespaces/shop/services/backend'), 'the backendRef namespace is honoured')
  })

  it('a backendRef to a Service that does not exist fails route.backend.service; all-zero weights fail route.backend-refs', async () => {
    const missing = await diagnose(cluster({route: httpRoute({rules: [{backendRefs: [{name: 'gone', port: 80}]}]})}))
    assert.equal(missing.report.diagnosis.rootCause.checkId, 'route.backend.service')
    assert.match(missing.check('route.backend.service').summary, /Service shop\/gone does not exist/)
    const zero = await diagnose(cluster({route: httpRoute({rules: [{backendRefs: [{name: 'backend', port: 80, weight: 0}]}]})}))
    assert.equal(zero.statuses['route.backend-refs'], 'fail')
    assert.match(zero.check('route.backend-refs').summary, /every backendRef of rules\[0\] has weight 0/)
  })

  it('the controller status reasons are reported, and a status written by a controller that is not running is stale', async () => {
    const status = [{parentRef: {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public'}, controllerName: 'traefik.io/gateway-controller', conditions: [gatewayCondition('Accepted', 'True', 'Accepted'), gatewayCondition('ResolvedRefs', 'False', 'BackendNotFound')]}]
    const live = await diagnose(cluster({route: httpRoute({status})}))
    assert.equal(live.statuses['route.status'], 'fail')
    assert.match(live.check('route.status').summary, /ResolvedRefs=False \(BackendNotFound\) — a backendRef names an object that does not exist/)
    const stale = await diagnose(cluster({route: httpRoute({status}), controller: []}))
    assert.equal(stale.statuses['route.status'], 'warn')
    assert.match(stale.check('route.status').summary, /stale: written by traefik\.io\/gateway-controller, which is not running now/)
    assert.equal(stale.statuses['route.controller'], 'warn')
  })

  it('a GatewayClass nobody accepted is the root cause ahead of the Gateway nobody programmed', async () => {
    const r = await diagnose(cluster({gatewayClass: gatewayClass('traefik', 'traefik.io/gateway-controller', 'False'), gateway: gateway({programmed: false})}))
    assert.equal(r.report.diagnosis.rootCause.checkId, 'route.gateway-class')
    assert.match(r.check('route.gateway-class').summary, /GatewayClass traefik is not accepted: Accepted=False \(InvalidParameters/)
    assert.equal(r.statuses['route.gateway'], 'warn')
  })

  it('a host outside the route hostnames and a path no rule matches fail route.match', async () => {
    const route = httpRoute({hostnames: ['shop.example.com'], rules: [{matches: [{path: {type: 'PathPrefix', value: '/api'}}], backendRefs: [{name: 'backend', port: 80}]}]})
    const host = await diagnose(cluster({route}), ['--url', 'http://www.example.com/api'])
    assert.equal(host.report.diagnosis.rootCause.checkId, 'route.match')
    assert.match(host.check('route.match').summary, /does not serve host www\.example\.com: its hostnames within its listeners are shop\.example\.com/)
    const path = await diagnose(cluster({route}), ['--url', 'http://shop.example.com/apix'])
    assert.match(path.check('route.match').summary, /no rule matches a plain GET of \/apix/)
    assert.equal(path.check('route.backend.service').skippedBecause, 'route.match')
  })

  it('a cluster without the Gateway API CRDs: exit 2 naming the kind; a missing route: exit 2', async () => {
    const r = await diagnose([namespace('shop')], [], {gatewayApi: false})
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /error: the cluster does not serve HTTPRoute\.gateway\.networking\.k8s\.io \(its CRD is not installed\)/)
    const missing = await diagnose([namespace('shop')])
    assert.equal(missing.exitCode, 2)
    assert.match(missing.stderr, /error: HTTPRoute "store" not found in namespace shop/)
  })

  it('a GRPCRoute: the method path picks the rule, the backend is followed; another method matches no rule', async () => {
    const objects = cluster({route: grpcRoute(), gateway: gateway({listeners: [{name: 'grpc', port: 80, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'Same'}, kinds: [{kind: 'GRPCRoute'}]}}]})})
    const ok = await diagnose(objects, ['--kind', 'GRPCRoute', '--path', '/echo.Echo/Say'], {}, 'echo')
    assert.equal(ok.exitCode, 0, ok.stderr)
    assert.equal(ok.report.target.kind, 'GRPCRoute')
    assert.equal(ok.statuses['route.attach'], 'pass')
    assert.match(ok.check('route.match').summary, /^a call of \/echo\.Echo\/Say takes rules\[0\]\.matches\[0\] \(Exact echo\.Echo\/Say\)/)
    assert.equal(ok.statuses['route.backend.endpoints'], 'pass')
    assert.ok(ok.api.paths().includes('/apis/gateway.networking.k8s.io/v1/namespaces/shop/grpcroutes/echo'))
    const other = await diagnose(objects, ['--kind', 'GRPCRoute', '--path', '/echo.Echo/Shout'], {}, 'echo')
    assert.equal(other.exitCode, 1)
    assert.equal(other.report.diagnosis.rootCause.checkId, 'route.match')
    assert.equal(other.statuses['route.backend.service'], 'skip')
  })

  it('a GRPCRoute on a listener whose kinds take only HTTPRoute: NotAllowedByListeners', async () => {
    const objects = cluster({route: grpcRoute(), gateway: gateway({listeners: [{name: 'web', port: 80, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'Same'}, kinds: [{kind: 'HTTPRoute'}]}}]})})
    const r = await diagnose(objects, ['--kind', 'GRPCRoute'], {}, 'echo')
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'route.attach')
    assert.match(r.check('route.attach').summary, /NotAllowedByListeners/)
  })

  it('from a snapshot: Gateway API objects are matched by group and kind (an Istio Gateway of the same name is not it)', async () => {
    const istio = {apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: {name: 'public', namespace: 'shop'}, spec: {servers: []}}
    const file = writeTempFile('route-snapshot.json', JSON.stringify({apiVersion: 'v1', kind: 'List', items: [istio, ...cluster()]}))
    const result = await run(['route', 'store', '-n', 'shop', '--snapshot', file, '-o', 'json'])
    const report = JSON.parse(result.stdout)
    assertValidReport(report)
    const statuses = Object.fromEntries(report.checks.map((c: {id: string; status: string}) => [c.id, c.status]))
    assert.equal(result.exitCode, 0, result.stderr)
    assert.equal(statuses['route.gateway'], 'pass')
    assert.equal(statuses['route.attach'], 'pass')
    assert.equal(statuses['route.backend.endpoints'], 'pass')
  })
})
