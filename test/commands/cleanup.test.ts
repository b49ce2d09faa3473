import nock from 'nock'
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {debugPod} from '../helpers/pods.js'
import {run} from '../helpers/run.js'

const leftovers = {kind: 'PodList', apiVersion: 'v1', items: [debugPod('netdiag-aa-1', 'shop', 'running'), debugPod('netdiag-bb-2', 'web', 'running')]}

describe('kubectl netdiag cleanup', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('deletes only labelled pods in every namespace with -A', async () => {
    const scope = nock(TEST_SERVER)
      .get('/api/v1/pods')
      .query({labelSelector: 'app.kubernetes.io/managed-by=kubectl-netdiag'})
      .reply(200, leftovers)
      .delete('/api/v1/namespaces/shop/pods/netdiag-aa-1')
      .query({gracePeriodSeconds: '0'})
      .reply(200, {})
      .delete('/api/v1/namespaces/web/pods/netdiag-bb-2')
      .query({gracePeriodSeconds: '0'})
      .reply(200, {})
    const result = await run(['cleanup', '-A', '--kubeconfig', writeKubeconfig()])
    scope.done()
    assert.equal(result.exitCode, 0, result.stderr)
    assert.equal(result.stdout, 'deleted pod shop/netdiag-aa-1\ndeleted pod web/netdiag-bb-2\n')
  })

  it('--dry-run deletes nothing and prints JSON with -o json', async () => {
    const scope = nock(TEST_SERVER)
      .get('/version')
      .reply(200, {gitVersion: 'v1.32.4'})
      .get('/api/v1/namespaces/shop')
      .reply(200, {metadata: {name: 'shop'}})
      .get('/api/v1/namespaces/shop/pods')
      .query({labelSelector: 'app.kubernetes.io/managed-by=kubectl-netdiag'})
      .reply(200, {items: [leftovers.items[0]]})
    const result = await run(['cleanup', '-n', 'shop', '--dry-run', '-o', 'json', '--kubeconfig', writeKubeconfig()])
    assert.equal(result.exitCode, 0, result.stderr)
    const parsed = JSON.parse(result.stdout)
    assert.equal(parsed.kind, 'CleanupResult')
    assert.deepEqual(parsed.deleted.map((p: {name: string}) => p.name), ['netdiag-aa-1'])
    scope.done()
  })

  it('fails with exit 2 for an unknown namespace', async () => {
    nock(TEST_SERVER).get('/version').reply(200, {gitVersion: 'v1.32.4'}).get('/api/v1/namespaces/nope').reply(404, {kind: 'Status', code: 404, reason: 'NotFound'})
    const result = await run(['cleanup', '-n', 'nope', '--kubeconfig', writeKubeconfig()])
    assert.equal(result.exitCode, 2)
    assert.match(result.stderr, /namespace "nope" not found; list them with: kubectl get namespaces/)
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/)
  })
})
