import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, WEB_IMAGE, withNamespace} from './helpers.js'

const NODE1 = 'netdiag-node1'
const NODE2 = 'netdiag-node2'
const probe = ['--image', PROBE_IMAGE, '-o', 'json']

interface PodOptions {
  node: string
  labels?: Record<string, string>
  /** Lower eth0's MTU inside the pod: large packets to it are then dropped silently at the veth. */
  mtu?: number
}

function labelsYaml(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n')
}

/** A web server pod pinned to a node, listening on 8080 (declared as containerPort http). */
function webPod(name: string, options: PodOptions): string {
  const labels = options.labels ?? {app: name}
  const container = options.mtu
    ? `  - name: web
    image: ${PROBE_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "ip link set eth0 mtu ${options.mtu} && exec nc -lk 8080 >/dev/null"]
    securityContext: {capabilities: {add: [NET_ADMIN]}}`
    : `  - name: web
    image: ${WEB_IMAGE}
    imagePullPolicy: IfNotPresent
    args: ["8080"]`
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${labelsYaml(labels)}
spec:
  nodeName: ${options.node}
  terminationGracePeriodSeconds: 0
  containers:
${container}
    ports:
    - name: http
      containerPort: 8080
`
}

function podsReady(namespace: string, names: string[]): void {
  kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', ...names.map((n) => `pod/${n}`)])
}

describe('e2e: kubectl netdiag path', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('healthy same-node path: ICMP and TCP 8080 connect, path MTU equals the pod MTU, exit 0', async () => {
    await withNamespace('path-same', async (namespace) => {
      apply(namespace, webPod('a', {node: NODE1}) + '---\n' + webPod('b', {node: NODE1}))
      podsReady(namespace, ['a', 'b'])
      const run = netdiag(['path', 'a', 'b', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      const report = run.report!
      assert.equal(report.status, 'pass', JSON.stringify(report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip'), null, 2))
      assert.match(check(report, 'path.pods').summary, /both on node netdiag-node1/)
      assert.equal(check(report, 'path.probe.connect').status, 'pass')
      const mtu = check(report, 'path.probe.mtu')
      assert.equal(mtu.status, 'pass')
      assert.equal(mtu.details.pathMtu, 1500)
      assert.match(report.probe!.description, /ephemeral container/)
      assert.match(run.stderr, /ephemeral containers cannot be removed/)
    })
  })

  it('healthy cross-node path: connects between the nodes and shows the hops', async () => {
    await withNamespace('path-cross', async (namespace) => {
      apply(namespace, webPod('a', {node: NODE1}) + '---\n' + webPod('b', {node: NODE2}))
      podsReady(namespace, ['a', 'b'])
      const run = netdiag(['path', `${namespace}/a`, `pod/b`, '-n', namespace, '--probe-mode', 'pod', ...probe])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      const report = run.report!
      assert.match(check(report, 'path.pods').summary, /on different nodes/)
      assert.equal(check(report, 'path.probe.connect').status, 'pass')
      const trace = check(report, 'path.probe.trace')
      assert.equal(trace.status, 'pass', JSON.stringify(trace))
      assert.ok(Array.isArray(trace.details.hops) && (trace.details.hops as unknown[]).length >= 2, JSON.stringify(trace.details))
    })
  })

  it('an ingress policy that admits only role=allowed: the policy is the root cause and the connect really times out', async () => {
    await withNamespace('path-deny', async (namespace) => {
      apply(
        namespace,
        webPod('a', {node: NODE1}) +
          '---\n' +
          webPod('b', {node: NODE2, labels: {app: 'b'}}) +
          `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: b-allow-only-allowed
spec:
  podSelector:
    matchLabels: {app: b}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: allowed}
    ports:
    - port: 8080
`,
      )
      podsReady(namespace, ['a', 'b'])
      const run = netdiag(['path', 'a', 'b', '-n', namespace, '--timeout', '30s', ...probe])
      assert.equal(run.exitCode, 1, run.stderr + run.stdout)
      const report = run.report!
      const root = report.diagnosis.rootCause!
      assert.equal(root.checkId, 'path.policy', JSON.stringify(report.checks, null, 2))
      assert.match(root.summary, new RegExp(`${namespace}/b-allow-only-allowed`))
      const connect = check(report, 'path.probe.connect')
      assert.notEqual(connect.status, 'pass', 'the enforcer must really drop the connection')
      assert.match(JSON.stringify(connect.details), /timeout|timed out/i)
    })
  })

  it('an MTU mismatch (B accepts at most 1200 bytes): small pings pass, large ones vanish, the probe names the path MTU', async () => {
    await withNamespace('path-mtu', async (namespace) => {
      apply(namespace, webPod('a', {node: NODE1}) + '---\n' + webPod('b', {node: NODE1, mtu: 1200}))
      podsReady(namespace, ['a', 'b'])
      const run = netdiag(['path', 'a', 'b', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr + run.stdout)
      const report = run.report!
      const mtu = check(report, 'path.probe.mtu')
      assert.equal(mtu.status, 'fail', JSON.stringify(mtu, null, 2))
      const pathMtu = mtu.details.pathMtu as number
      assert.ok(pathMtu >= 1190 && pathMtu <= 1218, `path MTU ${pathMtu} should be about 1200`)
      assert.match(mtu.summary, /MTU/)
      assert.equal(report.diagnosis.rootCause?.checkId, 'path.probe.mtu')
    })
  })
})
