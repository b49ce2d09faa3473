import nock from 'nock'
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {anchorJob, debugPod} from '../helpers/pods.js'
import {run} from '../helpers/run.js'

const leftovers = {kind: 'PodList', apiVersion: 'v1', items: [debugPod('netdiag-aa-1', 'shop', 'running'), debugPod('netdiag-bb-2', 'web', 'running')]}

describe('kubectl netdiag cleanup', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('deletes only labelled pods and anchor Jobs in every namespace with -A', async () => {
    const scope = nock(TEST_SERVER)
      .get('/api/v1/pods')
      .query({labelSelector: 'app.kubernetes.io/managed-by=kubectl-netdiag'})
      .reply(200, leftovers)
      .get('/apis/batch/v1/jobs')
      .query({labelSelector: 'app.kubernetes.io/managed-by=kubectl-netdiag'})
      .reply(200, {kind: 'JobList', apiVersion: 'batch/v1', items: [anchorJob('netdiag-aa-j', 'shop')]})
      .delete('/apis/batch/v1/namespaces/shop/jobs/netdiag-aa-j')
      .query({propagationPolicy: 'Background'})
      .reply(200, {})
      .delete('/api/v1/namespaces/shop/pods/netdiag-aa-1')
      .query({gracePeriodSeconds: '0'})
      .reply(200, {})
      .delete('/api/v1/namespaces/web/pods/netdiag-bb-2')
      .query({gracePeriodSeconds: '0'})
      .reply(200, {})
    const result = await run(['cleanup', '-A', '--kubeconfig', writeKubeconfig()])
    scope.done()
    assert.equal(result.exitCode, 0, result.stderr)
    assert.equal(result.stdout, 'deleted job shop/netdiag-aa-j\ndeleted pod shop/netdiag-aa-1\ndeleted pod web/netdiag-bb-2\n')
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
      .get('/apis/batch/v1/namespaces/shop/jobs')
      .query({labelSelector: 'app.kubernetes.io/managed-by=kubectl-netdiag'})
      .reply(200, {items: [anchorJob('netdiag-aa-j', 'shop')]})
    const result = await run(['cleanup', '-n', 'shop', '--dry-run', '-o', 'json', '--kubeconfig', writeKubeconfig()])
    assert.equal(result.exitCode, 0, result.stderr)
    const parsed = JSON.parse(result.stdout)
    assert.equal(parsed.kind, 'CleanupResult')
    assert.deepEqual(parsed.deleted.map((p: {kind: string; name: string}) => `${p.kind}/${p.name}`), ['Job/netdiag-aa-j', 'Pod/netdiag-aa-1'])
    scope.done()
  })

  it('still deletes the pods when listing Jobs is forbidden (RBAC from before anchor Jobs), and says so with exit 3', async () => {
    const scope = nock(TEST_SERVER)
      .get('/api/v1/pods')
      .query(true)
      .reply(200, {kind: 'PodList', apiVersion: 'v1', items: [leftovers.items[0]]})
      .get('/apis/batch/v1/jobs')
      .query(true)
      .reply(403, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'jobs.batch is forbidden: User "alice" cannot list resource "jobs" in API group "batch" at the cluster scope', reason: 'Forbidden', details: {group: 'batch', kind: 'jobs'}, code: 403})
      .delete('/api/v1/namespaces/shop/pods/netdiag-aa-1')
      .query(true)
      .reply(200, {})
    const result = await run(['cleanup', '-A', '--kubeconfig', writeKubeconfig()])
    scope.done()
    assert.equal(result.exitCode, 3)
    assert.equal(result.stdout, 'deleted pod shop/netdiag-aa-1\n')
    assert.match(result.stderr, /could not list Jobs: .*jobs/)
  })

  it('fails with exit 2 for an unknown namespace', async () => {
    nock(TEST_SERVER).get('/version').reply(200, {gitVersion: 'v1.32.4'}).get('/api/v1/namespaces/nope').reply(404, {kind: 'Status', code: 404, reason: 'NotFound'})
    const result = await run(['cleanup', '-n', 'nope', '--kubeconfig', writeKubeconfig()])
    assert.equal(result.exitCode, 2)
    assert.match(result.stderr, /namespace "nope" not found; list them with: kubectl get namespaces/)
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/)
  })
})
