import nock from 'nock'
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {runCompletion} from '../../../src/completion/main.js'
import {TEST_SERVER, writeKubeconfig} from '../../helpers/kubeconfig.js'

async function complete(words: string[]): Promise<string> {
  let out = ''
  await runCompletion(words, (text) => (out += text))
  return out
}

const list = (kind: string, names: string[]) => ({kind, apiVersion: 'v1', metadata: {}, items: names.map((name) => ({metadata: {name}}))})

describe('completion with live names', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => {
    nock.cleanAll()
    delete process.env.NETDIAG_COMPLETION_TIMEOUT_MS
  })
  after(() => nock.enableNetConnect())

  it("lists Services in -n's namespace for svc", async () => {
    const kubeconfig = writeKubeconfig()
    const scope = nock(TEST_SERVER).get('/api/v1/namespaces/shop/services').reply(200, list('ServiceList', ['backend', 'frontend', 'db']))
    assert.equal(await complete(['svc', '--kubeconfig', kubeconfig, '-n', 'shop', '']), 'backend\ndb\nfrontend\n:4\n')
    scope.done()
  })

  it("lists pods in the context's namespace for path, filtered by the prefix", async () => {
    const kubeconfig = writeKubeconfig({namespace: 'web'})
    const scope = nock(TEST_SERVER).get('/api/v1/namespaces/web/pods').reply(200, list('PodList', ['web-1', 'api-0', 'web-2']))
    assert.equal(await complete(['path', '--kubeconfig', kubeconfig, 'we']), 'web-1\nweb-2\n:4\n')
    scope.done()
  })

  it('lists nodes for node and namespaces for -n', async () => {
    const kubeconfig = writeKubeconfig()
    const scope = nock(TEST_SERVER)
      .get('/api/v1/nodes')
      .reply(200, list('NodeList', ['n1', 'n2']))
      .get('/api/v1/namespaces')
      .reply(200, list('NamespaceList', ['default', 'kube-system']))
    assert.equal(await complete(['node', '--kubeconfig', kubeconfig, '']), 'n1\nn2\n:4\n')
    assert.equal(await complete(['dns', '--kubeconfig', kubeconfig, '--namespace=k']), '--namespace=kube-system\n:4\n')
    scope.done()
  })

  it('lists contexts from the kubeconfig without calling the API', async () => {
    const kubeconfig = writeKubeconfig({extraContexts: ['prod']})
    assert.equal(await complete(['dns', '--kubeconfig', kubeconfig, '--context', '']), 'prod\ntest\n:4\n')
  })

  it('gives up after the timeout with no candidates, never an error', async () => {
    process.env.NETDIAG_COMPLETION_TIMEOUT_MS = '200'
    const kubeconfig = writeKubeconfig()
    nock(TEST_SERVER).get('/api/v1/nodes').delay(5000).reply(200, list('NodeList', ['late']))
    const started = Date.now()
    assert.equal(await complete(['node', '--kubeconfig', kubeconfig, '']), ':4\n')
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
  })

  it('prints no candidates when the API refuses (403) or there is no kubeconfig', async () => {
    const kubeconfig = writeKubeconfig()
    nock(TEST_SERVER).get('/api/v1/nodes').reply(403, {kind: 'Status', reason: 'Forbidden'})
    assert.equal(await complete(['node', '--kubeconfig', kubeconfig, '']), ':4\n')
    assert.equal(await complete(['node', '--kubeconfig', '/nonexistent/config', '']), ':4\n')
  })
})
