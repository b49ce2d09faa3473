import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {pathPodsCheck} from '../../../src/checks/path/pods.js'
import {pathProbeConnectCheck} from '../../../src/checks/path/probe-connect.js'
import {pathProbeMtuCheck} from '../../../src/checks/path/probe-mtu.js'
import {pathProbeTraceCheck} from '../../../src/checks/path/probe-trace.js'
import type {PathTarget} from '../../../src/checks/path/target.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext, CheckResult, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import {db, flannelDaemonSet, kindNodes, namespace, networkPolicy, networkPolicyAgentDaemonSet, pathPod, web} from '../../helpers/path-fixtures.js'

type Answer = Partial<ExecResult>

/** A probe source answering each command line from a function (real iputils / OpenBSD nc output). */
function fakeRunner(answer: (line: string) => Answer | undefined): ProbeRunner & {ran: string[]} {
  const ran: string[] = []
  return {
    ran,
    description: 'ephemeral container netdiag-ab12cd34 in pod shop/web-7d9c6b7f5-x2x8q on kind-worker',
    details: {node: 'kind-worker'},
    async exec(command) {
      const line = command.join(' ')
      ran.push(line)
      const a = answer(line) ?? {exitCode: 1, stderr: `unexpected ${line}`}
      return {command: line, exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 3, ...a}
    },
  }
}

const allTools = {available: {ping: {path: '/bin/ping', busybox: false}, nc: {path: '/usr/bin/nc', busybox: false}, tracepath: {path: '/usr/bin/tracepath', busybox: false}, ip: {path: '/sbin/ip', busybox: false}}, complete: true}
const target: PathTarget = {from: 'shop/web-7d9c6b7f5-x2x8q', to: 'shop/db-0', ports: ['5432/TCP'], portsFrom: 'declared', probeMode: 'ephemeral'}

function context(runner: ProbeRunner, objects: unknown[], t: PathTarget = target, tools: unknown = allTools): CheckContext<PathTarget> {
  return {
    view: new SnapshotClusterView(objects as never),
    probes: {source: async () => runner, node: async () => runner},
    target: t,
    options: {noProbe: false, timeoutMs: 10_000},
    result: (id) => (id === 'path.probe.source' ? ({status: 'pass', summary: '', details: {tools}} as CheckResult) : undefined),
    signal: new AbortController().signal,
  }
}

const enforced = [flannelDaemonSet(), networkPolicyAgentDaemonSet(), ...kindNodes()]
const cluster = [namespace('shop'), web(), db(), ...enforced]
const pingOk = {stdout: 'PING 10.244.2.9 (10.244.2.9) 56(84) bytes of data.\n64 bytes from 10.244.2.9: icmp_seq=1 ttl=62 time=0.412 ms\n\n--- 10.244.2.9 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 1002ms\nrtt min/avg/max/mdev = 0.301/0.412/0.520/0.089 ms\n'}
const pingLost = {exitCode: 1, stdout: 'PING 10.244.2.9 (10.244.2.9) 56(84) bytes of data.\n\n--- 10.244.2.9 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2040ms\n\n'}
const ncOk = {stderr: 'Connection to 10.244.2.9 5432 port [tcp/postgresql] succeeded!\n'}
const ncRefused = {exitCode: 1, stderr: 'nc: connect to 10.244.2.9 port 5432 (tcp) failed: Connection refused\n'}
const ncTimeout = {exitCode: 1, stderr: 'nc: connect to 10.244.2.9 port 5432 (tcp) timed out: Operation now in progress\n'}
const PING = 'ping -c 3 -W 2 -i 0.2 10.244.2.9'
const NC = 'nc -z -v -w 3 10.244.2.9 5432'

