import nock from 'nock'
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import {LiveClusterView} from '../../../src/cluster/live-view.js'
import {NetdiagError} from '../../../src/errors.js'
import {TEST_SERVER, TEST_TOKEN, writeKubeconfig} from '../../helpers/kubeconfig.js'

function view() {
  return new LiveClusterView(loadConnection({kubeconfig: writeKubeconfig()}), 2000)
}

describe('LiveClusterView', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('lists with the caller\'s selectors, sends the token, and keeps the wire shape of NetworkPolicy rules', async () => {
    const scope = nock(TEST_SERVER, {reqheaders: {authorization: `Bearer ${TEST_TOKEN}`}})
      .get('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies')
      .query({labelSelector: 'team=a'})
      .reply(200, {
        kind: 'NetworkPolicyList',
        apiVersion: 'networking.k8s.io/v1',
        metadata: {resourceVersion: '1'},
        items: [
          {
            metadata: {name: 'allow-frontend', namespace: 'shop', creationTimestamp: '2026-01-01T00:00:00Z'},
            spec: {podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}]}], policyTypes: ['Ingress']},
          },
        ],
      })
    const policies = await view().listNetworkPolicies('shop', {labelSelector: 'team=a'})
    scope.done()
    assert.equal(policies.length, 1)
    const rule = policies[0].spec!.ingress![0] as Record<string, unknown>
    assert.deepEqual(rule.from, [{podSelector: {matchLabels: {app: 'frontend'}}}])
    assert.equal(policies[0].kind, 'NetworkPolicy')
    assert.equal(policies[0].metadata!.creationTimestamp, '2026-01-01T00:00:00Z' as unknown as Date)
  })

  it('makes each distinct call once per run', async () => {
    const scope = nock(TEST_SERVER).get('/api/v1/namespaces/shop/pods').query({labelSelector: 'app=web'}).once().reply(200, {items: [{metadata: {name: 'web-1'}}]})
    const v = view()
    const [a, b] = await Promise.all([v.listPods('shop', {labelSelector: 'app=web'}), v.listPods('shop', {labelSelector: 'app=web'})])
    scope.done()
    assert.equal(a, b)
  })

  it('lists cluster-wide only when asked for all namespaces', async () => {
    const scope = nock(TEST_SERVER).get('/api/v1/pods').query({fieldSelector: 'spec.nodeName=node-1'}).reply(200, {items: []})
    assert.deepEqual(await view().listPods(undefined, {fieldSelector: 'spec.nodeName=node-1'}), [])
    scope.done()
  })

  it('returns undefined for a 404 get', async () => {
    const scope = nock(TEST_SERVER)
      .get('/api/v1/namespaces/shop/services/nope')
      .reply(404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'services "nope" not found', reason: 'NotFound', details: {name: 'nope', kind: 'services'}, code: 404})
    assert.equal(await view().getService('shop', 'nope'), undefined)
    scope.done()
  })

  const errorCases: Array<{name: string; reply: [number, unknown]; exitCode: number; kind: string; message: RegExp}> = [
    {
      name: '403 names the verb, resource and namespace',
      reply: [
        403,
        {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'networkpolicies.networking.k8s.io is forbidden: User "dev" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"', reason: 'Forbidden', details: {group: 'networking.k8s.io', kind: 'networkpolicies'}, code: 403},
      ],
      exitCode: 3,
      kind: 'forbidden',
      message: /forbidden: cannot list networkpolicies in namespace shop \(403\): ask for RBAC permission to list networkpolicies in namespace shop/,
    },
    {name: '401 says the credentials are bad', reply: [401, ''], exitCode: 3, kind: 'unauthorized', message: /rejected our credentials \(401 Unauthorized\)/},
    {name: '500 carries the status message', reply: [500, {kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500}], exitCode: 3, kind: 'api', message: /500 InternalError etcdserver: request timed out/},
  ]
  for (const c of errorCases) {
    it(`maps ${c.name}`, async () => {
      nock(TEST_SERVER).get('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies').reply(c.reply[0], c.reply[1] as object)
      await assert.rejects(view().listNetworkPolicies('shop'), (error: unknown) => {
        assert.ok(error instanceof NetdiagError)
        assert.equal(error.exitCode, c.exitCode)
        assert.equal(error.kind, c.kind)
        assert.match(error.message, c.message)
        assert.doesNotMatch(error.message, new RegExp(TEST_TOKEN))
        assert.doesNotMatch(error.message, /\n/)
        return true
      })
    })
  }

  it('maps a refused connection (a real closed port) to exit 3 naming the server', async () => {
    nock.enableNetConnect('127.0.0.1:1')
    const v = new LiveClusterView(loadConnection({kubeconfig: writeKubeconfig({server: 'https://127.0.0.1:1'})}), 2000)
    await assert.rejects(v.info(), (error: unknown) => {
      assert.ok(error instanceof NetdiagError)
      assert.equal(error.exitCode, 3)
      assert.match(error.message, /cannot reach https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/)
      return true
    })
    nock.disableNetConnect()
  })

  it('maps a TLS failure to exit 3', async () => {
    // nock 14 needs an Error object here; a plain object never settles the request.
    nock(TEST_SERVER).get('/version').replyWithError(Object.assign(new Error('certificate has expired'), {code: 'CERT_HAS_EXPIRED'}))
    await assert.rejects(view().info(), (error: unknown) => error instanceof NetdiagError && error.kind === 'tls' && error.exitCode === 3)
  })

  it('gives up on a silent server after the request timeout', async () => {
    nock(TEST_SERVER).get('/version').delay(5000).reply(200, {gitVersion: 'v1.32.1'})
    const v = new LiveClusterView(loadConnection({kubeconfig: writeKubeconfig()}), 200)
    await assert.rejects(v.info(), (error: unknown) => error instanceof NetdiagError && error.kind === 'timeout' && /did not answer within/.test(error.message))
  })

  it('reads the server version and context', async () => {
    nock(TEST_SERVER).get('/version').reply(200, {major: '1', minor: '32', gitVersion: 'v1.32.4'})
    assert.deepEqual(await view().info(), {context: 'test', server: TEST_SERVER, version: 'v1.32.4'})
  })
})
