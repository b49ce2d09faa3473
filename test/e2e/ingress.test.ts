// Ingress and Gateway API on the real API server, with classes whose controllers do not run here (ingress-nginx,
// Envoy Gateway; the Traefik that does run is test/e2e/traefik.test.ts), so only what the API decides is
// asserted: a missing class, a missing Service port, no ready endpoints, no matching rule, listeners that do not
// allow the namespace, a cross-namespace backendRef without a ReferenceGrant; and that the controller check says
// "not found" rather than passing. The Gateway API CRDs come from test/cluster/gateway-crds.sh (up.sh runs it).
// These runs pass --no-probe: test/e2e/traefik.test.ts covers the live request.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {after, before, describe, it} from 'node:test'

import {apply, check, ingressYaml, kubectl, kubectlOk, netdiag, serviceYaml, skipWithoutCluster, waitFor, web, withNamespace} from './helpers.js'

const json = ['-o', 'json', '--no-probe']
const suffix = randomBytes(3).toString('hex')
const CLASS = `e2e-nginx-${suffix}`
const GATEWAY_CLASS = `e2e-gw-${suffix}`

const SHOP_HOST = 'shop.example.com'
const ingress = (options: {className: string; port?: number; tlsSecrets?: string[]}) => ingressYaml({host: SHOP_HOST, ...options})

const gatewayApi = () => kubectl(['get', 'crd', 'httproutes.gateway.networking.k8s.io']).status === 0

