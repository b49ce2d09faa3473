// The svc checks that need a Service's backends (svc.selector, svc.type, svc.ports) share one selector lookup per
// run: a sweep over 10,000 Services pays one filtered list per Service, not three. Pinned by counting the view's
// labelled pod lists on examples/shop.json (kube-system/kube-dns selects the CoreDNS pods).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {SERVICE_CHECKS} from '../../../src/checks/scan/sweep.js'
import {selectedPods} from '../../../src/checks/svc/facts.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {ClusterView} from '../../../src/cluster/view.js'
import {runChecks} from '../../../src/engine/engine.js'

const SHOP = fileURLToPath(new URL('../../../examples/shop.json', import.meta.url))

function countingView(): {view: ClusterView; selectorLists: string[]} {
  const base = SnapshotClusterView.fromFiles([SHOP])
  const selectorLists: string[] = []
  const view = new Proxy(base, {
    get(target, key) {
      const value = Reflect.get(target, key, target)
      if (key !== 'listPods') return typeof value === 'function' ? value.bind(target) : value
      return (namespace: string | undefined, options?: {labelSelector?: string}) => {
        if (options?.labelSelector) selectorLists.push(`${namespace} ${options.labelSelector}`)
        return base.listPods(namespace, options)
      }
    },
  })
  return {view, selectorLists}
}

describe('selectedPods: one lookup per selector and run', () => {
  it('the svc checks of one Service list its backends once', async () => {
    const {view, selectorLists} = countingView()
    const outcomes = await runChecks(SERVICE_CHECKS, {view, target: {namespace: 'kube-system', name: 'kube-dns'}, options: {noProbe: true, timeoutMs: 10_000}})
    assert.deepEqual(outcomes.filter((o) => ['svc.selector', 'svc.type', 'svc.ports'].includes(o.id)).map((o) => o.status === 'skip'), [false, false, false])
    assert.deepEqual(selectorLists, ['kube-system k8s-app=kube-dns'])
  })

  it('the shared list cannot be reordered by a check', async () => {
    const {view} = countingView()
    const service = await view.getService('kube-system', 'kube-dns')
    const pods = await selectedPods(view, {namespace: 'kube-system', name: 'kube-dns'}, service!)
    assert.ok(pods.length > 0)
    assert.throws(() => (pods as unknown[]).sort())
  })
})
