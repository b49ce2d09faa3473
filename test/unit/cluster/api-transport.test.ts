import nock from 'nock'
import assert from 'node:assert/strict'
import {Agent as HttpAgent, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {Agent} from 'node:https'
import {after, afterEach, before, describe, it} from 'node:test'
import {gzipSync} from 'node:zlib'

import {RawApiClient} from '../../../src/cluster/api-client.js'
import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import {sharedAgent} from '../../../src/cluster/shared-agent.js'
import {TEST_SERVER, TEST_TOKEN, writeKubeconfig} from '../../helpers/kubeconfig.js'

describe('shared agent', () => {
  it('keeps one keep-alive agent while the TLS material is the same bytes, and a new one when it changes', () => {
    const owner = {}
    // KubeConfig reads its files again for every request: equal content arrives in new buffers.
    const first = sharedAgent(owner, new Agent({ca: Buffer.from('ca-1'), rejectUnauthorized: false})) as Agent & {keepAlive?: boolean; options: {keepAlive?: boolean}}
    const again = sharedAgent(owner, new Agent({ca: Buffer.from('ca-1'), rejectUnauthorized: false}))
    const rotated = sharedAgent(owner, new Agent({ca: Buffer.from('ca-2'), rejectUnauthorized: false}))
    assert.strictEqual(again, first)
    assert.notStrictEqual(rotated, first)
    assert.equal(first.options.keepAlive, true)
    assert.equal(sharedAgent({}, new Agent({rejectUnauthorized: true})) instanceof Agent, true)
  })

  it('leaves agents that are not https agents (plain http, proxies it does not know) as they come', () => {
    const plain = new HttpAgent()
    assert.strictEqual(sharedAgent({}, plain), plain)
    assert.equal(sharedAgent({}, undefined), undefined)
  })
})

describe('RawApiClient transport', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('asks for gzip and reads a gzipped answer (the API server compresses large lists)', async () => {
    const body = JSON.stringify({kind: 'PodList', items: Array.from({length: 50}, (_, i) => ({metadata: {name: `p${i}`}}))})
    const scope = nock(TEST_SERVER, {reqheaders: {'accept-encoding': /gzip/, authorization: `Bearer ${TEST_TOKEN}`}})
      .get('/api/v1/pods')
      .reply(200, gzipSync(body), {'Content-Encoding': 'gzip', 'Content-Type': 'application/json'})
    const api = new RawApiClient(loadConnection({kubeconfig: writeKubeconfig()}))
    const list = await api.get<{items: unknown[]}>('/api/v1/pods')
    assert.equal(list.items.length, 50)
    scope.done()
  })

  it('sends each impersonated group as its own header line, with the token', async () => {
    // A real server: only the raw header lines show whether the groups were sent apart or joined into one.
    nock.enableNetConnect('127.0.0.1')
    let raw: string[] = []
    const server = createServer((req, res) => ((raw = req.rawHeaders), res.setHeader('Content-Type', 'application/json'), res.end('{"gitVersion":"v1.32.4"}')))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const api = new RawApiClient(loadConnection({kubeconfig: writeKubeconfig({server: `http://127.0.0.1:${port}`}), as: 'jane', asGroups: ['developers', 'oncall']}))
      await api.get('/version')
    } finally {
      server.close()
    }
    const lines = (name: string) => raw.flatMap((value, i) => (i % 2 === 0 && value.toLowerCase() === name ? [raw[i + 1]] : []))
    assert.deepEqual(lines('impersonate-group'), ['developers', 'oncall'])
    assert.deepEqual(lines('impersonate-user'), ['jane'])
    assert.deepEqual(lines('authorization'), [`Bearer ${TEST_TOKEN}`])
  })

  it('throws the API status for an error answer, with the body and status', async () => {
    nock(TEST_SERVER).get('/api/v1/namespaces/x').reply(404, {kind: 'Status', reason: 'NotFound', code: 404})
    const api = new RawApiClient(loadConnection({kubeconfig: writeKubeconfig()}))
    await assert.rejects(api.get('/api/v1/namespaces/x'), (error: {code?: number; body?: string}) => error.code === 404 && /NotFound/.test(String(error.body)))
  })
})