describe('path.probe.connect', () => {
  it('timeout where a policy denies: names the policy (policy drop)', async () => {
    const deny = networkPolicy('db-default-deny', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress']})
    const runner = fakeRunner((l) => ({[PING]: pingLost, [NC]: ncTimeout})[l])
    const r = await pathProbeConnectCheck.run(context(runner, [...cluster, deny]))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^TCP 5432 from shop\/web-7d9c6b7f5-x2x8q to shop\/db-0 \(10\.244\.2\.9\) times out, as NetworkPolicy shop\/db-default-deny predicts/)
    assert.deepEqual(r.objects?.at(-1), {kind: 'NetworkPolicy', namespace: 'shop', name: 'db-default-deny'})
    assert.deepEqual(runner.ran, [PING, NC])
  })
  it('refused: nothing listens', async () => {
    const runner = fakeRunner((l) => ({[PING]: pingOk, [NC]: ncRefused})[l])
    const r = await pathProbeConnectCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /refused the connection .*nothing listens on port 5432/)
  })
  it('silent across nodes with no policy: the pod network, naming flannel\'s VXLAN port', async () => {
    const runner = fakeRunner((l) => ({[PING]: pingLost, [NC]: ncTimeout})[l])
    const r = await pathProbeConnectCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /no NetworkPolicy blocks it: the pod network between the nodes drops it \(the node network must allow UDP 8472 \(VXLAN\)\)/)
    assert.equal((r.details as {results: Array<{code: string}>}).results[0]!.code, 'path.pod-network-cross-node')
  })
  it('ping blocked by a ports-only policy while TCP connects: pass', async () => {
    const allow = networkPolicy('db-from-web', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: 'web'}}}], ports: [{protocol: 'TCP', port: 5432}]}]})
    const runner = fakeRunner((l) => ({[PING]: pingLost, [NC]: ncOk})[l])
    const r = await pathProbeConnectCheck.run(context(runner, [...cluster, allow]))
    assert.equal(r.status, 'pass', r.summary)
    assert.match(r.summary, /connects to shop\/db-0 \(10\.244\.2\.9\) port TCP 5432 \(ICMP is filtered/)
    assert.equal((r.details as {ping: {policyAllows: boolean}}).ping.policyAllows, false)
  })
  it('no ports: ICMP only', async () => {
    const runner = fakeRunner((l) => ({[PING]: pingOk})[l])
    const {ports: _ports, ...icmpOnly} = target
    const r = await pathProbeConnectCheck.run(context(runner, cluster, {...icmpOnly, portsFrom: 'none'}))
    assert.equal(r.status, 'pass')
    assert.match(r.summary, /reaches shop\/db-0 \(10\.244\.2\.9\) by ICMP/)
    assert.deepEqual(runner.ran, [PING])
  })
})

function dfPing(limitPayload: number) {
  return (line: string): Answer | undefined => {
    const m = /^ping -c 2 -W 1 -i 0\.2 -M do -s (\d+) 10\.244\.2\.9$/.exec(line)
    if (!m) return undefined
    const size = Number(m[1])
    return size <= limitPayload
      ? {stdout: `PING 10.244.2.9 (10.244.2.9) ${size}(${size + 28}) bytes of data.\n\n--- 10.244.2.9 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 201ms\n`}
      : {exitCode: 1, stdout: `PING 10.244.2.9 (10.244.2.9) ${size}(${size + 28}) bytes of data.\n\n--- 10.244.2.9 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1020ms\n`}
  }
}
const ipLink = (mtu: number) => ({stdout: JSON.stringify([{ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, operstate: 'UNKNOWN'}, {ifindex: 2, link_index: 7, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu, operstate: 'UP', linkinfo: {info_kind: 'veth'}}])})

