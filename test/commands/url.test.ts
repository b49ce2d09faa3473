import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {fakeApi} from '../helpers/fake-api.js'
import {backendService, gateway, gatewayClass, httpRoute, ingress, ingressClass, nginxController, traefikController} from '../helpers/ingress-fixtures.js'
import {writeKubeconfig} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, endpointSlice, namespace} from '../helpers/svc-fixtures.js'

type Json = Record<string, any>

const pods = backendPods()
const base: Json[] = [namespace('shop'), ingressClass('nginx', 'k8s.io/ingress-nginx', true), ...nginxController(), backendService(), ...pods, endpointSlice(pods as never)]

async function url(objects: Json[], args: string[]) {
  nock.cleanAll()
  fakeApi(objects)
  const result = await run(['url', ...args, '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe'])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  return {...result, report}
}

describe('kubectl netdiag url (nock)', () => {
  strictNock()

  it('finds the Ingress whose rule serves the host and path, in any namespace, and diagnoses it as `ingress`', async () => {
    const r = await url([...base, ingress()], ['http://shop.example.com/cart'])
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.report.command, 'ingress')
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'web', host: 'shop.example.com', path: '/cart', scheme: 'http'})
    assert.ok(r.report.checks.some((c: {id: string}) => c.id === 'ingress.rule'))
  })

  it('finds the HTTPRoute naming the host, and diagnoses it as `route`', async () => {
    const objects = [...base, ...traefikController(), gatewayClass(), gateway(), httpRoute({hostnames: ['store.example.com']})]
    const r = await url(objects, ['https://store.example.com/'])
    assert.equal(r.report.command, 'route', r.stderr)
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'store', host: 'store.example.com', path: '/', scheme: 'https', kind: 'HTTPRoute'})
  })

  it('two objects claiming the URL: exit 2 naming both, and how to diagnose one', async () => {
    const objects = [...base, ingress(), ingress({name: 'web-v2'})]
    const r = await url(objects, ['http://shop.example.com/cart'])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /^error: 2 objects claim http:\/\/shop\.example\.com\/cart: Ingress shop\/web \(rules\[0\]\.http\.paths\[0\]\), Ingress shop\/web-v2 \(rules\[0\]\.http\.paths\[0\]\); diagnose one with: kubectl netdiag ingress web -n shop --url http:\/\/shop\.example\.com\/cart/)
  })

  it('nothing serves the URL: exit 2 with where to look; a bad URL is bad input', async () => {
    const r = await url([...base, ingress()], ['http://other.example.com/', '-n', 'shop'])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /^error: no Ingress rule or HTTPRoute in namespace shop serves http:\/\/other\.example\.com\/; list them with: kubectl get ingress,httproutes -n shop/)
    const bad = await run(['url', 'ftp://x/', '--kubeconfig', writeKubeconfig()])
    assert.equal(bad.exitCode, 2)
    assert.match(bad.stderr, /only http and https are followed/)
  })
})
