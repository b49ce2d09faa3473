import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import type {Report} from '../../src/report/report.js'
import {apply, assertNoNetdiagPodsLeft, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, waitFor, web, withNamespace} from './helpers.js'

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
})
