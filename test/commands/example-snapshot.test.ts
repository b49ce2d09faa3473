import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {describe, it} from 'node:test'

import {failingExampleReport} from '../helpers/example-report.js'

// The README's offline example: the shipped snapshot must keep giving the diagnosis the README shows.
const SNAPSHOT = fileURLToPath(new URL('../../examples/shop.json', import.meta.url))

const report = (argv: string[]) => failingExampleReport(SNAPSHOT, argv)

describe('examples/shop.json (the README example)', () => {
  it('svc backend -n shop: the selector typo, with the Deployment whose pods carry app=backend', async () => {
    const root = (await report(['svc', 'backend', '-n', 'shop'])).diagnosis.rootCause
    assert.equal(root.checkId, 'svc.selector')
    assert.equal(root.summary, 'Service shop/backend selects app=backend-api but no pod in shop matches; pods of Deployment shop/backend carry app=backend')
  })
  it('dns -n shop: the DNS allowance that selects kube-system by a label it lacks', async () => {
    const r = await report(['dns', '-n', 'shop'])
    assert.equal(r.diagnosis.rootCause.checkId, 'dns.policy')
    assert.match(r.diagnosis.rootCause.summary, /namespaceSelector requires name=kube-system but namespace kube-system has labels \{kubernetes.io\/metadata.name=kube-system\}/)
    assert.equal(r.checks.find((c: {id: string}) => c.id === 'dns.probe.internal').skippedBecause, 'offline')
  })
})
