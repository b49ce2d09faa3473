import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {clusterCidrsFromControllerManager, flagValue, serviceCidrsFromApiServer} from '../../../src/analysis/node/control-plane-flags.js'
import {linkRoles} from '../../../src/analysis/node/link-roles.js'
import {classifySandboxError, sandboxFailures} from '../../../src/analysis/node/sandbox-events.js'
import {rankNodesBySuspicion} from '../../../src/analysis/node/suspicion.js'
import {nodeProbeCniCheck} from '../../../src/checks/node/probe-cni.js'
import {nodeProbeKernelCheck} from '../../../src/checks/node/probe-kernel.js'
import {nodeProbeKubeProxyCheck} from '../../../src/checks/node/probe-kube-proxy.js'
import {nodeProbeMtuCheck} from '../../../src/checks/node/probe-mtu.js'
import {nodeProbeSourceCheck} from '../../../src/checks/node/probe-source.js'
import type {NodeTarget} from '../../../src/checks/node/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import type {IpLink} from '../../../src/probes/net.js'
import {apiServerPod, flannelDaemonSet, kindNodes, kubeProxyConfigMap, kubeProxyDaemonSet, node, sandboxEvent} from '../../helpers/path-fixtures.js'

const fixture = readFileSync(new URL('../../fixtures/node/probe-output/node-script-dash.txt', import.meta.url), 'utf8')
const FIXTURE_NONCE = 'k3x9Qm2Zp7'

/** A node debug pod replaying the real node script output with the nonce of the command it was given. */
function nodeRunner(node: string, transform: (out: string) => string = (s) => s): ProbeRunner & {ran: number} {
  const runner = {
    ran: 0,
    description: `node debug pod kube-system/netdiag-ab12-x on ${node}`,
    details: {node},
    async exec(command: string[]): Promise<ExecResult> {
      runner.ran++
      const nonce = /@@netdiag ([A-Za-z0-9]+)/.exec(command.join(' '))![1]!
      return {command: 'sh -c ...', exitCode: 0, stdout: transform(fixture).replaceAll(FIXTURE_NONCE, nonce), stderr: '', timedOut: false, durationMs: 800}
    },
  }
  return runner
}

function context(objects: unknown[], runners: Record<string, ProbeRunner | Error>, nodes = Object.keys(runners)): CheckContext<NodeTarget> {
  const probes = {
    source: async () => {
      throw new Error('no source for node')
    },
    node: async (name: string) => {
      const r = runners[name]!
      if (r instanceof Error) throw r
      return r
    },
  }
  return {view: new SnapshotClusterView(objects as never), probes, target: {nodes, nodeNamespace: 'kube-system'}, options: {noProbe: false, timeoutMs: 10_000}, result: () => undefined, signal: new AbortController().signal}
}

const cluster = [flannelDaemonSet(), kubeProxyDaemonSet(), kubeProxyConfigMap('iptables'), ...kindNodes()]

describe('node probe checks over the real node script output (flannel conflist, iptables kube-proxy)', () => {
  it('node.probe.source probes each node once, and reports a node whose pod cannot start without failing the others', async () => {
    const worker = nodeRunner('kind-worker')
    const ctx = context(cluster, {'kind-worker': worker, 'kind-worker2': new Error('namespace kube-system rejects the debug pod under Pod Security admission')})
    const r = await nodeProbeSourceCheck.run(ctx)
    assert.equal(r.status, 'warn')
    assert.match(r.summary, /not probed: kind-worker2/)
    const again = await nodeProbeCniCheck.run(ctx)
    assert.equal(worker.ran, 1, 'the node script runs once per node and run')
    assert.match(again.summary, /not probed: kind-worker2/)
  })
  it('node.probe.cni: the active flannel conflist wins over a leftover bridge config (warn)', async () => {
    const r = await nodeProbeCniCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker')}))
    assert.equal(r.status, 'warn', r.summary)
    assert.match(r.summary, /^node kind-worker: 10-flannel\.conflist \(flannel\) sorts first and wins over 99-nonl\.conf \(bridge\)/)
  })
  it('node.probe.cni: with only the flannel conflist: pass, binaries present', async () => {
    const r = await nodeProbeCniCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker', (s) => s.replace('{"cniVersion":"0.3.1","name":"x","type":"bridge"}', '{"cniVersion":"0.3.1","name":"x","type":"flannel"}'))}))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /^kind-worker: 10-flannel\.conflist: flannel -> portmap; binaries present/)
  })
  it('node.probe.cni: a missing bridge binary fails with the runtime\'s words', async () => {
    const r = await nodeProbeCniCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker', (s) => s.replace('BEGIN cni-bin /opt/cni/bin\nbridge\n', 'BEGIN cni-bin /opt/cni/bin\n'))}))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^node kind-worker: 10-flannel\.conflist needs bridge, missing from \/opt\/cni\/bin: pod creation fails with 'failed to find plugin "bridge"'/)
  })
  it('node.probe.kube-proxy: live mode iptables with KUBE-SERVICES rules, but /healthz timed out', async () => {
    const r = await nodeProbeKubeProxyCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker')}))
    assert.equal(r.status, 'warn')
    assert.match(r.summary, /kube-proxy \/healthz on :10256 did not answer/)
  })
  it('node.probe.kernel: ip_forward on, conntrack and rp_filter judged', async () => {
    const r = await nodeProbeKernelCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker')}))
    const codes = ((r.details as {nodes: Record<string, {findings: Array<{code: string}>}>}).nodes['kind-worker']!.findings).map((f) => f.code)
    assert.ok(codes.includes('sysctl.ip-forward-on'), codes.join())
  })
  it('node.probe.kernel: ip_forward=0 is a failure naming the node', async () => {
    const r = await nodeProbeKernelCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker', (s) => s.replace(/(BEGIN sysctl net\/ipv4\/ip_forward\n)1/, '$10'))}))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^node kind-worker: net\.ipv4\.ip_forward = 0/)
  })
  it('node.probe.mtu: judges the fixture interfaces', async () => {
    const r = await nodeProbeMtuCheck.run(context(cluster, {'kind-worker': nodeRunner('kind-worker')}))
    assert.ok(['pass', 'warn', 'fail'].includes(r.status))
    assert.ok((r.details as {interfaces: Record<string, unknown>}).interfaces['kind-worker'])
  })
})

