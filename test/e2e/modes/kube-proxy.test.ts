// kube-proxy's mode (NETDIAG_PROXY_MODE): node reads that mode's real rules per Service; a Service missing from
// one node's nftables maps is named on that node, and svc from a pod there sees the ClusterIP fail.
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, PROBE_IMAGE, sleep, waitFor, web, withNamespace} from '../helpers.js'
import {mode, NODE2, onNode2, unlessMode} from './cluster-mode.js'
import {clientPod} from './pods.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']
const show = (c: unknown) => JSON.stringify(c, null, 2)
const SOURCE: Record<string, RegExp> = {nftables: /nftables maps service-ips and no-endpoint-services of tables ip and ip6 kube-proxy/, iptables: /iptables-(nft-)?save KUBE-SERVICES/}

describe('e2e modes: kube-proxy rules per node', {skip: unlessMode(mode.proxy in SOURCE, 'kube-proxy iptables or nftables')}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it(`node: kube-proxy's mode is read live, and every Service port is in each node's rules`, () => {
    const run = netdiag(['node', ...probe])
    assert.ok(run.report, run.stderr + run.stdout)
    assert.match(check(run.report, 'node.probe.kube-proxy').summary, new RegExp(`netdiag-node2: kube-proxy mode ${mode.proxy}`))
    const rules = check(run.report, 'node.probe.service-rules')
    assert.equal(rules.status, 'pass', show(rules))
    assert.match(rules.summary, /netdiag-node1: all \d+ Service port\(s\) are in /)
    assert.match(rules.summary, SOURCE[mode.proxy]!)
  })

  it('a Service missing from node 2 only (its element deleted from the service-ips map): node names it there, svc from node 2 fails at the ClusterIP', {skip: mode.proxy === 'nftables' ? false : 'nftables mode only'}, async () => {
    await withNamespace('nft-missing', async (namespace) => {
      apply(namespace, web('backend', {replicas: 1}) + `---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]
`)
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      clientPod(namespace, 'client', NODE2)
      const ip = kubectlOk(['-n', namespace, 'get', 'svc', 'backend', '-o', 'jsonpath={.spec.clusterIP}']).trim()
      const list = () => onNode2(['nft', 'list', 'map', 'ip', 'kube-proxy', 'service-ips']).stdout
      await waitFor('node 2 programs the Service', () => list().includes(`${ip} . tcp . 80 :`))
      // the Service must be older than netdiag's sync grace (10s) to be judged
      await sleep(10_000)
      const element = new RegExp(`${ip.replaceAll('.', '\\.')} \\. tcp \\. 80 : goto (\\S+?),?\\s`).exec(list())![1]!
      const removed = onNode2(['nft', 'delete', 'element', 'ip', 'kube-proxy', 'service-ips', `{ ${ip} . tcp . 80 }`])
      assert.equal(removed.status, 0, removed.stderr)
      try {
        const node = netdiag(['node', ...probe])
        assert.ok(node.report, node.stderr + node.stdout)
        const rules = check(node.report, 'node.probe.service-rules')
        assert.equal(rules.status, 'fail', show(rules))
        assert.match(rules.summary, new RegExp(`^node netdiag-node2: 1 of \\d+ Service port\\(s\\) are missing from nftables maps .*: ${namespace}/backend ${ip.replaceAll('.', '\\.')}:80/TCP`))
        assert.deepEqual(rules.objects, [{kind: 'Node', name: NODE2}])
        assert.match(rules.details.nodes['netdiag-node1'].status, /^pass$/)
        const svc = netdiag(['svc', 'backend', '-n', namespace, '--from-pod', 'client', ...probe])
        assert.ok(svc.report, svc.stderr + svc.stdout)
        const connect = check(svc.report, 'svc.connect')
        assert.equal(connect.status, 'fail', show(connect))
        assert.match(connect.summary, /kube-proxy rules on netdiag-node2/)
      } finally {
        // put it back as kube-proxy wrote it, so its next sync (deleting the Service) finds it
        onNode2(['nft', 'add', 'element', 'ip', 'kube-proxy', 'service-ips', `{ ${ip} . tcp . 80 : goto ${element} }`])
      }
    })
  })
})
