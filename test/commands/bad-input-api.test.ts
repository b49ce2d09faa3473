import nock from 'nock'
import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'

import {forbiddenStatus, notFoundStatus} from '../helpers/api-status.js'
import {runDns} from '../helpers/dns-cluster.js'
import {assertOneLineError} from '../helpers/errors.js'
import {TEST_SERVER, TEST_TOKEN, writeKubeconfig} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {node} from '../helpers/path-fixtures.js'
import {run} from '../helpers/run.js'
import {namespace} from '../helpers/svc-fixtures.js'

const COMMANDS: Record<string, string[]> = {
  dns: ['dns', '-n', 'shop'],
  svc: ['svc', 'backend', '-n', 'shop'],
  path: ['path', 'web-1', 'db-0', '-n', 'shop'],
  node: ['node'],
  cleanup: ['cleanup', '-n', 'shop'],
  snapshot: ['snapshot'],
}
const version = () => nock(TEST_SERVER).get('/version').reply(200, {major: '1', minor: '32', gitVersion: 'v1.32.2'})

describe('bad input and API failures at the command level: one line, the DESIGN.md exit code', () => {
  strictNock()

  for (const [command, argv] of Object.entries(COMMANDS).filter(([c]) => ['dns', 'svc', 'path'].includes(c))) {
    it(`${command}: an unknown namespace is exit 2`, async () => {
      const scope = version().get('/api/v1/namespaces/nope').reply(404, notFoundStatus('namespaces', 'nope'))
      const r = await run([...argv.slice(0, -1), 'nope', '--kubeconfig', writeKubeconfig(), '-o', 'json'])
      scope.done()
      assertOneLineError(r, 2, /^namespace "nope" not found; list them with: kubectl get namespaces$/)
    })
  }

  it('node: an unknown --node-namespace for its debug pods is exit 2', async () => {
    const scope = version()
      .get('/api/v1/nodes/kind-worker')
      .reply(200, node({name: 'kind-worker'}))
      .get('/api/v1/namespaces/nope')
      .reply(404, notFoundStatus('namespaces', 'nope'))
    const r = await run(['node', 'kind-worker', '--node-namespace', 'nope', '--kubeconfig', writeKubeconfig(), '-o', 'json'])
    scope.done()
    assertOneLineError(r, 2, /^namespace "nope" not found; list them with: kubectl get namespaces$/)
  })

  for (const command of ['dns', 'svc']) {
    it(`${command} --from-pod: an unknown pod is exit 2`, async () => {
      const scope = version()
        .get('/api/v1/namespaces/shop')
        .reply(200, namespace('shop'))
        .get('/api/v1/namespaces/shop/pods/nope')
        .reply(404, notFoundStatus('pods', 'nope'))
      const r = await run([...COMMANDS[command], '--from-pod', 'nope', '--kubeconfig', writeKubeconfig(), '-o', 'json'])
      scope.done()
      assertOneLineError(r, 2, /^pod "nope" not found in namespace shop; list them with: kubectl get pods -n shop$/)
    })
  }

  for (const [command, argv] of Object.entries(COMMANDS)) {
    it(`${command}: a refused connection (127.0.0.1:1) is exit 3 naming the server`, async () => {
      nock.enableNetConnect('127.0.0.1:1')
      const r = await run([...argv, '--kubeconfig', writeKubeconfig({server: 'https://127.0.0.1:1'})])
      assertOneLineError(r, 3, /^cannot reach https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check that the cluster is running and that --context\/--kubeconfig point at it$/)
    })
  }

  describe('TLS', () => {
    let server: Server
    let url: string
    before(async () => {
      // A plain-HTTP listener where the kubeconfig says https: a real TLS handshake failure.
      server = createServer((_req, res) => res.end('not TLS'))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    after(() => new Promise<void>((resolve) => server.close(() => resolve())))

    it('a real handshake failure is exit 3', async () => {
      nock.enableNetConnect('127.0.0.1')
      const r = await run(['dns', '--kubeconfig', writeKubeconfig({server: url}), '-o', 'json'])
      assertOneLineError(r, 3, new RegExp(`^TLS error talking to ${url.replace(/[.:/]/g, '\\$&')} \\(EPROTO\\): the kubeconfig's certificate-authority does not match the server, or a certificate expired$`))
    })
  })

  it('an expired server certificate is exit 3', async () => {
    const scope = nock(TEST_SERVER).get('/version').replyWithError(Object.assign(new Error('certificate has expired'), {code: 'CERT_HAS_EXPIRED'}))
    const r = await run(['svc', 'backend', '-n', 'shop', '--kubeconfig', writeKubeconfig()])
    scope.done()
    assertOneLineError(r, 3, /^TLS error talking to https:\/\/k8s\.test:6443 \(CERT_HAS_EXPIRED\)/)
  })

  for (const [command, argv] of Object.entries(COMMANDS).filter(([c]) => c !== 'snapshot')) {
    it(`${command}: 401 is exit 3, and the token is never printed`, async () => {
      // 401 has no body.
      const scope = nock(TEST_SERVER).get('/version').reply(401, '')
      const r = await run([...argv, '--kubeconfig', writeKubeconfig()])
      scope.done()
      assertOneLineError(r, 3, /^the API server rejected our credentials \(401 Unauthorized\) while trying to get version: the token or client certificate in the kubeconfig is expired or invalid; log in again$/)
      assert.doesNotMatch(r.stderr, new RegExp(TEST_TOKEN))
    })
  }

  it('403 on the namespace itself: the command cannot proceed, exit 3 naming the verb and resource', async () => {
    const scope = version().get('/api/v1/namespaces/shop').reply(403, forbiddenStatus('namespaces', 'get', {name: 'shop'}))
    const r = await run(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json'])
    scope.done()
    assertOneLineError(r, 3, /^forbidden: cannot get namespaces\/shop \(403\): ask for RBAC permission to get namespaces cluster-wide$/)
  })

  it('403 on one list the access review allowed: those checks say error/forbidden naming the verb and resource; the others run', async () => {
    const r = await runDns({policies: 'forbidden'})
    for (const id of ['dns.policy', 'dns.policy-enforcement']) {
      const check = r.check(id)
      assert.equal(check.status, 'error', id)
      assert.equal(check.skippedBecause, 'forbidden', id)
      assert.equal(check.summary, 'forbidden: cannot list networkpolicies in namespace shop (403): ask for RBAC permission to list networkpolicies in namespace shop')
      assert.deepEqual(check.details.forbidden, {verb: 'list', resource: 'networkpolicies', namespace: 'shop'})
    }
    assert.equal(r.check('dns.pods').status, 'pass')
    assert.equal(r.report.status, 'error')
    assert.equal(r.report.diagnosis.rootCause, null)
    // A report with an error and no failure exits 1 (exitCodeFor); see the report for why that is questionable.
    assert.equal(r.exitCode, 1)
  })
})
