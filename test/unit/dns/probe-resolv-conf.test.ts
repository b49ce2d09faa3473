import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {expectedResolvConf} from '../../../src/analysis/dns/resolv-conf.js'
import {probeResolvConfCheck} from '../../../src/checks/dns/probe-resolv-conf.js'
import type {DnsTarget} from '../../../src/checks/dns/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, CheckResult, ProbeRunner} from '../../../src/engine/types.js'

// resolv.conf of a pod whose kubelet's clusterDNS is NodeLocal DNSCache's address (the netdiag test cluster)
const VIA_CACHE = 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 169.254.25.10\noptions ndots:5\n'
const EXPECTED = expectedResolvConf({metadata: {name: 'client', namespace: 'shop'}, spec: {dnsPolicy: 'ClusterFirst', containers: []}}, {clusterDomain: 'cluster.local', clusterDNS: ['10.96.0.10']})

function context(nodeLocal: Record<string, unknown>, node = 'worker-2'): CheckContext<DnsTarget> {
  const runner: ProbeRunner = {
    description: 'pod shop/client',
    details: {node},
    exec: async () => ({command: 'cat /etc/resolv.conf', exitCode: 0, stdout: VIA_CACHE, stderr: '', timedOut: false, durationMs: 5}),
  }
  const results: Record<string, CheckResult> = {
    'dns.pod-config': {status: 'pass', summary: '', details: {expected: EXPECTED, clusterDomain: 'cluster.local'}},
    'dns.nodelocal': {status: 'pass', summary: '', details: nodeLocal},
  }
  return {
    view: new SnapshotClusterView([] as never),
    probes: {source: async () => runner, node: async () => runner},
    target: {namespace: 'shop', fromPod: 'client'} as DnsTarget,
    options: {noProbe: false, timeoutMs: 10_000},
    result: (id) => results[id],
    signal: new AbortController().signal,
  }
}

describe('dns.probe.resolv-conf with NodeLocal DNSCache', () => {
  it('the pod uses the cache address and a cache pod runs on its node: as expected', async () => {
    const r = await probeResolvConfCheck.run(context({installed: true, daemonSet: 'node-local-dns', localIP: '169.254.25.10', nodesWithoutCache: []}))
    assert.equal(r.status, 'pass', r.summary)
  })
  it('no cache pod on the pod\'s node: fail naming the pod, the node and the DaemonSet; the lookups it explains', async () => {
    const r = await probeResolvConfCheck.run(context({installed: true, daemonSet: 'nodelocaldns', localIP: '169.254.25.10', nodesWithoutCache: ['worker-2']}))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^pod shop\/client on worker-2 sends DNS to 169\.254\.25\.10 \(NodeLocal DNSCache\), but no node-local-dns pod is ready on worker-2: nothing answers there/)
    assert.deepEqual(r.objects, [{kind: 'Node', name: 'worker-2'}, {kind: 'DaemonSet', namespace: 'kube-system', name: 'nodelocaldns'}])
    assert.deepEqual((r.details as {explains: string[]}).explains, ['dns.probe.internal', 'dns.probe.search', 'dns.probe.external', 'dns.probe.latency'])
  })
  it('the cache is missing on another node only: not this pod\'s problem', async () => {
    const r = await probeResolvConfCheck.run(context({installed: true, localIP: '169.254.25.10', nodesWithoutCache: ['worker-3']}))
    assert.equal(r.status, 'pass', r.summary)
  })
  it('the cache address is unknown: the link-local nameserver is not taken for the cache (kube-dns was expected)', async () => {
    const r = await probeResolvConfCheck.run(context({installed: true, nodesWithoutCache: ['worker-2']}))
    assert.notEqual(r.status, 'pass', r.summary)
    assert.match(r.summary, /10\.96\.0\.10/)
  })
})
