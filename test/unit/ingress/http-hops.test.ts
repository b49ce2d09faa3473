import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {controllerServiceAddress} from '../../../src/analysis/ingress/controller-address.js'
import {type HopInput, interpretHops, probeAgreement} from '../../../src/analysis/ingress/http-hops.js'
import type {HttpOutcome} from '../../../src/probes/http.js'
import type {Pod, Service} from '../../../src/cluster/types.js'

const ok = (status: number): HttpOutcome => ({kind: 'response', status})
const err = (error: 'timeout' | 'connect-failed'): HttpOutcome => ({kind: 'error', error, message: 'x'})
const through = (o: HttpOutcome) => ({target: 'Service traefik/traefik port web 80 (10.96.0.80:80)', outcome: o})
const pod = (o: HttpOutcome) => ({target: 'pod web-1 10.244.0.9:8080', outcome: o})

function hop(partial: Partial<HopInput>) {
  return interpretHops({request: 'http://shop.netdiag.test/', direct: [], noReadyBackend: false, policyBlocks: false, ...partial})
}

describe('interpretHops: which hop fails', () => {
  // [case, input, status, hop, summary fragment]
  const cases: Array<[string, Partial<HopInput>, string, string, RegExp]> = [
    ['200 through the controller', {through: through(ok(200)), direct: [pod(ok(200))]}, 'pass', 'none', /answered 200 \(straight to the backend: pod web-1 10\.244\.0\.9:8080: HTTP 200\)/],
    ['a redirect is an answer', {through: through(ok(308))}, 'pass', 'none', /answered 308/],
    ['404 from the controller while the pod answers 200: no route (Traefik for a host no rule serves)', {through: through(ok(404)), direct: [pod(ok(200))]}, 'fail', 'routing', /has no route for this Host and path/],
    ['404 from both: the application answers 404, the route works', {through: through(ok(404)), direct: [pod(ok(404))]}, 'warn', 'backend', /the route works and the application answers 404/],
    ['503 with no ready backend pod (Traefik: no available server)', {through: through(ok(503)), noReadyBackend: true}, 'fail', 'backend', /no ready pod \(no ready backend pod to ask directly\)/],
    ['504 while the pod answers directly, policy says denied', {through: through(ok(504)), direct: [pod(ok(200))], policyBlocks: true}, 'fail', 'controller-to-backend', /answers 200 directly: traffic from the controller's pods to the backends is stopped, as the NetworkPolicy check says/],
    ['502 while the pod answers directly, policy allows', {through: through(ok(502)), direct: [pod(ok(200))]}, 'fail', 'controller-to-backend', /stopped \(straight/],
    ['502 and the pod does not answer either', {through: through(ok(502)), direct: [pod(err('connect-failed'))]}, 'fail', 'backend', /backend does not answer/],
    ['502 without a direct probe', {through: through(ok(502))}, 'fail', 'controller-to-backend', /no answer from the backends/],
    ['the controller address times out', {through: through(err('timeout')), direct: [pod(ok(200))]}, 'fail', 'controller', /failed: timeout \(x\); the controller's address does not answer/],
    ['500 through a Gateway: every backendRef invalid (gateway-api apis/v1/httproute_types.go, HTTPRouteRule.BackendRefs)', {through: through(ok(500)), gatewayApi: true}, 'fail', 'routing', /answers 500 for a rule whose backendRefs are all invalid/],
    ['500 through an Ingress controller is just a status', {through: through(ok(500)), direct: [pod(ok(200))]}, 'fail', 'controller', /answered 500, while the backend pod answers 200/],
    ['another status', {through: through(ok(401)), direct: [pod(ok(200))]}, 'fail', 'controller', /answered 401, while the backend pod answers 200/],
    ['no controller address', {direct: [pod(ok(200))]}, 'warn', 'none', /no in-cluster address of the controller/],
    ['no curl', {through: through({kind: 'unsupported', message: 'curl not found in the probe image'})}, 'warn', 'none', /use --image/],
  ]
  for (const [name, input, status, hopName, summary] of cases) {
    it(name, () => {
      const v = hop(input)
      assert.equal(v.status, status)
      assert.equal(v.hop, hopName)
      assert.match(v.summary, summary)
    })
  }
})

describe('probeAgreement: a contradiction is a finding', () => {
  const policy = {id: 'ingress.policy', summary: 'NetworkPolicy app/deny blocks ...'}
  it('agree: works and nothing fails statically', () => assert.equal(probeAgreement({failed: false, summary: ''}, []).status, 'pass'))
  it('agree: fails and a static check says why', () => {
    const v = probeAgreement({failed: true, summary: ''}, [policy])
    assert.equal(v.status, 'pass')
    assert.match(v.summary, /as the static analysis says \(ingress\.policy\)/)
  })
  it('contradiction: the request works although a static check fails', () => {
    const v = probeAgreement({failed: false, summary: ''}, [policy, {id: 'ingress.rule', summary: 'r'}])
    assert.equal(v.status, 'warn')
    assert.match(v.summary, /^contradiction: the request succeeded, yet ingress\.policy says: NetworkPolicy app\/deny blocks \.\.\. \(and 1 more\)/)
  })
  it('contradiction: the request fails although nothing fails statically', () => {
    const v = probeAgreement({failed: true, summary: 'answered 404'}, [])
    assert.equal(v.status, 'warn')
    assert.match(v.summary, /^contradiction: the static analysis finds nothing wrong, yet the request fails \(answered 404\)/)
  })
})

describe('controllerServiceAddress', () => {
  const traefik: Pod = {
    metadata: {name: 'traefik-1', namespace: 'traefik', labels: {'app.kubernetes.io/name': 'traefik'}},
    spec: {containers: [{name: 'traefik', ports: [{name: 'web', containerPort: 8000}, {name: 'websecure', containerPort: 8443}]}]},
  } as Pod
  const svc = (name: string, namespace: string, selector: Record<string, string> | undefined, ports: Service['spec'] extends infer S ? S extends {ports?: infer P} ? P : never : never, clusterIP = '10.96.0.80'): Service =>
    ({metadata: {name, namespace}, spec: {clusterIP, ...(selector ? {selector} : {}), ports}}) as Service
  const ports = [
    {name: 'web', port: 80, targetPort: 'web'},
    {name: 'websecure', port: 443, targetPort: 'websecure'},
    {name: 'gateway-web', port: 8000, targetPort: 'web'},
  ]
  const main = svc('traefik', 'traefik', {'app.kubernetes.io/name': 'traefik'}, ports)
  it('port 80 for http, 443 for https', () => {
    assert.deepEqual(controllerServiceAddress([main], traefik, {scheme: 'http'}), {address: '10.96.0.80', port: 80, describe: 'Service traefik/traefik port web 80'})
    assert.equal(controllerServiceAddress([main], traefik, {scheme: 'https'})?.port, 443)
  })
  it('a Gateway listener port: the Service port first, then the port it targets on the pod', () => {
    assert.equal(controllerServiceAddress([main], traefik, {scheme: 'http', port: 8000})?.port, 8000)
    const onlyWeb = svc('traefik', 'traefik', {'app.kubernetes.io/name': 'traefik'}, [{name: 'web', port: 80, targetPort: 'web'}])
    assert.equal(controllerServiceAddress([onlyWeb], traefik, {scheme: 'http', port: 8000})?.port, 80)
  })
  it('by port name when there is no 80', () => {
    const named = svc('t', 'traefik', {'app.kubernetes.io/name': 'traefik'}, [{name: 'metrics', port: 9100}, {name: 'http', port: 8080}])
    assert.equal(controllerServiceAddress([named], traefik, {scheme: 'http'})?.port, 8080)
  })
  it('ignores Services that do not select the pod, headless ones, and other namespaces', () => {
    const others = [
      svc('other', 'traefik', {app: 'x'}, ports),
      svc('headless', 'traefik', {'app.kubernetes.io/name': 'traefik'}, ports, 'None'),
      svc('elsewhere', 'shop', {'app.kubernetes.io/name': 'traefik'}, ports),
      svc('noselector', 'traefik', undefined, ports),
    ]
    assert.equal(controllerServiceAddress(others, traefik, {scheme: 'http'}), undefined)
  })
})
