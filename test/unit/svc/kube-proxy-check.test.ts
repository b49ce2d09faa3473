import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {kubeProxyCheck} from '../../../src/checks/svc/kube-proxy.js'
import type {SvcTarget} from '../../../src/checks/svc/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, ProbeRunner} from '../../../src/engine/types.js'
import {backendPods, endpointSlice, kubeProxyConfigMap, kubeProxyDaemonSet, kubeProxyPod, namespace, service} from '../../helpers/svc-fixtures.js'

const runnerOn = (node: string): ProbeRunner => ({description: `debug pod shop/netdiag-ab12cd34-x7k2p on ${node}`, details: {node}, exec: async () => assert.fail('kube-proxy runs no probe')})

function run(objects: unknown[], probeNode?: string) {
  const ctx: CheckContext<SvcTarget> = {
    view: new SnapshotClusterView(objects as never),
    ...(probeNode ? {probes: {source: async () => runnerOn(probeNode), node: async () => runnerOn(probeNode)}} : {}),
    target: {namespace: 'shop', name: 'backend'},
    options: {noProbe: !probeNode, timeoutMs: 10_000},
    result: () => undefined,
    signal: new AbortController().signal,
  }
  return kubeProxyCheck.run(ctx)
}

describe('svc.kube-proxy: the node the probes run on is on the path', () => {
  const pods = backendPods() // on kind-worker and kind-worker2
  // kube-proxy runs on the backends' nodes, not on kind-worker3, where the debug pod landed.
  const cluster = [namespace('shop'), service(), ...pods, endpointSlice(pods), kubeProxyDaemonSet({ready: 2}), kubeProxyPod('kind-worker'), kubeProxyPod('kind-worker2'), kubeProxyConfigMap()]

  it('kube-proxy missing on the probe node fails naming that node, and explains the DNS and connect failures', async () => {
    const r = await run(cluster, 'kind-worker3')
    assert.equal(r.status, 'fail', r.summary)
    assert.match(r.summary, /^kube-proxy is not ready on the node the probes run on kind-worker3 \(/)
    assert.ok(r.objects?.some((o) => o.kind === 'Node' && o.name === 'kind-worker3'), JSON.stringify(r.objects))
    assert.deepEqual((r.details as {explains: string[]}).explains, ['svc.dns', 'svc.connect'])
  })

  it('probe on a node with kube-proxy: passes', async () => {
    const r = await run(cluster, 'kind-worker')
    assert.equal(r.status, 'pass', r.summary)
  })

  it('without probes (--no-probe, snapshot) only the backends count, as before', async () => {
    const r = await run(cluster)
    assert.equal(r.status, 'pass', r.summary)
  })
})