describe('e2e: kubectl netdiag ingress', {skip: skipWithoutCluster}, () => {
  before(() => {
    kubectlOk(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${CLASS}
spec:
  controller: k8s.io/ingress-nginx
`)
  })
  after(() => {
    kubectl(['delete', 'ingressclass', CLASS, '--ignore-not-found'])
  })

  it('an Ingress naming a class that does not exist: ingress.class is the root cause', async () => {
    await withNamespace('ing-class', async (namespace) => {
      apply(namespace, serviceYaml('backend') + '---\n' + ingress({className: `missing-${suffix}`}))
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.class')
      assert.match(check(run.report, 'ingress.class').summary, new RegExp(`names IngressClass missing-${suffix}, which does not exist`))
    })
  })

  it('a backend port the Service does not have; the controller is reported not found, never passing', async () => {
    await withNamespace('ing-port', async (namespace) => {
      apply(namespace, web('backend') + '---\n' + serviceYaml('backend') + '---\n' + ingress({className: CLASS, port: 8080}))
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      const run = netdiag(['ingress', 'web', '-n', namespace, '--url', 'http://shop.example.com/', ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.backend.port')
      assert.match(check(run.report, 'ingress.backend.port').summary, new RegExp(`Service ${namespace}/backend has no port 8080`))
      const controller = check(run.report, 'ingress.controller')
      assert.equal(controller.status, 'warn')
      assert.match(controller.summary, /controller k8s\.io\/ingress-nginx \(ingress-nginx\) not found/)
      assert.equal(check(run.report, 'ingress.address').status, 'warn')
    })
  })

  it('a backend whose pods never become ready: ingress.backend.endpoints fails', async () => {
    await withNamespace('ing-ready', async (namespace) => {
      apply(namespace, web('backend', {readinessPath: '/not-there'}) + '---\n' + serviceYaml('backend') + '---\n' + ingress({className: CLASS}))
      await waitFor('a not-ready endpoint', () => kubectlOk(['get', 'endpointslices', '-n', namespace, '-l', 'kubernetes.io/service-name=backend', '-o', 'jsonpath={.items[*].endpoints[*].conditions.ready}']).includes('false'))
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.backend.endpoints')
      assert.match(check(run.report, 'ingress.backend.endpoints').summary, new RegExp(`Service ${namespace}/backend has no ready endpoint for port http 80/TCP`))
    })
  })

  it('TLS Secrets are looked up by metadata, with our credentials: the one that exists passes, the missing one is named', async () => {
    // This GET carries an Accept header of its own; merging headers once dropped the token from it.
    await withNamespace('ing-tls', async (namespace) => {
      kubectlOk(['-n', namespace, 'create', 'secret', 'generic', 'shop-tls', '--type=kubernetes.io/tls', '--from-literal=tls.crt=not-a-cert', '--from-literal=tls.key=not-a-key'])
      apply(namespace, serviceYaml('backend') + '---\n' + ingress({className: CLASS, tlsSecrets: ['shop-tls', 'gone-tls']}))
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      const tls = check(run.report, 'ingress.tls.secret')
      assert.equal(tls.status, 'fail', JSON.stringify(tls))
      assert.match(tls.summary, new RegExp(`^TLS Secret ${namespace}/gone-tls does not exist`))
      assert.deepEqual(tls.details.secrets, [{name: 'shop-tls', exists: true}, {name: 'gone-tls', exists: false}])
      assert.doesNotMatch(run.stdout, /not-a-cert|not-a-key/, 'Secret data is never read')
    })
  })

  it('a host no rule matches: ingress.rule fails and the backends are not followed', async () => {
    await withNamespace('ing-host', async (namespace) => {
      apply(namespace, web('backend') + '---\n' + serviceYaml('backend') + '---\n' + ingress({className: CLASS}))
      const run = netdiag(['ingress', 'web', '-n', namespace, '--url', 'https://www.example.com/cart', ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.rule')
      assert.match(check(run.report, 'ingress.rule').summary, /no rule matches host www\.example\.com \(rules name shop\.example\.com\)/)
      assert.equal(check(run.report, 'ingress.backend.service').skippedBecause, 'ingress.rule')
    })
  })
})

// test/cluster/up.sh installs the CRDs; only a cluster brought up with NETDIAG_GATEWAY_API=0 skips this suite.
const noGatewayApi = process.env.NETDIAG_GATEWAY_API === '0' && !gatewayApi() && 'NETDIAG_GATEWAY_API=0: the cluster has no Gateway API CRDs'

describe('e2e: kubectl netdiag route', {skip: skipWithoutCluster || noGatewayApi}, () => {
  before(() => {
    kubectlOk(['apply', '-f', '-'], `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: ${GATEWAY_CLASS}
spec:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
`)
  })
  after(() => {
    kubectl(['delete', 'gatewayclass', GATEWAY_CLASS, '--ignore-not-found'])
  })

  function gatewayYaml(): string {
    return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
spec:
  gatewayClassName: ${GATEWAY_CLASS}
  listeners:
  - name: web
    port: 80
    protocol: HTTP
`
  }

  function routeYaml(gatewayNamespace: string, backendNamespace?: string): string {
    return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
spec:
  parentRefs:
  - name: public
    namespace: ${gatewayNamespace}
  rules:
  - backendRefs:
    - name: backend
      port: 80${backendNamespace ? `\n      namespace: ${backendNamespace}` : ''}
`
  }

  it('a listener that allows only its own namespace: route.attach fails with NotAllowedByListeners; unreconciled status and class are unknown, not passing', async () => {
    await withNamespace('gw-infra', async (infra) => {
      await withNamespace('gw-app', async (app) => {
        apply(infra, gatewayYaml())
        apply(app, serviceYaml('backend') + '---\n' + routeYaml(infra))
        const run = netdiag(['route', 'store', '-n', app, ...json])
        assert.equal(run.exitCode, 1, run.stderr)
        assert.equal(run.report!.diagnosis.rootCause!.checkId, 'route.attach')
        assert.match(check(run.report, 'route.attach').summary, new RegExp(`NotAllowedByListeners: no listener of Gateway ${infra}/public accepts it: web: allowedRoutes from Same namespace only`))
        assert.equal(check(run.report, 'route.gateway-class').status, 'warn')
        assert.equal(check(run.report, 'route.gateway').status, 'warn')
        assert.equal(check(run.report, 'route.status').status, 'warn')
        assert.match(check(run.report, 'route.controller').summary, /not found/)
      })
    })
  })

  it('a cross-namespace backendRef without a ReferenceGrant: route.backend-refs fails with RefNotPermitted', async () => {
    await withNamespace('gw-route', async (app) => {
      await withNamespace('gw-backend', async (backend) => {
        apply(backend, web('backend') + '---\n' + serviceYaml('backend'))
        apply(app, gatewayYaml() + '---\n' + routeYaml(app, backend))
        const run = netdiag(['route', 'store', '-n', app, ...json])
        assert.equal(run.exitCode, 1, run.stderr)
        assert.equal(run.report!.diagnosis.rootCause!.checkId, 'route.backend-refs')
        assert.match(check(run.report, 'route.backend-refs').summary, new RegExp(`is in namespace ${backend}, and no ReferenceGrant there permits HTTPRoutes from ${app}`))
        apply(backend, `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: from-app
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    namespace: ${app}
  to:
  - group: ""
    kind: Service
`)
        const granted = netdiag(['route', 'store', '-n', app, ...json])
        assert.equal(check(granted.report, 'route.backend-refs').status, 'pass', granted.stdout)
        assert.match(check(granted.report, 'route.backend.service').summary, new RegExp(`Service ${backend}/backend exists`))
      })
    })
  })
})
