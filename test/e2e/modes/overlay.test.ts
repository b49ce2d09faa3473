// flannel's VXLAN overlay (NETDIAG_CNI=flannel): pod MTU 1450 on a 1500 underlay, the overhead computed for the
// real encapsulation, an MTU that ignores it found; and NetworkPolicies that nothing enforces (NETDIAG_NETPOL=0).
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, netdiag, PROBE_IMAGE, withNamespace} from '../helpers.js'
import {mode, NODE1, NODE2, STATE, unlessMode} from './cluster-mode.js'
import {clientPod} from './pods.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']
const NODE2_CONFLIST = `${STATE}/run/node2/cni/net.d/10-flannel.conflist`
const show = (c: unknown) => JSON.stringify(c, null, 2)

describe('e2e modes: flannel VXLAN overlay', {skip: unlessMode(mode.flannel, 'flannel')}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('node: CNI flannel with VXLAN; pod MTU 1450 = underlay 1500 minus the 50-byte VXLAN overhead, on both nodes', () => {
    const run = netdiag(['node', ...probe])
    assert.ok(run.report, run.stderr + run.stdout)
    assert.match(check(run.report, 'node.cni').summary, /^CNI flannel \(vxlan, 50 bytes per packet/)
    const mtu = check(run.report, 'node.probe.mtu')
    assert.equal(mtu.status, 'pass', show(mtu))
    for (const node of [NODE1, NODE2]) assert.match(mtu.summary, new RegExp(`${node}: pod MTU 1450 matches node MTU 1500 minus VXLAN overhead 50 \\(= 1450\\)`))
    assert.match(mtu.summary, /flannel\.1 1450/)
    assert.equal(check(run.report, 'node.probe.cni').status, 'pass', show(check(run.report, 'node.probe.cni')))
  })

  it('path across the nodes: encapsulated, full-size 1450-byte packets cross; the trace goes through the remote flannel.1', async () => {
    await withNamespace('vxlan-path', async (namespace) => {
      clientPod(namespace, 'a', NODE1)
      clientPod(namespace, 'b', NODE2)
      const run = netdiag(['path', `${namespace}/a`, `${namespace}/b`, ...probe])
      assert.ok(run.report, run.stderr + run.stdout)
      assert.equal(run.exitCode, 0, show(run.report.checks))
      assert.match(check(run.report, 'path.nodes').summary, /CNI flannel \(VXLAN, 50 bytes per packet between nodes\)/)
      assert.match(check(run.report, 'path.probe.mtu').summary, /1422 \+ 28 = 1450 bytes ≥ pod MTU 1450/)
      // hop 2 is node 2's flannel.1, which holds the .0 address of its pod subnet
      assert.match(check(run.report, 'path.probe.trace').summary, /2: 10\.244\.1\.0 -> 3: /)
    })
  })

  it('a CNI MTU that ignores the VXLAN overhead on one node (1500 on a 1500 underlay): node and path name it', async () => {
    const original = readFileSync(NODE2_CONFLIST, 'utf8')
    assert.match(original, /"mtu": 1450/)
    try {
      writeFileSync(NODE2_CONFLIST, original.replace('"mtu": 1450', '"mtu": 1500'))
      await withNamespace('vxlan-mtu', async (namespace) => {
        clientPod(namespace, 'big', NODE2)
        clientPod(namespace, 'peer', NODE1)
        const node = netdiag(['node', NODE2, ...probe])
        assert.ok(node.report, node.stderr + node.stdout)
        const mtu = check(node.report, 'node.probe.mtu')
        assert.equal(mtu.status, 'fail', show(mtu))
        assert.match(mtu.summary, /^node netdiag-node2: pod MTU 1500 exceeds node MTU 1500 minus VXLAN overhead 50 \(= 1450\)/)
        assert.match(check(node.report, 'node.probe.cni').summary, /MTU 1500/)
        assert.equal(node.exitCode, 1)
        // From the pod whose MTU is too big, full-size packets do not fit the tunnel.
        const path = netdiag(['path', `${namespace}/big`, `${namespace}/peer`, ...probe])
        assert.ok(path.report, path.stderr + path.stdout)
        const pathMtu = check(path.report, 'path.probe.mtu')
        assert.equal(pathMtu.status, 'fail', show(pathMtu))
        assert.match(pathMtu.summary, /1450/)
      })
    } finally {
      writeFileSync(NODE2_CONFLIST, original)
    }
  })
})

describe('e2e modes: flannel with no NetworkPolicy enforcer', {skip: unlessMode(mode.flannel && !mode.enforcer, 'flannel without kube-network-policies (NETDIAG_NETPOL=0)')}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('a deny-all policy exists but nothing enforces it: netdiag says so, and the probe proves traffic still flows', async () => {
    await withNamespace('no-enforcer', async (namespace) => {
      apply(namespace, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`)
      clientPod(namespace, 'a', NODE1)
      clientPod(namespace, 'b', NODE2)
      const dns = netdiag(['dns', '-n', namespace, '--from-pod', 'a', ...probe])
      assert.ok(dns.report, dns.stderr + dns.stdout)
      const enforcement = check(dns.report, 'dns.policy-enforcement')
      assert.equal(enforcement.status, 'warn', show(enforcement))
      assert.match(enforcement.summary, new RegExp(`${namespace}/deny-all\\) exist but CNI flannel does not enforce NetworkPolicy: they are decorative`))
      assert.match(check(dns.report, 'dns.policy').summary, /does not enforce NetworkPolicy, so the policy is decorative/)
      assert.equal(check(dns.report, 'dns.probe.internal').status, 'pass', show(check(dns.report, 'dns.probe.internal')))
      const path = netdiag(['path', `${namespace}/a`, `${namespace}/b`, ...probe])
      assert.ok(path.report, path.stderr + path.stdout)
      const policy = check(path.report, 'path.policy')
      assert.notEqual(policy.status, 'fail', show(policy))
      assert.match(policy.summary, /not enforce|decorative|nothing enforces/i)
      assert.equal(check(path.report, 'path.probe.connect').status, 'pass', show(check(path.report, 'path.probe.connect')))
    })
  })
})
