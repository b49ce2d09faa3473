import nock from 'nock'
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import {LiveClusterView} from '../../../src/cluster/live-view.js'
import {NotServedError} from '../../../src/cluster/not-served.js'
import {captureRoutingObjects} from '../../../src/cluster/snapshot-capture-routing.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {TEST_SERVER, writeKubeconfig} from '../../helpers/kubeconfig.js'
import {forbiddenStatus} from '../../helpers/api-status.js'
import {gateway, gatewayClass, httpRoute, ingress, ingressClass, referenceGrant} from '../../helpers/ingress-fixtures.js'
import {fakeApi} from '../../helpers/fake-api.js'

const view = () => new LiveClusterView(loadConnection({kubeconfig: writeKubeconfig()}), 2000)

describe('ClusterView: Ingress and Gateway API', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('live: a Gateway API kind the cluster does not serve is NotServedError, never an empty answer', async () => {
    nock(TEST_SERVER).get('/apis/gateway.networking.k8s.io/v1').reply(404, {kind: 'Status', code: 404}).get('/apis/gateway.networking.k8s.io/v1beta1').reply(404, {kind: 'Status', code: 404})
    await assert.rejects(view().getRoute('HTTPRoute', 'shop', 'store'), (e: unknown) => e instanceof NotServedError && /HTTPRoute\.gateway\.networking\.k8s\.io/.test((e as Error).message))
  })

  it('live: ReferenceGrant served only at v1beta1 is read there', async () => {
    const scope = nock(TEST_SERVER)
      .get('/apis/gateway.networking.k8s.io/v1')
      .reply(200, {kind: 'APIResourceList', groupVersion: 'gateway.networking.k8s.io/v1', resources: [{name: 'httproutes', kind: 'HTTPRoute'}]})
      .get('/apis/gateway.networking.k8s.io/v1beta1')
      .reply(200, {kind: 'APIResourceList', groupVersion: 'gateway.networking.k8s.io/v1beta1', resources: [{name: 'referencegrants', kind: 'ReferenceGrant'}]})
      .get('/apis/gateway.networking.k8s.io/v1beta1/namespaces/payments/referencegrants')
      .reply(200, {kind: 'ReferenceGrantList', apiVersion: 'gateway.networking.k8s.io/v1beta1', items: [{metadata: {name: 'g', namespace: 'payments'}, spec: {}}]})
    const grants = await view().listReferenceGrants('payments')
    scope.done()
    assert.deepEqual(grants.map((g) => [g.apiVersion, g.kind, g.metadata?.name]), [['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', 'g']])
  })

  it('live: a 403 on a Gateway API list is a forbidden NetdiagError (the checks make it unknown)', async () => {
    nock(TEST_SERVER)
      .get('/apis/gateway.networking.k8s.io/v1')
      .reply(200, {kind: 'APIResourceList', resources: [{name: 'gateways'}]})
      .get('/apis/gateway.networking.k8s.io/v1/namespaces/shop/gateways/public')
      .reply(403, forbiddenStatus('gateways.gateway.networking.k8s.io', 'get', {namespace: 'shop', name: 'public'}))
    await assert.rejects(view().getGateway('shop', 'public'), (e: unknown) => (e as {kind?: string}).kind === 'forbidden')
  })

  it('snapshot: kind and apiVersion group both match (an Istio Gateway is not a Gateway API Gateway)', async () => {
    const istio = {apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: {name: 'public', namespace: 'shop'}}
    const only = new SnapshotClusterView([istio] as never)
    assert.equal(await only.getGateway('shop', 'public'), undefined)
    const both = new SnapshotClusterView([istio, gateway()] as never)
    assert.equal((await both.getGateway('shop', 'public'))?.apiVersion, 'gateway.networking.k8s.io/v1')
    assert.match(both.lacks('IngressClass')?.missing ?? '', /holds no IngressClass/)
    await assert.rejects(both.secretExists(), /snapshots never hold Secrets/)
  })

  it('captureRoutingObjects lists every kind served and names the ones left out', async () => {
    fakeApi([ingress(), ingressClass('nginx', 'k8s.io/ingress-nginx'), gatewayClass(), gateway(), httpRoute(), referenceGrant('payments', 'shop')])
    const all = await captureRoutingObjects(view())
    assert.deepEqual(all.items.map((o) => (o as {kind: string}).kind).sort(), ['Gateway', 'GatewayClass', 'HTTPRoute', 'Ingress', 'IngressClass', 'ReferenceGrant'])
    assert.deepEqual(all.omitted, [])
    nock.cleanAll()
    fakeApi([ingress()], {gatewayApi: false})
    const noGateway = await captureRoutingObjects(view())
    assert.deepEqual(noGateway.items.map((o) => (o as {kind: string}).kind), ['Ingress'])
    assert.equal(noGateway.omitted.length, 5)
  })
})
