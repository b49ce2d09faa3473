import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parse, stringify} from 'yaml'

import {apply, assertNoNetdiagPodsLeft, check, KUBECONFIG, kubectl, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, web, withNamespace} from './helpers.js'

const RBAC = new URL('../../rbac/kubectl-netdiag.yaml', import.meta.url)
const SA_NAMESPACE = 'kube-system'
const SA = 'e2e-netdiag-least-privilege'
const BINDINGS = ['reader', 'prober'].map((role) => ({kind: 'clusterrolebinding', name: `${SA}-${role}`, role: `kubectl-netdiag-${role}`}))

interface Kubeconfig {
  clusters: Array<{name: string; cluster: {server: string; 'certificate-authority-data'?: string}}>
}

/** A kubeconfig that authenticates as the ServiceAccount with a short-lived token, nothing else. */
function serviceAccountKubeconfig(dir: string): string {
  const admin = parse(readFileSync(KUBECONFIG, 'utf8')) as Kubeconfig
  const token = kubectlOk(['-n', SA_NAMESPACE, 'create', 'token', SA, '--duration=10m']).trim()
  const file = join(dir, 'sa.kubeconfig')
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{name: 'e2e', cluster: admin.clusters[0]!.cluster}],
      users: [{name: SA, user: {token}}],
      contexts: [{name: 'least-privilege', context: {cluster: 'e2e', user: SA, namespace: 'default'}}],
      'current-context': 'least-privilege',
    }),
    {mode: 0o600},
  )
  return file
}

describe('e2e: the documented RBAC is enough, and no more is used', {skip: skipWithoutCluster}, () => {
  let dir = ''
  let kubeconfig = ''

  before(() => {
    kubectlOk(['apply', '-f', RBAC.pathname])
    kubectl(['-n', SA_NAMESPACE, 'create', 'serviceaccount', SA])
    for (const b of BINDINGS) kubectl(['create', b.kind, b.name, `--clusterrole=${b.role}`, `--serviceaccount=${SA_NAMESPACE}:${SA}`])
    kubectl(['-n', 'kube-system', 'create', 'rolebinding', `${SA}-config`, '--role=kubectl-netdiag-config', `--serviceaccount=${SA_NAMESPACE}:${SA}`])
    dir = mkdtempSync(join(tmpdir(), 'netdiag-rbac-'))
    kubeconfig = serviceAccountKubeconfig(dir)
  })

  after(async () => {
    for (const b of BINDINGS) kubectl(['delete', b.kind, b.name, '--ignore-not-found'])
    kubectl(['-n', 'kube-system', 'delete', 'rolebinding', `${SA}-config`, '--ignore-not-found'])
    kubectl(['-n', SA_NAMESPACE, 'delete', 'serviceaccount', SA, '--ignore-not-found'])
    kubectl(['delete', '-f', RBAC.pathname, '--ignore-not-found'])
    rmSync(dir, {recursive: true, force: true})
    await assertNoNetdiagPodsLeft()
  })

  it('dns and svc with probes run under the ServiceAccount: no check is forbidden', async () => {
    await withNamespace('rbac', async (namespace) => {
      apply(namespace, web('backend') + `---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]
`)
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      for (const args of [
        ['dns', '-n', namespace, '--external-name=none'],
        ['svc', 'backend', '-n', namespace],
      ]) {
        const run = netdiag([...args, '--kubeconfig', kubeconfig, '--image', PROBE_IMAGE, '-o', 'json'])
        assert.ok(run.report, run.stderr)
        const forbidden = run.report.checks.filter((c) => c.status === 'error' || c.skippedBecause === 'forbidden')
        assert.deepEqual(forbidden, [], `${args[0]}: ${JSON.stringify(forbidden, null, 2)}`)
        assert.equal(check(run.report, 'preflight.access').status, 'pass')
        assert.equal(run.exitCode, 0, run.stdout)
      }
    })
  })

  it('without the prober role the preflight names what is missing and probes are skipped as forbidden, not failed', async () => {
    kubectlOk(['delete', 'clusterrolebinding', `${SA}-prober`])
    try {
      await withNamespace('rbac-ro', async (namespace) => {
        const run = netdiag(['dns', '-n', namespace, '--kubeconfig', kubeconfig, '--image', PROBE_IMAGE, '--external-name=none', '-o', 'json'])
        assert.ok(run.report, run.stderr)
        const access = check(run.report, 'preflight.access')
        assert.equal(access.status, 'warn', JSON.stringify(access))
        assert.match(access.summary, /create pods/)
        assert.equal(check(run.report, 'dns.probe.internal').skippedBecause, 'forbidden')
        assert.equal(check(run.report, 'dns.pods').status, 'pass')
      })
    } finally {
      kubectl(['create', 'clusterrolebinding', `${SA}-prober`, '--clusterrole=kubectl-netdiag-prober', `--serviceaccount=${SA_NAMESPACE}:${SA}`])
    }
  })
})
