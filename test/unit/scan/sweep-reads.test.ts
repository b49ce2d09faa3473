// What a sweep reads, not how fast: the structure that keeps `scan -A` linear in the objects it analyses.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {sweep} from '../../../src/checks/scan/sweep.js'
import {OverlayClusterView} from '../../../src/cluster/overlay-view.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {ClusterView} from '../../../src/cluster/view.js'
import {corednsDeployment, corednsPod, kubeDnsService, kubeDnsSlice} from '../../helpers/dns-fixtures.js'
import {backendPods, endpointSlice, namespace, service} from '../../helpers/svc-fixtures.js'

type Json = Record<string, any>

function deployment(name: string, ns: string): Json {
  return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: ns, labels: {app: name}}, spec: {replicas: 1, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'app'}]}}}}
}

/** Every call the sweep makes to the base view, as `method namespace`. */
function recording(view: ClusterView): {view: ClusterView; calls: string[]} {
  const calls: string[] = []
  const proxy = new Proxy(view, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(`${String(property)} ${args.filter((a) => typeof a === 'string').join('/') || '*'}`)
        return value.apply(target, args)
      }
    },
  })
  return {view: proxy, calls}
}

function cluster(): SnapshotClusterView {
  const coredns = [corednsPod(0), corednsPod(1)]
  const backends = backendPods()
  return new SnapshotClusterView([
    namespace('kube-system'),
    namespace('shop'),
    namespace('web'),
    corednsDeployment(),
    ...coredns,
    kubeDnsService(),
    kubeDnsSlice(coredns),
    deployment('backend', 'shop'),
    deployment('frontend', 'web'),
    ...backends,
    service({}),
    endpointSlice(backends),
  ] as never)
}

describe('scan -A: what the sweep reads', () => {
  it('Deployments in kube-system only (CoreDNS), not every namespace\'s', async () => {
    const {view, calls} = recording(cluster())
    await sweep(new OverlayClusterView(view, {allNamespaces: true}), {}, {noProbe: true, timeoutMs: 10_000})
    assert.deepEqual([...new Set(calls.filter((c) => c.startsWith('listDeployments')))], ['listDeployments kube-system'])
    // Pods and Services stay one read for every namespace.
    assert.deepEqual([...new Set(calls.filter((c) => c.startsWith('listPods') || c.startsWith('listServices')))].sort(), ['listPods *', 'listServices *'])
  })
  it('each Service once, however many of its checks ask for it', async () => {
    const {view, calls} = recording(cluster())
    await sweep(new OverlayClusterView(view, {allNamespaces: true}), {}, {noProbe: true, timeoutMs: 10_000})
    // (kube-dns is also read by the cluster DNS checks, a constant number of times.)
    assert.deepEqual(calls.filter((c) => c === 'getService shop/backend'), ['getService shop/backend'])
  })
})
