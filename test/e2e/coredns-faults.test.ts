import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import type {Report} from '../../src/report/report.js'
import {assertNoNetdiagPodsLeft, check, kubectl, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, waitFor, withNamespace} from './helpers.js'

/**
 * Faults in the real CoreDNS config. They take cluster DNS down for everyone on the cluster, so the original
 * Corefile is restored (and CoreDNS restarted and Ready) after every test, also when it fails.
 */
const probe = ['--image', PROBE_IMAGE, '--external-name=none', '-o', 'json']

function corefile(): string {
  return kubectlOk(['get', 'configmap', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.data.Corefile}'])
}

function writeCorefile(text: string): void {
  kubectlOk(['patch', 'configmap', 'coredns', '-n', 'kube-system', '--type', 'merge', '-p', JSON.stringify({data: {Corefile: text}})])
}

function restartCoreDns(): void {
  kubectlOk(['rollout', 'restart', 'deployment/coredns', '-n', 'kube-system'])
}

function waitCoreDnsReady(): void {
  kubectlOk(['rollout', 'status', 'deployment/coredns', '-n', 'kube-system', '--timeout=180s'])
}

function describeReport(report: Report | undefined): string {
  return JSON.stringify({rootCause: report?.diagnosis.rootCause, failing: report?.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error').map((c) => `${c.id} ${c.status}: ${c.summary}`)}, null, 2)
}

describe('e2e: CoreDNS config faults', {skip: skipWithoutCluster}, () => {
  let original = ''
  before(() => {
    const current = corefile()
    // Never "restore" a Corefile that is already broken (another run's fault): refuse to start instead.
    assert.match(current, /kubernetes cluster\.local/, 'the cluster Corefile has no kubernetes plugin before the test: fix the cluster first')
    original = current
  })
  after(async () => {
    if (original) {
      writeCorefile(original)
      restartCoreDns()
      waitCoreDnsReady()
    }
    await assertNoNetdiagPodsLeft()
  })

  it('the fix offered for a missing kubernetes plugin, pasted as offered, loads in CoreDNS and serves cluster names', async () => {
    const broken = original.replace(/ +kubernetes cluster\.local[^}]*\}\n/, '')
    assert.ok(!broken.includes('kubernetes'), 'the fixture edit removed the plugin')
    writeCorefile(broken)
    try {
      await withNamespace('corefile-fix', async (namespace) => {
        const diagnosed = netdiag(['dns', '-n', namespace, '--no-probe', '-o', 'json'])
        const finding = check(diagnosed.report, 'dns.corefile')
        assert.equal(finding.status, 'fail', describeReport(diagnosed.report))
        assert.match(finding.summary, /has no kubernetes plugin/)
        const snippet = finding.remediation!.split('\n').slice(1).join('\n')
        writeCorefile(broken.replace(/( +)ready\n/, (line, indent: string) => `${line}${snippet.replace(/^/gm, indent)}\n`))
        restartCoreDns()
        waitCoreDnsReady()
        const fixed = netdiag(['dns', '-n', namespace, ...probe])
        assert.equal(check(fixed.report, 'dns.corefile').status, 'pass', describeReport(fixed.report))
        assert.equal(check(fixed.report, 'dns.probe.internal').status, 'pass', describeReport(fixed.report))
      })
    } finally {
      writeCorefile(original)
    }
  })

  it('a Corefile syntax error crash-loops CoreDNS: the Corefile is the root cause, and the crashed container log is read', async () => {
    // An unclosed block: CoreDNS refuses it at start. Running pods keep their config, so restart them.
    writeCorefile(original.replace(/\n\}\s*$/, '\n'))
    kubectlOk(['delete', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '--wait=false'])
    await waitFor('CoreDNS pods to crash and restart', () => {
      const restarts = kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={range .items[*]}{.metadata.deletionTimestamp}{"|"}{.status.containerStatuses[0].restartCount}{"\\n"}{end}']).stdout
      const live = restarts.split('\n').filter((l) => l.startsWith('|'))
      return live.length > 0 && live.every((l) => Number(l.slice(1)) >= 1)
    }, 120_000)
    await withNamespace('corefile-crash', async (namespace) => {
      const run = netdiag(['dns', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr)
      const root = run.report!.diagnosis.rootCause
      assert.equal(root?.checkId, 'dns.corefile', describeReport(run.report))
      assert.match(root!.summary, /never closed.*the CoreDNS pods crash because they cannot load it/)
      assert.deepEqual(root!.objects, [{kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns'}])
      assert.ok(run.report!.diagnosis.findings.indexOf('dns.corefile') < run.report!.diagnosis.findings.indexOf('dns.pods'))
      const logs = check(run.report, 'dns.logs')
      assert.ok((logs.details.previousLogsRead as string[]).length > 0, JSON.stringify(logs))
      assert.match(logs.summary, /CoreDNS cannot parse its Corefile/)
    })
  })
})
