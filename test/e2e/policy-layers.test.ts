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

describe('e2e: dns.policy across protocols and CoreDNS replicas', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('egress allowing 53/UDP but not 53/TCP: a failure naming the policy, and TCP lookups really time out', async () => {
    await withNamespace('dns-udp-only', async (namespace) => {
      apply(namespace, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-udp-only}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ports: [{protocol: UDP, port: 53}]
`)
      const run = netdiag(['dns', '-n', namespace, '--image', PROBE_IMAGE, '--external-name=none', '-o', 'json', '--timeout', '30s'])
      assert.equal(run.exitCode, 1, run.stderr)
      const report = run.report!
      const policy = check(report, 'dns.policy')
      assert.equal(policy.status, 'fail', JSON.stringify(policy, null, 2))
      assert.deepEqual(policy.objects, [{kind: 'NetworkPolicy', namespace, name: 'dns-udp-only'}])
      assert.match(policy.summary, /blocks egress 53\/TCP from .*retried over TCP and fail/)
      // the live lookup agrees: UDP answers, TCP is dropped
      const internal = check(report, 'dns.probe.internal')
      assert.match(JSON.stringify(internal.details), /timeout/, JSON.stringify(internal, null, 2))
    })
  })

  it('a kube-system policy isolating one CoreDNS replica: that replica and the policy are named, the fix is never deleting a pod', async () => {
    // A settled CoreDNS (no rollout in flight), so the labelled replica is one netdiag sees.
    kubectlOk(['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=120s'])
    const pods = kubectlOk(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '--field-selector=status.phase=Running', '-o', 'jsonpath={range .items[?(@.metadata.deletionTimestamp)]}{end}{range .items[*]}{.metadata.name}{" "}{end}']).trim().split(/\s+/)
    assert.ok(pods.length >= 2, 'the local cluster runs two CoreDNS replicas')
    const victim = pods[0]!
    kubectlOk(['-n', 'kube-system', 'label', 'pod', victim, 'netdiag-e2e/isolated=true', '--overwrite'])
    try {
      kubectlOk(['-n', 'kube-system', 'apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: e2e-isolate-one-coredns}
spec:
  podSelector: {matchLabels: {netdiag-e2e/isolated: "true"}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {}}]
`)
      await withNamespace('dns-replica', async (namespace) => {
        const run = netdiag(['dns', '-n', namespace, '--image', PROBE_IMAGE, '--external-name=none', '-o', 'json', '--timeout', '30s'])
        const report = run.report!
        assert.ok(report, run.stderr)
        const policy = check(report, 'dns.policy')
        assert.equal(policy.status, 'fail', JSON.stringify(policy, null, 2))
        assert.deepEqual(policy.objects, [{kind: 'NetworkPolicy', namespace: 'kube-system', name: 'e2e-isolate-one-coredns'}])
        assert.deepEqual(policy.details.cutOffReplicas, [`kube-system/${victim}`])
        // the policy (a cause) ranks before the replica that does not answer (its symptom)
        const findings = report.diagnosis.findings
        assert.ok(findings.includes('dns.policy') && findings.indexOf('dns.policy') < findings.indexOf('dns.probe.replicas'), JSON.stringify(findings))
        assert.notEqual(report.diagnosis.rootCause?.checkId, 'dns.probe.replicas')
        // the live per-replica probe agrees: the isolated replica does not answer, the other does
        const replicas = check(report, 'dns.probe.replicas')
        assert.equal(replicas.status, 'fail', JSON.stringify(replicas, null, 2))
        assert.match(replicas.summary, new RegExp(`1 of ${pods.length} CoreDNS replicas do not answer: ${victim}`))
        assert.doesNotMatch(replicas.remediation ?? '', /delete pod/)
        assert.doesNotMatch(report.diagnosis.rootCause?.remediation ?? '', /delete pod/)
      })
    } finally {
      kubectl(['-n', 'kube-system', 'delete', 'networkpolicy', 'e2e-isolate-one-coredns', '--ignore-not-found'])
      kubectl(['-n', 'kube-system', 'label', 'pod', victim, 'netdiag-e2e/isolated-'])
    }
  })
})
