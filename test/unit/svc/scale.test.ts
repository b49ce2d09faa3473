import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {svcPlan} from '../../../src/checks/svc/plan.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {runChecks} from '../../../src/engine/engine.js'
import {endpointSlice, kubeProxyConfigMap, kubeProxyDaemonSet, kubeProxyPod, namespace, networkPolicy, pod, service} from '../../helpers/svc-fixtures.js'

// The scale: 10,000 Services, 50,000 pods, 2,000 NetworkPolicies. Time is npm run bench's to measure;
// this pins what keeps it low: the svc analysis lists pods only in the namespaces involved, never cluster-wide.
describe('svc at scale', () => {
  it('answers over 50,000 pods / 10,000 Services / 2,000 policies, listing pods only where it must', async () => {
    const objects: unknown[] = [kubeProxyDaemonSet(), kubeProxyConfigMap(), ...['kind-worker', 'kind-worker2'].map((n) => kubeProxyPod(n))]
    for (let n = 0; n < 200; n++) {
      const ns = `team-${n}`
      objects.push(namespace(ns))
      for (let s = 0; s < 50; s++) {
        const app = `app-${s}`
        const pods = Array.from({length: 5}, (_, i) => pod({name: `${app}-6d8f7b9c4-${i}`, namespace: ns, deployment: app, ip: `10.${n % 250}.${s}.${i + 1}`, node: i % 2 ? 'kind-worker' : 'kind-worker2'}))
        objects.push(service({name: app, namespace: ns, spec: {selector: {app}}}), ...pods, endpointSlice(pods, {service: app, namespace: ns, name: `${app}-abcde`}))
      }
      for (let p = 0; p < 10; p++) {
        objects.push(networkPolicy(`allow-${p}`, {podSelector: {matchLabels: {app: `app-${p}`}}, ingress: [{from: [{podSelector: {matchLabels: {app: `app-${p + 1}`}}}], ports: [{port: 8080}]}]}, ns))
      }
    }
    const view = new SnapshotClusterView(objects as never)
    const podLists: Array<string | undefined> = []
    const listPods = view.listPods.bind(view)
    view.listPods = (ns, options) => {
      podLists.push(ns)
      return listPods(ns, options)
    }
    const outcomes = await runChecks(svcPlan(), {view, target: {namespace: 'team-7', name: 'app-3'}, options: {noProbe: true, timeoutMs: 30_000}})
    assert.equal(objects.length > 60_000, true)
    assert.equal(outcomes.find((o) => o.id === 'svc.endpoints')?.status, 'pass', JSON.stringify(outcomes.map((o) => [o.id, o.status, o.summary])))
    assert.equal(outcomes.find((o) => o.id === 'svc.policy')?.status, 'fail')
    assert.ok(podLists.length > 0)
    assert.deepEqual([...new Set(podLists)].sort(), ['kube-system', 'team-7'], 'pods are listed per namespace, never cluster-wide')
  })
})
