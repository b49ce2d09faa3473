import nock from 'nock'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {mockDnsCluster, runDns} from '../helpers/dns-cluster.js'
import {writeTempFile} from '../helpers/files.js'
import {TEST_SERVER, TEST_TOKEN} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, endpointSlice, list, namespace, networkPolicy, pod, service} from '../helpers/svc-fixtures.js'

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const shopSnapshot = () =>
  writeTempFile('cluster.json', JSON.stringify(list('List', [namespace('shop'), namespace('payments'), service(), ...backendPods(), endpointSlice(backendPods()), pod({name: 'api-0', namespace: 'payments', deployment: null, labels: {app: 'api'}})])))

describe("kubectl's manners", () => {
  strictNock()

  it('-v 6 logs every API call (method, URL, status, time) on stderr, never the token; stdout stays one JSON document', async () => {
    const r = await runDns({}, ['--no-probe', '-v', '6'])
    assert.equal(r.exitCode, 0, r.stderr)
    const lines = r.stderr.trimEnd().split('\n')
    assert.ok(lines.length >= 10, r.stderr)
    for (const line of lines) assert.match(line, /^(GET https:\/\/k8s\.test:6443\/\S+ 200 OK|POST https:\/\/k8s\.test:6443\/\S+ 201 Created) in \d+ milliseconds$/)
    assert.ok(lines.some((l) => l.startsWith('GET https://k8s.test:6443/version ')))
    // The access reviews go through the same client as the reads, so they are logged too.
    assert.ok(lines.some((l) => l.startsWith('POST https://k8s.test:6443/apis/authorization.k8s.io/v1/selfsubjectaccessreviews ')))
    assert.doesNotMatch(r.stderr, new RegExp(TEST_TOKEN))
    assertValidReport(JSON.parse(r.stdout))
  })

  it('without -v nothing is logged', async () => {
    const r = await runDns({}, ['--no-probe'])
    assert.equal(r.stderr, '')
  })

  it('--as and --as-group impersonate on every request: reads and access reviews alike', async () => {
    const headers: Array<Record<string, unknown>> = []
    const scope = mockDnsCluster({})
    scope.on('request', (req: {headers: Record<string, unknown>}) => headers.push(req.headers))
    const r = await run(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfigFile(), '-o', 'json', '--no-probe', '--as', 'jane', '--as-group', 'developers'])
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.ok(headers.length > 10)
    for (const h of headers) {
      assert.equal(String(h['impersonate-user']), 'jane')
      assert.equal(String(h['impersonate-group']), 'developers')
    }
  })

  it('--timeout bounds API calls too (no --request-timeout): a silent server fails at the timeout, exit 3', async () => {
    nock(TEST_SERVER).get('/version').delay(4000).reply(200, {})
    const r = await run(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfigFile(), '-o', 'json', '--timeout', '1s'])
    assert.equal(r.exitCode, 3, r.stderr)
    assert.equal(r.stderr, 'error: the API server did not answer within 1s to get version: it is overloaded or unreachable\n')
  })

  it('flags anywhere: after the positional, and a repeatable --snapshot does not swallow it', async () => {
    const file = shopSnapshot()
    for (const argv of [
      ['svc', '--snapshot', file, 'backend', '-n', 'shop', '-o', 'json'],
      ['svc', '-o', 'json', 'backend', '--snapshot', file, '-n', 'shop'],
      ['svc', 'svc/backend', '-n', 'shop', '--snapshot', file, '-o', 'json'],
      ['svc', 'service/backend', '-n', 'shop', '--snapshot', file, '-o', 'json'],
      ['svc', 'shop/backend', '--snapshot', file, '-o', 'json'],
    ]) {
      const r = await run(argv)
      assert.equal(r.stderr, '', argv.join(' '))
      const report = JSON.parse(r.stdout)
      assert.deepEqual([report.target.namespace, report.target.name], ['shop', 'backend'], argv.join(' '))
    }
  })

  it('the same snapshot twice counts its objects once', async () => {
    const file = shopSnapshot()
    const once = JSON.parse((await run(['svc', 'backend', '-n', 'shop', '--snapshot', file, '-o', 'json'])).stdout)
    const twice = JSON.parse((await run(['svc', 'backend', '-n', 'shop', '--snapshot', file, '--snapshot', file, '-o', 'json'])).stdout)
    const copy = writeTempFile('copy.json', readFileSync(file, 'utf8'))
    const copied = JSON.parse((await run(['svc', 'backend', '-n', 'shop', '--snapshot', file, '--snapshot', copy, '-o', 'json'])).stdout)
    const summaries = (r: {checks: Array<{id: string; summary: string}>}) => r.checks.map((c) => `${c.id}: ${c.summary}`)
    assert.deepEqual(summaries(twice), summaries(once))
    assert.deepEqual(summaries(copied), summaries(once))
  })

  it('svc --from-pod NS/NAME: a client in another namespace is accepted and its policies evaluated (#13 item 7)', async () => {
    const deny = networkPolicy('deny-from-payments', {podSelector: {matchLabels: {app: 'backend'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {}}]}]})
    const file = writeTempFile('cluster.json', JSON.stringify(list('List', [namespace('shop'), namespace('payments'), service(), ...backendPods(), endpointSlice(backendPods()), deny, pod({name: 'api-0', namespace: 'payments', deployment: null, labels: {app: 'api'}})])))
    for (const fromPod of ['payments/api-0', 'pod/api-0']) {
      const r = await run(['svc', 'backend', '-n', 'shop', '--snapshot', file, '-o', 'json', '--from-pod', fromPod])
      if (fromPod === 'pod/api-0') {
        // pod/NAME is in the Service's namespace, where there is no api-0.
        assert.equal(r.exitCode, 2)
        assert.equal(r.stderr, 'error: pod "api-0" not found in namespace shop in the snapshot, which holds pods in namespace shop backend-6d8f7b9c4-2xkqp, backend-6d8f7b9c4-7mzrt\n')
        continue
      }
      assert.equal(r.stderr, '')
      const report = JSON.parse(r.stdout)
      assert.deepEqual(report.target, {namespace: 'shop', name: 'backend', fromPod: 'api-0', fromPodNamespace: 'payments'})
      const policy = report.checks.find((c: {id: string}) => c.id === 'svc.policy')
      assert.equal(policy.status, 'fail', policy.summary)
      assert.match(policy.summary, /deny-from-payments/)
    }
  })

  it('--snapshot - reads stdin (kubectl get ... -o json | kubectl netdiag ...), and empty stdin is "empty"', () => {
    const text = readFileSync(shopSnapshot(), 'utf8')
    const r = spawnSync(process.execPath, [cli, 'svc', 'backend', '-n', 'shop', '--snapshot', '-', '-o', 'json'], {input: text, encoding: 'utf8'})
    assert.equal(r.stderr, '')
    assert.equal(JSON.parse(r.stdout).cluster.server, '-')
    const empty = spawnSync(process.execPath, [cli, 'dns', '--snapshot', '-'], {input: '', encoding: 'utf8'})
    assert.equal(empty.status, 2)
    assert.equal(empty.stderr, 'error: snapshot stdin is empty; create one with: kubectl netdiag snapshot > cluster.json\n')
    const big = spawnSync(process.execPath, [cli, 'dns', '--snapshot', '-', '--snapshot-max-size', '1Ki'], {input: text, encoding: 'utf8'})
    assert.equal(big.status, 2)
    assert.match(big.stderr, /^error: snapshot stdin is more than \d+(\.\d)? KiB, over the 1 KiB limit: raise it with --snapshot-max-size 1Gi/)
  })

  it('TERM=dumb, piped: no colour, no spinner; COLUMNS sets the table width', () => {
    const file = shopSnapshot()
    for (const columns of ['50', '160']) {
      const r = spawnSync(process.execPath, [cli, 'svc', 'backend', '-n', 'shop', '--snapshot', file], {encoding: 'utf8', env: {...process.env, TERM: 'dumb', COLUMNS: columns}})
      assert.doesNotMatch(r.stdout + r.stderr, /\u001b/)
      const widest = Math.max(...r.stdout.split('\n').map((l) => l.length))
      assert.ok(widest <= Number(columns), `${widest} > ${columns}`)
      if (columns === '160') assert.ok(widest > 100, String(widest))
    }
  })
})

function writeKubeconfigFile(): string {
  return writeTempFile(
    'config',
    `apiVersion: v1
kind: Config
current-context: test
clusters:
- name: test
  cluster: {server: ${TEST_SERVER}, insecure-skip-tls-verify: true}
users:
- name: test
  user: {token: ${TEST_TOKEN}}
contexts:
- name: test
  context: {cluster: test, user: test}
`,
  )
}
