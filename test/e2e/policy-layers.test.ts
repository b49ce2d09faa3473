// Policy layers on the real cluster: kube-network-policies runs with --admin-network-policy and
// --baseline-admin-network-policy (test/cluster/manifests/kube-network-policies.yaml). Each scenario asserts
// that the static verdict names the deciding object AND agrees with what the live probe saw.
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectl, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, WEB_IMAGE, withNamespace} from './helpers.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json', '--timeout', '30s']

function pods(): string {
  const pod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: ${WEB_IMAGE}
    imagePullPolicy: IfNotPresent
    args: ["8080"]
    ports:
    - {name: http, containerPort: 8080}
`
  return `${pod('client', 'netdiag-node1')}---\n${pod('server', 'netdiag-node2')}`
}

const npAllowClient = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-from-client}
spec:
  podSelector: {matchLabels: {app: server}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: 8080}]
`
const npIsolateServer = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-isolated}
spec:
  podSelector: {matchLabels: {app: server}}
  policyTypes: [Ingress]
`

function anp(name: string, namespace: string, action: 'Allow' | 'Deny' | 'Pass'): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: ${name}}
spec:
  priority: 20
  subject:
    pods:
      namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${namespace}}}
      podSelector: {matchLabels: {app: server}}
  ingress:
  - name: from-client
    action: ${action}
    from:
    - pods:
        namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${namespace}}}
        podSelector: {matchLabels: {app: client}}
    ports:
    - portNumber: {protocol: TCP, port: 8080}
`
}

function banp(namespace: string): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject:
    pods:
      namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${namespace}}}
      podSelector: {matchLabels: {app: server}}
  ingress:
  - name: baseline-deny
    action: Deny
    from:
    - namespaces: {}
`
}

/** Cluster-scoped objects are deleted afterwards even when the test fails. */
async function withClusterObjects<T>(yaml: string, kinds: string[], body: () => Promise<T> | T): Promise<T> {
  kubectlOk(['apply', '-f', '-'], yaml)
  try {
    return await body()
  } finally {
    for (const kind of kinds) kubectl(['delete', kind, '--ignore-not-found'])
  }
}

interface Expect {
  verdict: 'allowed' | 'denied'
  decidedBy: {kind: string; name: string}
}

async function scenario(prefix: string, objects: (namespace: string) => {namespaced: string; cluster: string; kinds: string[]}, expect: Expect): Promise<void> {
  await withNamespace(prefix, async (namespace) => {
    const o = objects(namespace)
    apply(namespace, pods() + o.namespaced)
    kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/client', 'pod/server'])
    await withClusterObjects(o.cluster, o.kinds, async () => {
      // kube-network-policies picks a policy up within about a second.
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const run = netdiag(['path', 'client', 'server', '-n', namespace, '--port', '8080', ...probe])
      const report = run.report!
      assert.ok(report, run.stderr + run.stdout)
      const policy = check(report, 'path.policy')
      const verdict = (policy.details.verdicts as Array<{verdict: string; decidedBy: Array<{kind: string; name: string; apiVersion: string}>}>)[0]!
      assert.equal(verdict.verdict, expect.verdict, JSON.stringify(policy, null, 2))
      assert.ok(verdict.decidedBy.some((d) => d.kind === expect.decidedBy.kind && d.name === expect.decidedBy.name), JSON.stringify(verdict, null, 2))
      const connect = check(report, 'path.probe.connect')
      const result = (connect.details.results as Array<{port: string; code: string; status: string}>).find((r) => r.port === '8080/TCP')!
      if (expect.verdict === 'denied') {
        assert.equal(run.exitCode, 1, run.stderr)
        assert.equal(report.diagnosis.rootCause?.checkId, 'path.policy')
        assert.ok(report.diagnosis.rootCause!.objects.some((obj) => obj.kind === expect.decidedBy.kind && obj.name === expect.decidedBy.name))
        assert.equal(result.code, 'path.policy-drop', `the live probe must see the drop the static verdict predicts: ${JSON.stringify(connect, null, 2)}`)
      } else {
        assert.equal(result.status, 'pass', `the live probe must connect as the static verdict predicts: ${JSON.stringify(connect, null, 2)}`)
        assert.equal(policy.status, 'pass', JSON.stringify(policy, null, 2))
      }
    })
  })
}

describe('e2e: AdminNetworkPolicy and BaselineAdminNetworkPolicy (kube-network-policies)', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('ANP Deny over a NetworkPolicy allow: denied, the ANP named, the probe dropped', async () => {
    await scenario('anp-deny', (ns) => ({namespaced: npAllowClient, cluster: anp('e2e-anp-deny', ns, 'Deny'), kinds: ['adminnetworkpolicy/e2e-anp-deny']}), {verdict: 'denied', decidedBy: {kind: 'AdminNetworkPolicy', name: 'e2e-anp-deny'}})
  })

  it('ANP Pass then NetworkPolicy: the NP decides (isolated server, no allow) and the probe is dropped', async () => {
    await scenario('anp-pass', (ns) => ({namespaced: npIsolateServer, cluster: anp('e2e-anp-pass', ns, 'Pass'), kinds: ['adminnetworkpolicy/e2e-anp-pass']}), {verdict: 'denied', decidedBy: {kind: 'NetworkPolicy', name: 'server-isolated'}})
  })

  it('ANP Allow over NetworkPolicy isolation: allowed by the ANP, the probe connects', async () => {
    await scenario('anp-allow', (ns) => ({namespaced: npIsolateServer, cluster: anp('e2e-anp-allow', ns, 'Allow'), kinds: ['adminnetworkpolicy/e2e-anp-allow']}), {verdict: 'allowed', decidedBy: {kind: 'AdminNetworkPolicy', name: 'e2e-anp-allow'}})
  })

  it('BANP Deny when no NetworkPolicy selects the server: denied by the BANP, the probe dropped', async () => {
    await scenario('banp-deny', (ns) => ({namespaced: '', cluster: banp(ns), kinds: ['baselineadminnetworkpolicy/default']}), {verdict: 'denied', decidedBy: {kind: 'BaselineAdminNetworkPolicy', name: 'default'}})
  })

  it('BANP ignored once a NetworkPolicy selects the server: the NP allows, the probe connects', async () => {
    await scenario('banp-ignored', (ns) => ({namespaced: npAllowClient, cluster: banp(ns), kinds: ['baselineadminnetworkpolicy/default']}), {verdict: 'allowed', decidedBy: {kind: 'NetworkPolicy', name: 'server-from-client'}})
  })
})
