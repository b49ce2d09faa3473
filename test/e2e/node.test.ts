import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {after, describe, it} from 'node:test'

import {assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster} from './helpers.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']

/** The host's default-route interface and its MTU, read with ip(8), independently of netdiag. */
function hostUplink(): {name: string; mtu: number} {
  const route = spawnSync('ip', ['-o', 'route', 'show', 'default'], {encoding: 'utf8'}).stdout
  const name = /\bdev (\S+)/.exec(route)?.[1] ?? ''
  const link = spawnSync('ip', ['-o', 'link', 'show', 'dev', name], {encoding: 'utf8'}).stdout
  return {name, mtu: Number(/\bmtu (\d+)/.exec(link)?.[1])}
}

describe('e2e: kubectl netdiag node', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('the control-plane node: bridge CNI with its MTU, kube-proxy in iptables mode, forwarding on; the node pod is deleted', () => {
    const run = netdiag(['node', 'netdiag-node1', ...probe])
    assert.ok(run.report, run.stderr + run.stdout)
    const report = run.report
    assert.equal(check(report, 'node.ready').status, 'pass')
    const cni = check(report, 'node.probe.cni')
    assert.equal(cni.status, 'pass', JSON.stringify(cni, null, 2))
    assert.match(cni.summary, /bridge/)
    // Judged against what the host itself says: this VM's uplink may well be smaller than the pods' 1500.
    const uplink = hostUplink()
    const mtu = check(report, 'node.probe.mtu')
    const seen = (mtu.details.interfaces as Record<string, {uplink: string; uplinkMtu: number; podMtu: number}>)['netdiag-node1']!
    assert.deepEqual({uplink: seen.uplink, uplinkMtu: seen.uplinkMtu, podMtu: seen.podMtu}, {uplink: uplink.name, uplinkMtu: uplink.mtu, podMtu: 1500})
    if (uplink.mtu < 1500) {
      assert.equal(mtu.status, 'fail', JSON.stringify(mtu, null, 2))
      assert.match(mtu.summary, new RegExp(`pod MTU 1500 exceeds node MTU ${uplink.mtu}`))
    } else {
      assert.equal(mtu.status, 'pass', JSON.stringify(mtu, null, 2))
    }
    const proxy = check(report, 'node.probe.kube-proxy')
    assert.equal(proxy.status, 'pass', JSON.stringify(proxy, null, 2))
    assert.match(proxy.summary, /iptables/)
    assert.match(check(report, 'node.kube-proxy').summary, /iptables/)
    const kernel = check(report, 'node.probe.kernel')
    assert.notEqual(kernel.status, 'error', JSON.stringify(kernel, null, 2))
    assert.match(kernel.summary, /net.ipv4.ip_forward = 1;/)
    assert.equal(run.exitCode, report.status === 'fail' ? 1 : 0)
  })

  it('every node, probed in parallel: both nodes appear with their pod CIDRs', () => {
    const run = netdiag(['node', ...probe])
    assert.ok(run.report, run.stderr + run.stdout)
    const nodes = run.report.target.nodes as string[]
    assert.deepEqual([...nodes].sort(), kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}']).trim().split(/\s+/).sort())
    const cidrs = JSON.stringify(check(run.report, 'node.cidrs'))
    assert.match(cidrs, /10\.244\.0\.0\/24/)
    assert.match(cidrs, /10\.244\.1\.0\/24/)
    assert.equal(check(run.report, 'node.probe.cni').status, 'pass', JSON.stringify(check(run.report, 'node.probe.cni'), null, 2))
  })

  it('--no-probe creates no pod and still reads the API view', () => {
    const run = netdiag(['node', 'netdiag-node2', '--no-probe', '-o', 'json'])
    assert.ok(run.report, run.stderr)
    assert.equal(check(run.report, 'node.probe.cni').skippedBecause, 'no-probe')
    assert.equal(check(run.report, 'node.ready').status, 'pass')
  })
})