describe('path.probe.mtu', () => {
  it('pod MTU 1500 over flannel VXLAN where only 1450 passes: MTU mismatch with the numbers', async () => {
    const limit = dfPing(1422)
    const runner = fakeRunner((l) => (l === 'ip -j -d link show' ? ipLink(1500) : limit(l)))
    const r = await pathProbeMtuCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    assert.match(r.summary, /^MTU mismatch: small packets pass but packets above 1450 bytes vanish.*pods send up to 1500/)
    assert.match(r.summary, /flannel vxlan adds 50 bytes per packet/)
    assert.equal((r.details as {pathMtu: number}).pathMtu, 1450)
    assert.match(r.remediation ?? '', /shop\/db-0's MTU is not visible through the API/)
  })
  it('pod MTU 1450 and the path carries it: pass after one full-size probe', async () => {
    const runner = fakeRunner((l) => (l === 'ip -j -d link show' ? ipLink(1450) : dfPing(1422)(l)))
    const r = await pathProbeMtuCheck.run(context(runner, cluster))
    assert.equal(r.status, 'pass', r.summary)
    assert.equal(runner.ran.filter((l) => l.startsWith('ping')).length, 2)
  })
  it('the small and the full-size ping go out together, and no size is pinged twice', async () => {
    const limit = dfPing(1422)
    const base = fakeRunner((l) => (l === 'ip -j -d link show' ? ipLink(1500) : limit(l)))
    let running = 0
    const startedTogether: number[] = []
    const runner: typeof base = {
      ...base,
      async exec(command, options) {
        running++
        startedTogether.push(running)
        await new Promise((resolve) => setTimeout(resolve, 2))
        running--
        return base.exec(command, options)
      },
    }
    const r = await pathProbeMtuCheck.run(context(runner, cluster))
    assert.equal(r.status, 'fail')
    const sizes = (r.details as {tried: Array<{size: number}>}).tried.map((t) => t.size)
    assert.deepEqual(sizes.slice(0, 3), [56, 1472, 548], 'asked for in this order: reachability, full size, the floor')
    assert.equal(new Set(sizes).size, sizes.length, 'each size once')
    assert.equal(base.ran.filter((l) => l.startsWith('ping')).length, sizes.length)
    assert.equal(Math.max(...startedTogether), 2, 'two pings in flight at once, then one at a time')
  })
  it('busybox ping cannot set DF: skipped with the reason', async () => {
    const r = await pathProbeMtuCheck.run(context(fakeRunner(() => undefined), cluster, target, {available: {ping: {path: '/bin/ping', busybox: true}}, complete: true}))
    assert.equal(r.status, 'skip')
    assert.match(r.summary, /busybox ping cannot set Don't Fragment/)
  })
  it('no reply at all: not an MTU verdict', async () => {
    const runner = fakeRunner((l) => (l === 'ip -j -d link show' ? ipLink(1450) : dfPing(0)(l)))
    const r = await pathProbeMtuCheck.run(context(runner, cluster))
    assert.equal(r.status, 'skip')
    assert.match(r.summary, /no ping reply .* even at 56 bytes/)
  })
})

describe('path.probe.trace', () => {
  it('names hops that are nodes and the destination pod', async () => {
    const out = ' 1?: [LOCALHOST]                      pmtu 1450\n 1:  10.244.1.1                                            0.091ms \n 2:  10.244.2.0                                            0.300ms \n 3:  10.244.2.9                                            0.419ms reached\n     Resume: pmtu 1450 hops 3 back 3 \n'
    const runner = fakeRunner((l) => (l === 'tracepath -n -m 8 10.244.2.9' ? {stdout: out} : undefined))
    const r = await pathProbeTraceCheck.run(context(runner, cluster))
    assert.equal(r.status, 'pass')
    assert.match(r.summary, /^3 hop\(s\) to shop\/db-0: 1: 10\.244\.1\.1 -> 2: 10\.244\.2\.0 -> 3: 10\.244\.2\.9 \(pod shop\/db-0\); pmtu 1450/)
  })
  it('same node: nothing to trace', async () => {
    const r = await pathProbeTraceCheck.run(context(fakeRunner(() => undefined), [namespace('shop'), web(), db({node: 'kind-worker'}), ...enforced]))
    assert.equal(r.status, 'skip')
    assert.equal(r.skippedBecause, 'not-applicable')
  })
})

// Dual-stack pods (status.podIPs in the CNI's range order, IPv4 first) and --ip-family.
describe('path over one family (--ip-family)', () => {
  const web6 = () => pathPod({name: 'web-7d9c6b7f5-x2x8q', labels: {app: 'web'}, node: 'kind-worker', ip: '10.244.1.7', ips: ['10.244.1.7', 'fd10:244:0:1::7']})
  const db6 = () => db({ips: ['10.244.2.9', 'fd10:244:0:2::9']})
  const over6: PathTarget = {...target, ipFamily: 'IPv6'}
  it('connects to PODB\'s IPv6 address', async () => {
    const ncOk6 = {stderr: 'Connection to fd10:244:0:2::9 5432 port [tcp/postgresql] succeeded!\n'}
    const ping6 = {stdout: 'PING fd10:244:0:2::9 (fd10:244:0:2::9) 56 data bytes\n64 bytes from fd10:244:0:2::9: icmp_seq=1 ttl=62 time=0.380 ms\n\n--- fd10:244:0:2::9 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 1003ms\nrtt min/avg/max/mdev = 0.301/0.380/0.455/0.063 ms\n'}
    const runner = fakeRunner((l) => ({'ping -c 3 -W 2 -i 0.2 fd10:244:0:2::9': ping6, 'nc -z -v -w 3 fd10:244:0:2::9 5432': ncOk6})[l])
    const r = await pathProbeConnectCheck.run(context(runner, [namespace('shop'), web6(), db6(), ...enforced], over6))
    assert.equal(r.status, 'pass', r.summary)
    assert.ok(runner.ran.every((c) => c.includes('fd10:244:0:2::9')), runner.ran.join('\n'))
  })
  it('without --ip-family, PODA\'s primary family (IPv4)', async () => {
    const runner = fakeRunner((l) => ({[PING]: pingOk, [NC]: ncOk})[l])
    const r = await pathProbeConnectCheck.run(context(runner, [namespace('shop'), web6(), db6(), ...enforced]))
    assert.equal(r.status, 'pass', r.summary)
  })
  it('path.pods: a pod without an IPv6 address fails and is named; with both, the family is said', async () => {
    const missing = await pathPodsCheck.run(context(fakeRunner(() => undefined), [namespace('shop'), web6(), db(), ...enforced], over6))
    assert.equal(missing.status, 'fail')
    assert.equal(missing.summary, 'shop/db-0 (10.244.2.9, node kind-worker2) has no IPv6 address: the pods cannot talk over IPv6 (they share IPv4)')
    assert.deepEqual(missing.objects, [{kind: 'Pod', namespace: 'shop', name: 'db-0'}])
    const both = await pathPodsCheck.run(context(fakeRunner(() => undefined), [namespace('shop'), web6(), db6(), ...enforced], over6))
    assert.equal(both.status, 'pass', both.summary)
    assert.match(both.summary, /both Running, on different nodes, IPv4 and IPv6; probing over IPv6$/)
  })
})
