import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import type {Report} from '../../src/report/report.js'
import {apply, assertNoNetdiagPodsLeft, kubectl, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, waitFor, web, WEB_IMAGE, withNamespace} from './helpers.js'

/** Faults a user meets, injected one at a time: the root cause must name the cause and its object (issue 13). */
const probe = ['--image', PROBE_IMAGE, '-o', 'json']

function rootCause(report: Report | undefined) {
  assert.ok(report, 'no JSON report')
  assert.ok(report.diagnosis.rootCause, `no root cause; findings ${report.diagnosis.findings.join(', ')}`)
  return report.diagnosis.rootCause
}

function describeReport(report: Report | undefined): string {
  return JSON.stringify({rootCause: report?.diagnosis.rootCause, failing: report?.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error').map((c) => `${c.id} ${c.status}: ${c.summary}`)}, null, 2)
}

function clientPod(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  terminationGracePeriodSeconds: 0
${spec}
  containers:
  - {name: main, image: ${PROBE_IMAGE}, imagePullPolicy: IfNotPresent, command: [sleep, infinity]}
`
}

/** A web server pod `web` (app=web, 8080 as http) pinned to a node. */
function webPodOn(node: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - {name: web, image: ${WEB_IMAGE}, imagePullPolicy: IfNotPresent, args: ["8080"], ports: [{name: http, containerPort: 8080}]}
`
}

describe('e2e: root causes under real faults', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('ExternalName to a name that does not resolve: the target is the cause, not cluster DNS', async () => {
    await withNamespace('extname', async (namespace) => {
      kubectlOk(['create', 'service', 'externalname', 'billing', '-n', namespace, '--external-name', 'billing.nothing.invalid'])
      const run = netdiag(['svc', 'billing', '-n', namespace, ...probe])
      const root = rootCause(run.report)
      assert.equal(root.checkId, 'svc.dns', describeReport(run.report))
      assert.match(root.summary, /cluster DNS answers billing\.\S+ with the CNAME billing\.nothing\.invalid \(ExternalName\), but billing\.nothing\.invalid itself does not resolve/)
      assert.doesNotMatch(root.summary, /cluster DNS is not answering/)
      assert.deepEqual(root.objects, [{kind: 'Service', namespace, name: 'billing'}])
    })
  })

  for (const [what, spec] of [
    ['a pod with dnsPolicy Default', '  dnsPolicy: Default'],
    ['a hostNetwork pod with ClusterFirst', '  hostNetwork: true\n  dnsPolicy: ClusterFirst'],
  ] as const) {
    it(`${what} (the node's resolver): its DNS settings are the root cause, naming the pod`, async () => {
      await withNamespace('podpolicy', async (namespace) => {
        apply(namespace, clientPod('client', spec))
        kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/client'])
        const run = netdiag(['dns', '-n', namespace, '--from-pod', 'client', '--external-name=none', ...probe])
        assert.equal(run.exitCode, 1, run.stderr)
        const root = rootCause(run.report)
        assert.equal(root.checkId, 'dns.pod-config', describeReport(run.report))
        assert.match(root.summary, new RegExp(`pod ${namespace}/client resolves through the node's resolv.conf`))
        assert.deepEqual(root.objects, [{kind: 'Pod', namespace, name: 'client'}])
        assert.match(root.remediation ?? '', /dnsPolicy: ClusterFirst/)
      })
    })
  }

  it('a pod whose nameserver is a NodeLocal DNSCache address while no node-local cache runs', async () => {
    await withNamespace('nodelocal', async (namespace) => {
      const spec = `  dnsPolicy: None
  dnsConfig:
    nameservers: [169.254.20.10]
    searches: [${namespace}.svc.cluster.local, svc.cluster.local, cluster.local]
    options: [{name: ndots, value: "5"}]`
      apply(namespace, clientPod('client', spec))
      kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/client'])
      const run = netdiag(['dns', '-n', namespace, '--from-pod', 'client', '--external-name=none', ...probe])
      const nodeLocal = run.report!.checks.find((c) => c.id === 'dns.nodelocal')!
      assert.doesNotMatch(nodeLocal.summary, /query kube-dns directly/)
      const root = rootCause(run.report)
      assert.equal(root.checkId, 'dns.probe.resolv-conf', describeReport(run.report))
      assert.match(root.summary, new RegExp(`pod ${namespace}/client sends DNS to 169\\.254\\.20\\.10, a NodeLocal DNSCache address, but no node-local-dns DaemonSet runs`))
      assert.deepEqual(root.objects, [{kind: 'Pod', namespace, name: 'client'}])
    })
  })

  it('publishNotReadyAddresses hides that every backend fails readiness', async () => {
    await withNamespace('notready', async (namespace) => {
      apply(namespace, web('web', {replicas: 2, readinessPath: '/no-such-path'}))
      apply(
        namespace,
        `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  publishNotReadyAddresses: true
  ports: [{name: http, port: 80, targetPort: 8080}]
`,
      )
      await waitFor('both endpoints published', () => kubectlOk(['get', 'endpointslices', '-n', namespace, '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}']).trim().split(/\s+/).filter(Boolean).length === 2)
      const run = netdiag(['svc', 'web', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr)
      const root = rootCause(run.report)
      assert.equal(root.checkId, 'svc.endpoints', describeReport(run.report))
      assert.match(root.summary, /publishNotReadyAddresses: true, so its EndpointSlices call every endpoint of port http 80\/TCP ready although no backend passes readiness/)
      const pods = root.objects.filter((o) => o.kind === 'Pod').map((o) => o.name)
      assert.equal(pods.length, 2, JSON.stringify(root.objects))
      assert.ok(pods.every((p) => p.startsWith('web-')))
    })
  })
  it('kube-proxy missing on the node the probe runs on (not the backends\' node): that node is the root cause', async () => {
    const NODE1 = 'netdiag-node1'
    const NODE2 = 'netdiag-node2'
    await withNamespace('kp-probe', async (namespace) => {
      apply(namespace, webPodOn(NODE1))
      kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/web'])
      const affinity = {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: 'kubernetes.io/hostname', operator: 'NotIn', values: [NODE2]}]}]}}}
      try {
        // The debug pod must land on node2: cordon node1 (DaemonSets and pinned pods ignore it).
        kubectlOk(['cordon', NODE1])
        kubectlOk(['patch', 'daemonset', 'kube-proxy', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({spec: {template: {spec: {affinity}}}})])
        await waitFor('kube-proxy gone from node2', () => !kubectlOk(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '-o', 'jsonpath={.items[*].spec.nodeName}']).includes(NODE2), 120_000)
        // A Service created now is programmed on node1 only.
        kubectlOk(['expose', 'pod', 'web', '-n', namespace, '--port', '80', '--target-port', '8080'])
        const run = netdiag(['svc', 'web', '-n', namespace, ...probe])
        assert.equal(run.exitCode, 1, run.stderr)
        assert.match(run.report!.probe!.description, new RegExp(`on ${NODE2}$`))
        const root = rootCause(run.report)
        assert.equal(root.checkId, 'svc.kube-proxy', describeReport(run.report))
        assert.match(root.summary, new RegExp(`kube-proxy is not ready on the node the probes run on ${NODE2}`))
        assert.ok(root.objects.some((o) => o.kind === 'Node' && o.name === NODE2), JSON.stringify(root.objects))
      } finally {
        kubectl(['uncordon', NODE1])
        kubectl(['patch', 'daemonset', 'kube-proxy', '-n', 'kube-system', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/template/spec/affinity"}]'])
        kubectl(['rollout', 'status', 'daemonset/kube-proxy', '-n', 'kube-system', '--timeout=180s'])
      }
    })
  })

  it('path to an unreachable pod: bounded probes, and the connect probe names what failed', async () => {
    await withNamespace('unreach', async (namespace) => {
      apply(namespace, `apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  nodeName: netdiag-node1
  terminationGracePeriodSeconds: 0
  containers:
  - {name: main, image: ${PROBE_IMAGE}, imagePullPolicy: IfNotPresent, command: [sleep, infinity]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  nodeName: netdiag-node2
  terminationGracePeriodSeconds: 0
  containers:
  - name: main
    image: ${PROBE_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "sleep 3; ip link set eth0 down; exec sleep infinity"]
    securityContext: {capabilities: {add: [NET_ADMIN]}}
    ports: [{name: http, containerPort: 8080}]
`)
      kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/a', 'pod/b'])
      await new Promise((r) => setTimeout(r, 4000))
      const run = netdiag(['path', 'a', 'b', '-n', namespace, '--probe-mode', 'pod', ...probe])
      assert.equal(run.exitCode, 1, run.stderr)
      const root = rootCause(run.report)
      assert.equal(root.checkId, 'path.probe.connect', describeReport(run.report))
      assert.ok(root.summary.includes(`${namespace}/b`), root.summary)
      const trace = run.report!.checks.find((c) => c.id === 'path.probe.trace')!
      assert.match(String(trace.details.command), / -m 8 /)
      process.stdout.write(`# path to an unreachable pod took ${run.report!.durationMs} ms\n`)
    })
  })
  it('a node firewall drops one port on the backends\' node: svc names that node, node names the rule', async () => {
    const NODE2 = 'netdiag-node2'
    const rule = ['FORWARD', '-p', 'tcp', '-m', 'tcp', '--dport', '8080', '-j', 'DROP']
    await withNamespace('firewall', async (namespace) => {
      apply(namespace, `${webPodOn(NODE2)}---
apiVersion: v1
kind: Pod
metadata: {name: fw}
spec:
  nodeName: ${NODE2}
  hostNetwork: true
  terminationGracePeriodSeconds: 0
  containers:
  - {name: fw, image: ${PROBE_IMAGE}, imagePullPolicy: IfNotPresent, command: [sleep, infinity], securityContext: {privileged: true}}
`)
      kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/web', 'pod/fw'])
      kubectlOk(['expose', 'pod', 'web', '-n', namespace, '--port', '80', '--target-port', '8080'])
      kubectlOk(['exec', '-n', namespace, 'fw', '--', 'iptables', '-I', ...rule])
      try {
        const svc = netdiag(['svc', 'web', '-n', namespace, ...probe])
        assert.equal(svc.exitCode, 1, svc.stderr)
        const root = rootCause(svc.report)
        assert.equal(root.checkId, 'svc.connect', describeReport(svc.report))
        assert.match(root.summary, new RegExp(`dropped on or next to that node \\(a node firewall rule there shows in kubectl netdiag node ${NODE2}\\)`))
        const node = netdiag(['node', NODE2, ...probe])
        const firewall = node.report!.checks.find((c) => c.id === 'node.probe.firewall')!
        assert.equal(firewall.status, 'warn', JSON.stringify(firewall))
        assert.match(firewall.summary, /-A FORWARD -p tcp -m tcp --dport 8080 -j DROP/)
        assert.deepEqual(firewall.objects, [{kind: 'Node', name: NODE2}])
      } finally {
        kubectl(['exec', '-n', namespace, 'fw', '--', 'iptables', '-D', ...rule])
      }
    })
  })
  it('a headless Service with 150 endpoints while DNS over TCP is blocked: the truncated answer is named, no 60 s hang', async () => {
    await withNamespace('tcp53', async (namespace) => {
      const endpoints = Array.from({length: 150}, (_, i) => `  - addresses: ["10.99.${Math.floor(i / 200)}.${(i % 200) + 1}"]\n    conditions: {ready: true}`).join('\n')
      apply(namespace, `apiVersion: v1
kind: Service
metadata: {name: many}
spec:
  clusterIP: None
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: many-1
  labels: {kubernetes.io/service-name: many}
addressType: IPv4
ports: [{name: http, port: 80, protocol: TCP}]
endpoints:
${endpoints}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-udp-only}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{protocol: UDP, port: 53}]
`)
      const run = netdiag(['svc', 'many', '-n', namespace, ...probe])
      const dns = run.report!.checks.find((c) => c.id === 'svc.dns')!
      assert.equal(dns.status, 'fail', describeReport(run.report))
      assert.match(dns.summary, /\(150 endpoint addresses\) does not fit a UDP datagram \(truncated, \d+ records in the UDP reply\) and the resolver's retry over TCP gets no answer/)
      process.stdout.write(`# svc.dns took ${dns.durationMs} ms, the run ${run.report!.durationMs} ms\n`)
    })
  })
})
