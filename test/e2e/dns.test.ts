import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {
  apply,
  assertNoNetdiagPodsLeft,
  check,
  kubectl,
  kubectlOk,
  netdiag,
  netdiagPods,
  PROBE_IMAGE,
  skipWithoutCluster,
  sleep,
  startNetdiag,
  waitFor,
  withNamespace,
} from './helpers.js'

const probe = ['--image', PROBE_IMAGE, '--external-name=none', '-o', 'json']

describe('e2e: kubectl netdiag dns', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('healthy cluster: every check passes, a real debug pod runs dig against real CoreDNS, and is deleted', async () => {
    await withNamespace('dns-ok', async (namespace) => {
      const run = netdiag(['dns', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      const report = run.report!
      assert.equal(report.status, 'pass', JSON.stringify(report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip'), null, 2))
      assert.equal(report.source, 'live')
      assert.match(report.probe!.description, new RegExp(`^debug pod ${namespace}/netdiag-`))
      const internal = check(report, 'dns.probe.internal')
      assert.equal(internal.status, 'pass')
      assert.match(String((internal.details.udp as {command: string}).command), /^dig /)
      assert.deepEqual((internal.details.udp as {answers: string[]}).answers, [kubectlOk(['get', 'svc', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])])
      assert.equal(check(report, 'dns.probe.replicas').status, 'pass')
      assert.equal(netdiagPods(namespace).length, 0)
    })
  })

  it('a healthy run takes one exec: the tools come from the probe container\'s startup log, every lookup runs in one batch', async () => {
    await withNamespace('dns-execs', async (namespace) => {
      const run = netdiag(['dns', '-n', namespace, ...probe, '-v', '6'])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      const source = check(run.report, 'dns.probe.source')
      assert.equal(source.details.toolsDetectedBy, 'startup-log', JSON.stringify(source.details))
      const execs = run.stderr.split('\n').filter((line) => line.startsWith('EXEC '))
      const replicas = kubectlOk(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'name']).split('\n').filter(Boolean).length
      // resolv.conf, the lookup over UDP and TCP, each CoreDNS replica and the search-list lookup, which is
      // speculative (it starts beside the internal lookup), in one exec; the external one is off here
      // (--external-name=none).
      assert.equal(execs.length, 1, execs.join('\n'))
      assert.match(execs[0]!, new RegExp(` batch of ${4 + replicas} commands: done in \\d+ milliseconds$`))
      assert.match(run.stderr, new RegExp(`GET \\S+/api/v1/namespaces/${namespace}/pods/netdiag-[^/]+/log\\?container=probe 200`))
    })
  })

  it('the same checks run offline from a snapshot of this cluster, with probes skipped as offline', async () => {
    const snapshot = netdiag(['snapshot'])
    assert.equal(snapshot.exitCode, 0, snapshot.stderr)
    const {writeFileSync, mkdtempSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const file = join(mkdtempSync(join(tmpdir(), 'netdiag-snap-')), 'cluster.json')
    writeFileSync(file, snapshot.stdout)
    const run = netdiag(['dns', '-n', 'kube-system', '--snapshot', file, '-o', 'json'])
    assert.equal(run.exitCode, 0, run.stderr)
    assert.equal(run.report!.source, 'snapshot')
    assert.equal(check(run.report, 'dns.pods').status, 'pass')
    assert.equal(check(run.report, 'dns.probe.internal').skippedBecause, 'offline')
    assert.equal(check(run.report, 'dns.logs').skippedBecause, 'offline')
    assert.doesNotMatch(snapshot.stdout, /"kind":\s*"Secret"/)
  })

  it('deny-all egress: names the NetworkPolicy as root cause, and the lookup really times out', async () => {
    await withNamespace('dns-deny', async (namespace) => {
      apply(namespace, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
spec:
  podSelector: {}
  policyTypes: [Egress]
`)
      const run = netdiag(['dns', '-n', namespace, ...probe, '--timeout', '30s'])
      assert.equal(run.exitCode, 1, run.stderr)
      const report = run.report!
      assert.equal(report.diagnosis.rootCause?.checkId, 'dns.policy')
      assert.match(report.diagnosis.rootCause!.summary, new RegExp(`NetworkPolicy ${namespace}/default-deny-egress blocks egress 53/UDP and 53/TCP`))
      assert.match(report.diagnosis.rootCause!.remediation!, /kubernetes.io\/metadata.name: kube-system/)
      const internal = check(report, 'dns.probe.internal')
      assert.equal(internal.status, 'fail', 'the enforcer must really drop the lookup')
      assert.equal((internal.details.udp as {status: string}).status, 'timeout')
      // The short-name lookup is speculative: it ran beside the internal one, and its answer is dropped because that failed.
      const search = check(report, 'dns.probe.search')
      assert.equal(search.status, 'skip', search.summary)
      assert.equal(search.skippedBecause, 'dns.probe.internal')
      assert.ok(report.diagnosis.findings.indexOf('dns.policy') < report.diagnosis.findings.indexOf('dns.probe.internal'))
    })
  })

  it('a Corefile forwarding to 127.0.0.1 is found by the lint, with its line number', () => {
    const original = kubectlOk(['-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}'])
    const looping = original.replace(/forward \. [^\n{]+/, 'forward . 127.0.0.1 ')
    assert.notEqual(looping, original, 'the test Corefile has a forward line')
    try {
      kubectlOk(['-n', 'kube-system', 'patch', 'configmap', 'coredns', '--type=merge', '-p', JSON.stringify({data: {Corefile: looping}})])
      const run = netdiag(['dns', '--no-probe', '-o', 'json'])
      const corefile = check(run.report, 'dns.corefile')
      assert.equal(corefile.status, 'fail')
      const line = looping.split('\n').findIndex((l) => l.includes('forward . 127.0.0.1')) + 1
      assert.match(corefile.summary, new RegExp(`^Corefile line ${line}: .*127\\.0\\.0\\.1`))
      assert.equal(run.exitCode, 1)
    } finally {
      kubectlOk(['-n', 'kube-system', 'patch', 'configmap', 'coredns', '--type=merge', '-p', JSON.stringify({data: {Corefile: original}})])
    }
  })

  it('CoreDNS scaled to 0: the root cause is the Deployment, and lookups are listed as consequences', async () => {
    const replicas = kubectlOk(['-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'jsonpath={.spec.replicas}'])
    try {
      kubectlOk(['-n', 'kube-system', 'scale', 'deploy', 'coredns', '--replicas=0'])
      await waitFor('CoreDNS pods to go', () => kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'name']).stdout.trim() === '')
      await withNamespace('dns-zero', async (namespace) => {
        const run = netdiag(['dns', '-n', namespace, ...probe, '--timeout', '30s'])
        assert.equal(run.exitCode, 1, run.stderr)
        assert.equal(run.report!.diagnosis.rootCause?.checkId, 'dns.pods')
        assert.match(run.report!.diagnosis.rootCause!.summary, /scaled to 0 replicas/)
        assert.match(run.report!.diagnosis.rootCause!.remediation!, /kubectl -n kube-system scale deployment coredns --replicas=2/)
        assert.ok(run.report!.diagnosis.findings.includes('dns.endpoints'))
      })
    } finally {
      kubectlOk(['-n', 'kube-system', 'scale', 'deploy', 'coredns', `--replicas=${replicas || 2}`])
      kubectlOk(['-n', 'kube-system', 'rollout', 'status', 'deploy/coredns', '--timeout=120s'])
    }
  })

  it('--keep leaves the debug pod; cleanup removes it', async () => {
    await withNamespace('dns-keep', async (namespace) => {
      const run = netdiag(['dns', '-n', namespace, ...probe, '--keep'])
      assert.equal(run.exitCode, 0, run.stderr)
      assert.match(run.stderr, /kept debug pod .*kubectl netdiag cleanup -n/)
      assert.equal(netdiagPods(namespace).length, 1)
      const cleanup = netdiag(['cleanup', '-n', namespace])
      assert.equal(cleanup.exitCode, 0, cleanup.stderr)
      assert.match(cleanup.stdout, new RegExp(`deleted pod ${namespace}/netdiag-`))
      await waitFor('the kept pod to go', () => netdiagPods(namespace).length === 0, 30_000)
    })
  })

  it('SIGINT mid-probe deletes the debug pod and exits 130', async () => {
    await withNamespace('dns-int', async (namespace) => {
      // The lookups then wait out their timeouts, so the signal lands mid-probe: a healthy run can end within
      // moments of its pod's start, before the signal would.
      apply(namespace, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
spec:
  podSelector: {}
  policyTypes: [Egress]
`)
      const child = startNetdiag(['dns', '-n', namespace, '--image', PROBE_IMAGE, '--external-name=none', '--timeout', '30s'])
      let stderr = ''
      child.stderr.on('data', (d) => (stderr += d))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      await waitFor('the debug pod to be created', () => /created debug pod/.test(stderr), 60_000)
      await sleep(300)
      child.kill('SIGINT')
      assert.equal(await exited, 130, stderr)
      assert.match(stderr, /SIGINT received, deleting debug pods/)
      await waitFor('the interrupted run to leave nothing', () => netdiagPods(namespace).length === 0, 20_000)
    })
  })
})
