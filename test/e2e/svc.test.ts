import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, PROBE_IMAGE, skipWithoutCluster, waitFor, web, withNamespace} from './helpers.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']

function service(name: string, selector: Record<string, string>, targetPort: number | string = 'http'): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
${Object.entries(selector)
  .map(([k, v]) => `    ${k}: ${v}`)
  .join('\n')}
  ports:
  - name: http
    port: 80
    targetPort: ${typeof targetPort === 'number' ? targetPort : targetPort}
`
}

function readyEndpoints(namespace: string, name: string): number {
  const out = kubectlOk(['get', 'endpointslices', '-n', namespace, '-l', `kubernetes.io/service-name=${name}`, '-o', 'jsonpath={range .items[*].endpoints[*]}{.conditions.ready}{"\\n"}{end}'])
  return out.split('\n').filter((l) => l.trim() === 'true').length
}

async function rolledOut(namespace: string, deployment: string): Promise<void> {
  kubectlOk(['-n', namespace, 'rollout', 'status', `deploy/${deployment}`, '--timeout=120s'])
}

describe('e2e: kubectl netdiag svc', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('healthy Deployment + Service: resolves, connects through the ClusterIP and to every endpoint, exit 0', async () => {
    await withNamespace('svc-ok', async (namespace) => {
      apply(namespace, web('backend', {replicas: 2}) + '---\n' + service('backend', {app: 'backend'}))
      await rolledOut(namespace, 'backend')
      await waitFor('2 ready endpoints', () => readyEndpoints(namespace, 'backend') === 2)
      const run = netdiag(['svc', 'backend', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      const report = run.report!
      assert.equal(report.status, 'pass', JSON.stringify(report.checks.filter((c) => c.status !== 'pass'), null, 2))
      assert.equal(check(report, 'svc.endpoints').status, 'pass')
      assert.equal(check(report, 'svc.dns').status, 'pass')
      const connect = check(report, 'svc.connect')
      assert.equal(connect.status, 'pass')
      assert.match(connect.summary, /ClusterIP [\d.]+:80 and 2 backend\(s\) accept connections/)
    })
  })

  it('selector typo: the root cause names the label difference to the nearest pods', async () => {
    await withNamespace('svc-typo', async (namespace) => {
      apply(namespace, web('backend') + '---\n' + service('backend', {app: 'backend-api'}))
      await rolledOut(namespace, 'backend')
      const run = netdiag(['svc', 'backend', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr)
      const root = run.report!.diagnosis.rootCause!
      assert.equal(root.checkId, 'svc.selector')
      assert.match(root.summary, /app=backend-api/)
      assert.match(root.summary, /app=backend\b/)
      assert.equal(check(run.report, 'svc.endpoints').skippedBecause, 'svc.selector', 'endpoints are a consequence, not a second cause')
      assert.deepEqual(run.report!.diagnosis.findings, ['svc.selector', 'svc.connect'])
    })
  })

  it('targetPort with nothing listening: endpoints are ready but refuse, naming the pod and port', async () => {
    await withNamespace('svc-port', async (namespace) => {
      apply(namespace, web('backend') + '---\n' + service('backend', {app: 'backend'}, 9090))
      await rolledOut(namespace, 'backend')
      await waitFor('1 ready endpoint', () => readyEndpoints(namespace, 'backend') === 1)
      const run = netdiag(['svc', 'backend', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr + run.stdout)
      const root = run.report!.diagnosis.rootCause!
      assert.equal(root.checkId, 'svc.connect', JSON.stringify(run.report!.checks, null, 2))
      assert.match(root.summary, /9090/)
      assert.match(root.summary, /refus/)
      assert.equal(check(run.report, 'svc.ports').status, 'warn', 'a numeric targetPort no container declares is a warning')
    })
  })

  it('all backends failing readiness: no ready endpoints, and the failing readiness probe is the reason', async () => {
    await withNamespace('svc-unready', async (namespace) => {
      apply(namespace, web('backend', {replicas: 2, readinessPath: '/not-there'}) + '---\n' + service('backend', {app: 'backend'}))
      await waitFor('2 not-ready backend pods', () => {
        const out = kubectlOk(['get', 'pods', '-n', namespace, '-l', 'app=backend', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}'])
        return out.split('\n').filter((l) => l === 'Running').length === 2
      })
      const run = netdiag(['svc', 'backend', '-n', namespace, ...probe])
      assert.equal(run.exitCode, 1, run.stderr)
      const root = run.report!.diagnosis.rootCause!
      assert.equal(root.checkId, 'svc.endpoints')
      assert.match(root.summary, /has no ready endpoint for port http 80\/TCP/)
      assert.equal(root.summary.match(/fails its readiness probe \(httpGet :8080\/not-there/g)?.length, 2, 'each not-ready pod with its failing probe')
    })
  })

  it('a Service that lives in another namespace: says where it is and how to address it', async () => {
    await withNamespace('svc-here', async (here) => {
      await withNamespace('svc-there', async (there) => {
        apply(there, web('payments') + '---\n' + service('payments', {app: 'payments'}))
        const run = netdiag(['svc', 'payments', '-n', here, ...probe])
        assert.equal(run.exitCode, 1, run.stderr)
        const root = run.report!.diagnosis.rootCause!
        assert.equal(root.checkId, 'svc.service')
        assert.match(root.summary, new RegExp(`${there}`))
        assert.match(`${root.summary} ${root.remediation}`, new RegExp(`payments\\.${there}`))
      })
    })
  })
})
