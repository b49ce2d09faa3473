import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {probeListener} from '../../../src/analysis/gateway/probe-listener.js'
import {ingressProbeHttpCheck} from '../../../src/checks/ingress/probe-http.js'
import type {IngressTarget} from '../../../src/checks/ingress/target.js'
import {routeProbeHttpCheck} from '../../../src/checks/route/probe-http.js'
import type {RouteTarget} from '../../../src/checks/route/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {Gateway} from '../../../src/cluster/types.js'
import type {CheckContext, CheckResult, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import {gateway, gatewayClass, httpRoute, ingress, ingressClass, traefikController} from '../../helpers/ingress-fixtures.js'
import {backendPods, endpointSlice, namespace, service} from '../../helpers/svc-fixtures.js'

type Answer = Partial<ExecResult>
const status = (code: number): Answer => ({stdout: `netdiag-http ${code}\n`})
const timeout: Answer = {exitCode: 28, stdout: 'netdiag-http 000\n', stderr: 'curl: (28) Connection timed out after 3001 milliseconds\n'}

/** Answers curl by its URL (the last argument); records every command. */
function fakeRunner(byUrl: Record<string, Answer>): ProbeRunner & {ran: string[][]} {
  const ran: string[][] = []
  return {
    ran,
    description: 'debug pod shop/netdiag-ab12cd34-x7k2p on kind-worker',
    details: {node: 'kind-worker'},
    async exec(command) {
      ran.push(command)
      const answer = byUrl[command.at(-1)!] ?? {exitCode: 7, stdout: 'netdiag-http 000\n', stderr: `curl: (7) unexpected ${command.at(-1)}`}
      return {command: command.join(' '), exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 3, ...answer}
    },
  }
}

function context<T>(runner: ProbeRunner, objects: unknown[], target: T, results: Record<string, CheckResult> = {}): CheckContext<T> {
  return {
    view: new SnapshotClusterView(objects as never),
    probes: {source: async () => runner, node: async () => runner},
    target,
    options: {noProbe: false, timeoutMs: 10_000},
    result: (id) => results[id],
    signal: new AbortController().signal,
  }
}

const pods = backendPods()
const traefikService = service({name: 'traefik', namespace: 'traefik', spec: {clusterIP: '10.96.0.80', selector: {'app.kubernetes.io/name': 'traefik'}, ports: [{name: 'web', port: 80, protocol: 'TCP', targetPort: 'http'}]}})
const shop = [namespace('shop'), service(), ...pods, endpointSlice(pods)]
const ingressTarget: IngressTarget = {namespace: 'shop', name: 'web', host: 'shop.example.com', path: '/cart'}

describe('ingress.probe.http', () => {
  const cluster = [...shop, ...traefikController(), traefikService, ingressClass('traefik', 'traefik.io/ingress-controller'), ingress({className: 'traefik'})]
  it("through the controller's own Service with the Host header, and straight to each ready pod", async () => {
    const runner = fakeRunner({'http://10.96.0.80:80/cart': status(200), 'http://10.244.1.23:8080/cart': status(200), 'http://10.244.2.31:8080/cart': status(200)})
    const r = await ingressProbeHttpCheck.run(context(runner, cluster, ingressTarget))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /^http:\/\/shop\.example\.com\/cart through Service traefik\/traefik port web 80 \(10\.96\.0\.80:80\) answered 200/)
    assert.equal(runner.ran.length, 3)
    for (const argv of runner.ran) assert.equal(argv[argv.indexOf('-H') + 1], 'Host: shop.example.com')
    assert.deepEqual(r.objects?.map((o) => `${o.kind}/${o.name}`), ['Ingress/web', 'Pod/backend-6d8f7b9c4-2xkqp', 'Pod/backend-6d8f7b9c4-7mzrt'])
  })
  it('without --host, the Host of the first named rule host (shown in the summary)', async () => {
    const runner = fakeRunner({'http://10.96.0.80:80/': status(200)})
    const r = await ingressProbeHttpCheck.run(context(runner, cluster, {namespace: 'shop', name: 'web'}))
    assert.equal(runner.ran[0]![runner.ran[0]!.indexOf('-H') + 1], 'Host: shop.example.com')
    assert.match(r.summary, /^http:\/\/shop\.example\.com\/ through/)
  })
  it('a controller that times out towards the backends while the pods answer: the hop between them, with the policy verdict', async () => {
    const runner = fakeRunner({'http://10.96.0.80:80/cart': status(504), 'http://10.244.1.23:8080/cart': status(200), 'http://10.244.2.31:8080/cart': status(200)})
    const r = await ingressProbeHttpCheck.run(context(runner, cluster, ingressTarget, {'ingress.policy': {status: 'fail', summary: 'blocked'}}))
    assert.equal(r.status, 'fail')
    assert.equal((r.details as {hop: string}).hop, 'controller-to-backend')
    assert.match(r.summary, /as the NetworkPolicy check says/)
  })
  it('https: SNI and Host through --resolve, on the Service port 443', async () => {
    const tlsService = service({name: 'traefik', namespace: 'traefik', spec: {clusterIP: '10.96.0.80', selector: {'app.kubernetes.io/name': 'traefik'}, ports: [{name: 'websecure', port: 443, protocol: 'TCP', targetPort: 8443}]}})
    const runner = fakeRunner({'https://shop.example.com:443/cart': status(200)})
    const r = await ingressProbeHttpCheck.run(context(runner, [...shop, ...traefikController(), tlsService, ingressClass('traefik', 'traefik.io/ingress-controller'), ingress({className: 'traefik'})], {...ingressTarget, scheme: 'https'}))
    const argv = runner.ran[0]!
    assert.equal(argv[argv.indexOf('--resolve') + 1], 'shop.example.com:443:10.96.0.80')
    assert.equal(r.status, 'pass', r.summary)
  })
  it('no controller Service: the published address; no address at all: a warn that says why', async () => {
    const noService = [...shop, ...traefikController(), ingressClass('traefik', 'traefik.io/ingress-controller')]
    const runner = fakeRunner({'http://172.18.0.240:80/cart': status(404), 'http://10.244.1.23:8080/cart': status(200), 'http://10.244.2.31:8080/cart': status(200)})
    const published = await ingressProbeHttpCheck.run(context(runner, [...noService, ingress({className: 'traefik'})], ingressTarget))
    assert.equal(published.status, 'fail')
    assert.match(published.summary, /through the published address \(status\.loadBalancer\) \(172\.18\.0\.240:80\) answered 404: the controller has no route/)
    const none = await ingressProbeHttpCheck.run(context(fakeRunner({}), [...noService, ingress({className: 'traefik', address: null})], ingressTarget))
    assert.equal(none.status, 'warn')
    assert.match(none.summary, /no Service in traefik selects controller pod traefik-5f6d8c7b9-m4x2n on a http port, and the Ingress has no published address/)
  })
})