const link = (name: string, mtu: number, extra: Partial<IpLink> = {}): IpLink => ({index: 0, name, mtu, state: 'UP', flags: ['UP'], up: true, ...extra})

describe('linkRoles', () => {
  it('flannel: uplink from the VXLAN device, pod veths by kind', () => {
    const roles = linkRoles([link('lo', 65536), link('eth0', 1500), link('flannel.1', 1450, {kind: 'vxlan', vxlan: {id: 1, port: 8472, dev: 'eth0'}}), link('cni0', 1450, {kind: 'bridge'}), link('veth3a1b', 1500, {kind: 'veth', master: 'cni0'})], 'vxlan')
    assert.equal(roles.uplink?.name, 'eth0')
    assert.equal(roles.overlay?.name, 'flannel.1')
    assert.equal(roles.podMtu, 1500)
  })
  it('kind: the node eth0 is itself a veth but is the uplink; Calico cali* are pod links; tunl0 only for IPIP', () => {
    const links = [link('eth0', 1500, {kind: 'veth'}), link('tunl0', 1480, {kind: 'ipip'}), link('cali12ab', 1480, {kind: 'veth'})]
    assert.equal(linkRoles(links, 'ipip').overlay?.name, 'tunl0')
    assert.equal(linkRoles(links, 'none').overlay, undefined)
    assert.equal(linkRoles(links, 'ipip').uplink?.name, 'eth0')
    assert.deepEqual(linkRoles(links, 'ipip').podLinks.map((l) => l.name), ['cali12ab'])
  })
  it('ens5 and a bond are uplinks; down links are not', () => {
    assert.equal(linkRoles([link('ens5', 9001, {up: false}), link('bond0', 9000)], 'none').uplink?.name, 'bond0')
  })
})

describe('rankNodesBySuspicion', () => {
  it('NotReady, then NetworkUnavailable, then stuck pods, then pressure, then name', () => {
    const nodes = [
      node({name: 'a'}),
      node({name: 'b', pressure: 'DiskPressure'}),
      node({name: 'c', networkUnavailable: true}),
      node({name: 'd', ready: 'False'}),
      node({name: 'e'}),
      node({name: 'f', ready: 'Unknown'}),
    ]
    const ranked = rankNodesBySuspicion(nodes, new Map([['e', 3]]))
    assert.deepEqual(ranked.map((n) => n.name), ['d', 'f', 'c', 'e', 'b', 'a'])
    assert.deepEqual(ranked[3]!.reasons, ['3 pod(s) stuck in ContainerCreating'])
  })
})

describe('control plane flags', () => {
  it('reads --service-cluster-ip-range and --cluster-cidr in both spellings', () => {
    assert.deepEqual(serviceCidrsFromApiServer([apiServerPod('10.96.0.0/16,fd00:10:96::/112')]), ['10.96.0.0/16', 'fd00:10:96::/112'])
    assert.deepEqual(serviceCidrsFromApiServer([]), [])
    assert.equal(flagValue(['kcm', '--cluster-cidr', '10.244.0.0/16'], 'cluster-cidr'), '10.244.0.0/16')
    assert.equal(flagValue(['kcm', '--cluster-cidr', '--x'], 'cluster-cidr'), undefined)
    assert.deepEqual(clusterCidrsFromControllerManager([{spec: {containers: [{name: 'kcm', command: ['kube-controller-manager', '--cluster-cidr=10.244.0.0/16']}]}}]), ['10.244.0.0/16'])
  })
})

describe('sandbox events', () => {
  const cases: Array<[string, string]> = [
    ['Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9c1": plugin type="bridge" name="kindnet" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254', 'ipam-exhausted'],
    ['Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4e0": plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory', 'cni-plugin-failed'],
    ['Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "1ab": failed to find plugin "bridge" in path [/opt/cni/bin]', 'plugin-missing'],
    ['container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized', 'cni-not-initialized'],
    ['Failed to create pod sandbox: rpc error: code = DeadlineExceeded desc = context deadline exceeded', 'other'],
  ]
  for (const [message, kind] of cases) it(kind, () => assert.equal(classifySandboxError(message).kind, kind))
  it('one entry per pod, the newest message, counts summed, node from source.host', () => {
    const older = {...sandboxEvent('api-1', 'kind-worker', 'failed to find plugin "bridge" in path [/opt/cni/bin]'), lastTimestamp: '2026-11-22T09:00:00Z', count: 2}
    const newer = sandboxEvent('api-1', 'kind-worker', 'plugin type="flannel" failed (add): x')
    const failures = sandboxFailures([older, newer, {...newer, reason: 'Scheduled'}])
    assert.equal(failures.length, 1)
    assert.equal(failures[0]!.kind, 'cni-plugin-failed')
    assert.equal(failures[0]!.count, 14)
    assert.equal(failures[0]!.node, 'kind-worker')
  })
})
