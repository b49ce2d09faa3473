import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {endpointsCheck} from '../../../src/checks/svc/endpoints.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {EndpointSlice} from '../../../src/cluster/types.js'
import type {CheckContext} from '../../../src/engine/types.js'
import type {SvcTarget} from '../../../src/checks/svc/target.js'
import {backendPods, endpointSlice, namespace, pod, service} from '../../helpers/svc-fixtures.js'

function run(objects: unknown[]) {
  const ctx: CheckContext<SvcTarget> = {
    view: new SnapshotClusterView(objects as never),
    target: {namespace: 'shop', name: 'backend'},
    options: {noProbe: true, timeoutMs: 10_000},
    result: () => undefined,
    signal: new AbortController().signal,
  }
  return endpointsCheck.run(ctx)
}

/**
 * What the EndpointSlice controller writes for a Service with publishNotReadyAddresses: ready true whatever the
 * pod says, serving from the pod's Ready condition (kubernetes pkg/controller/endpointslice/utils.go,
 * podToEndpoint: `ready := service.Spec.PublishNotReadyAddresses || podutil.IsPodReady(pod)`).
 */
function publishedSlice(pods: ReturnType<typeof backendPods>): EndpointSlice {
  const slice = endpointSlice(pods)
  for (const e of slice.endpoints) e.conditions = {ready: true, serving: e.conditions!.serving, terminating: false}
  return slice
}

describe('svc.endpoints with publishNotReadyAddresses', () => {
  const published = service({spec: {publishNotReadyAddresses: true}})

  it('every backend failing readiness is a failure naming the pods, although the slice says ready', async () => {
    const pods = backendPods('readiness-failing')
    const r = await run([namespace('shop'), published, ...pods, publishedSlice(pods)])
    assert.equal(r.status, 'fail', r.summary)
    assert.match(r.summary, /^Service shop\/backend has publishNotReadyAddresses: true, so its EndpointSlices call every endpoint of port http 80\/TCP ready although no backend passes readiness: backend-6d8f7b9c4-2xkqp: /)
    assert.deepEqual(r.objects?.filter((o) => o.kind === 'Pod').map((o) => o.name), ['backend-6d8f7b9c4-2xkqp', 'backend-6d8f7b9c4-7mzrt'])
  })

  it('one of two failing is a warning', async () => {
    const pods = [backendPods()[0]!, pod({name: 'backend-6d8f7b9c4-7mzrt', node: 'kind-worker2', ip: '10.244.2.31', state: 'readiness-failing'})]
    const r = await run([namespace('shop'), published, ...pods, publishedSlice(pods)])
    assert.equal(r.status, 'warn', r.summary)
    assert.match(r.summary, /1 of 2 endpoints of port http 80\/TCP ready although these fail readiness: backend-6d8f7b9c4-7mzrt/)
  })

  it('all pods ready: passes as before', async () => {
    const pods = backendPods()
    const r = await run([namespace('shop'), published, ...pods, publishedSlice(pods)])
    assert.equal(r.status, 'pass', r.summary)
  })
})