describe('route.probe.http', () => {
  const routeTarget: RouteTarget = {namespace: 'shop', name: 'store', kind: 'HTTPRoute'}
  const cluster = [...shop, ...traefikController(), gatewayClass(), gateway(), httpRoute({hostnames: ['*.example.com', 'store.example.com']})]
  it("to the Gateway's status address on the listener's port, Host from the route's first concrete hostname", async () => {
    const runner = fakeRunner({'http://172.18.0.241:80/': status(200), 'http://10.244.1.23:8080/': status(200), 'http://10.244.2.31:8080/': status(200)})
    const r = await routeProbeHttpCheck.run(context(runner, cluster, routeTarget))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /^http:\/\/store\.example\.com\/ through Gateway shop\/public listener web \(172\.18\.0\.241:80\) answered 200/)
    assert.equal(runner.ran[0]![runner.ran[0]!.indexOf('-H') + 1], 'Host: store.example.com')
  })
  it('500 through the Gateway is the invalid-backendRefs answer', async () => {
    const r = await routeProbeHttpCheck.run(context(fakeRunner({'http://172.18.0.241:80/': status(500)}), cluster, routeTarget))
    assert.equal(r.status, 'fail')
    assert.equal((r.details as {hop: string}).hop, 'routing')
  })
  it('a controller address that does not answer', async () => {
    const r = await routeProbeHttpCheck.run(context(fakeRunner({'http://172.18.0.241:80/': timeout, 'http://10.244.1.23:8080/': status(200), 'http://10.244.2.31:8080/': status(200)}), cluster, routeTarget))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /failed: timeout \(Connection timed out after 3001 milliseconds\); the controller's address does not answer/)
  })
  it('a GRPCRoute is not probed with curl', async () => {
    const r = await routeProbeHttpCheck.run(context(fakeRunner({}), cluster, {...routeTarget, kind: 'GRPCRoute'}))
    assert.equal(r.status, 'skip')
    assert.equal(r.skippedBecause, 'not-applicable')
  })
})

describe('probeListener', () => {
  const gw = gateway({listeners: [
    {name: 'web', port: 8000, protocol: 'HTTP'},
    {name: 'restricted', port: 8000, protocol: 'HTTP', hostname: 'restricted.netdiag.test'},
    {name: 'tls', port: 8443, protocol: 'HTTPS', hostname: '*.netdiag.test'},
    {name: 'tcp', port: 9000, protocol: 'TCP'},
  ]}) as Gateway
  const ref = {name: 'public'}
  const cases: Array<[string, Parameters<typeof probeListener>[1], Parameters<typeof probeListener>[2], string[] | undefined, string | undefined, string | undefined]> = [
    ['sectionName picks the listener; its hostname is the Host', {...ref, sectionName: 'restricted'}, {}, undefined, 'restricted', 'restricted.netdiag.test'],
    ['the first HTTP listener for http; a concrete route hostname', ref, {}, ['*.shop.test', 'a.shop.test'], 'web', 'a.shop.test'],
    ['https picks the HTTPS listener; a wildcard listener hostname is not a Host', ref, {scheme: 'https'}, undefined, 'tls', undefined],
    ['the asked host picks the most specific listener hostname that matches', {...ref, port: 8000}, {host: 'restricted.netdiag.test'}, undefined, 'restricted', 'restricted.netdiag.test'],
    ['a host no listener hostname names falls to the listener without one', {...ref, port: 8000}, {host: 'other.test'}, undefined, 'web', 'other.test'],
    ['a TCP listener is never the one', {...ref, sectionName: 'tcp'}, {}, undefined, undefined, undefined],
  ]
  for (const [name, parentRef, request, hostnames, listener, host] of cases) {
    it(name, () => {
      const picked = probeListener(gw, parentRef, request, hostnames)
      assert.equal(picked?.listener.name, listener)
      assert.equal(picked?.host, host)
    })
  }
})
