import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {describe, it} from 'node:test'

import {failingExampleReport} from '../helpers/example-report.js'

// The README's ingress/route example: the shipped snapshot must keep giving the diagnosis the README shows.
const SNAPSHOT = fileURLToPath(new URL('../../examples/ingress.json', import.meta.url))

const report = (argv: string[]) => failingExampleReport(SNAPSHOT, argv)

describe('examples/ingress.json (the README example)', () => {
  it('ingress web -n shop --url https://shop.example.com/cart: the policy that admits only the frontend blocks the controller', async () => {
    const r = await report(['ingress', 'web', '-n', 'shop', '--url', 'https://shop.example.com/cart'])
    assert.equal(r.diagnosis.rootCause.checkId, 'ingress.policy')
    assert.match(r.diagnosis.rootCause.summary, /^NetworkPolicy shop\/backend-from-frontend blocks ingress to pods of Service shop\/backend .* from controller pod ingress-nginx\/ingress-nginx-controller-7c9f8d6b5-qk2lz$/)
    assert.deepEqual(r.diagnosis.findings, ['ingress.policy', 'ingress.tls.secret'])
  })
  it('route store -n shop: the payments backend has no pods', async () => {
    const r = await report(['route', 'store', '-n', 'shop', '--url', 'http://shop.example.com/pay/checkout'])
    assert.equal(r.diagnosis.rootCause.checkId, 'route.backend.selector')
    assert.equal(r.checks.find((c: {id: string}) => c.id === 'route.backend-refs').status, 'warn')
  })
})
