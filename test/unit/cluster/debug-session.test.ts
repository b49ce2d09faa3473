import nock from 'nock'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {after, afterEach, before, describe, it} from 'node:test'

import {DebugSession} from '../../../src/cluster/debug-session.js'
import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import type {Pod} from '../../../src/cluster/types.js'
import {NetdiagError} from '../../../src/errors.js'
import {fakeSocketFactory} from '../../helpers/fake-socket.js'
import {TEST_SERVER, writeKubeconfig} from '../../helpers/kubeconfig.js'
import {debugPod} from '../../helpers/pods.js'

function session(overrides: Partial<ConstructorParameters<typeof DebugSession>[0]> = {}) {
  return new DebugSession({
    connection: loadConnection({kubeconfig: writeKubeconfig()}),
    image: 'nicolaka/netshoot:latest',
    startTimeoutMs: 2000,
    execTimeoutMs: 1000,
    keep: false,
    command: 'kubectl netdiag dns',
    source: {mode: 'pod', namespace: 'shop'},
    nodeNamespace: 'shop',
    pollIntervalMs: 10,
    socketFactory: fakeSocketFactory({stdout: 'ok\n', status: {status: 'Success'}}),
    ...overrides,
  })
}

describe('DebugSession', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('creates a labelled, self-expiring pod, waits for Running, execs, and deletes it', async () => {
    let created: Pod | undefined
    const scope = nock(TEST_SERVER)
      .post('/api/v1/namespaces/shop/pods', (body: Pod) => ((created = body), true))
      .reply(201, debugPod('netdiag-ab-x1', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'running'))
      .delete('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .query({gracePeriodSeconds: '0'})
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'running'))
      .get('/api/v1/namespaces/shop/pods')
      .query((q) => String(q.labelSelector).startsWith('kubectl-netdiag.io/session='))
      .reply(200, {kind: 'PodList', apiVersion: 'v1', items: []})
    const s = session()
    const runner = await s.source()
    assert.equal(runner.description, 'debug pod shop/netdiag-ab-x1 on node-1')
    assert.equal((await runner.exec(['echo', 'ok'])).stdout, 'ok\n')
    assert.strictEqual(await s.source(), runner, 'the source starts once per run')
    await s.close()
    scope.done()

    const spec = created!.spec!
    assert.equal(created!.metadata!.labels!['app.kubernetes.io/managed-by'], 'kubectl-netdiag')
    assert.equal(created!.metadata!.labels!['kubectl-netdiag.io/session'], s.sessionId)
    assert.ok(spec.activeDeadlineSeconds! >= 120)
    assert.equal(spec.terminationGracePeriodSeconds, 0)
    assert.equal(spec.containers[0].imagePullPolicy, 'IfNotPresent')
    assert.equal(spec.automountServiceAccountToken, false)
    assert.notEqual(spec.containers[0].securityContext?.privileged, true)
    assert.equal(spec.hostNetwork, undefined)
  })

  it('fails fast with the reason and the flag when the image cannot be pulled, and still deletes the pod', async () => {
    const scope = nock(TEST_SERVER)
      .post('/api/v1/namespaces/shop/pods')
      .reply(201, debugPod('netdiag-ab-x2', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x2')
      .reply(200, debugPod('netdiag-ab-x2', 'shop', 'image-pull'))
      .delete('/api/v1/namespaces/shop/pods/netdiag-ab-x2')
      .query(true)
      .reply(200, {})
      .get('/api/v1/namespaces/shop/pods')
      .query(true)
      .reply(200, {items: []})
    const s = session()
    await assert.rejects(s.source(), (error: unknown) => {
      assert.ok(error instanceof NetdiagError)
      assert.match(error.message, /cannot pull image nicolaka\/netshoot:latest \(ImagePullBackOff: Back-off pulling image/)
      assert.match(error.message, /use --image/)
      return true
    })
    await s.close()
    scope.done()
  })

  it('gives up on an unschedulable pod after the start timeout with the scheduler message', async () => {
    nock(TEST_SERVER)
      .post('/api/v1/namespaces/shop/pods')
      .reply(201, debugPod('netdiag-ab-x3', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x3')
      .times(1000)
      .reply(200, debugPod('netdiag-ab-x3', 'shop', 'unschedulable'))
      .delete('/api/v1/namespaces/shop/pods/netdiag-ab-x3')
      .query(true)
      .reply(200, {})
      .get('/api/v1/namespaces/shop/pods')
      .query(true)
      .reply(200, {items: []})
    const s = session({startTimeoutMs: 100})
    await assert.rejects(s.source(), /did not start within 0s \(Unschedulable: 0\/3 nodes are available: 3 Insufficient memory/)
    await s.close()
  })

  it('explains a PodSecurity rejection and suggests --from-pod', async () => {
    nock(TEST_SERVER)
      .post('/api/v1/namespaces/locked/pods')
      .reply(403, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'pods "netdiag-ab-x4" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "probe" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "probe" must set securityContext.runAsNonRoot=true)',
        reason: 'Forbidden',
        details: {name: 'netdiag-ab-x4', kind: 'pods'},
        code: 403,
      })
      .get('/api/v1/namespaces/locked/pods')
      .query(true)
      .reply(200, {items: []})
    const s = session({source: {mode: 'pod', namespace: 'locked'}})
    await assert.rejects(
      s.source(),
      /^NetdiagError: namespace locked enforces Pod Security "restricted:latest", which rejects the debug pod \(allowPrivilegeEscalation != false; runAsNonRoot != true\): run with -n pointing at a namespace that allows it, or --from-pod to probe from an existing pod$/,
    )
    await s.close()
  })

  it('adds an ephemeral container with a strategic merge patch and waits for it', async () => {
    let contentType = ''
    let patch: {spec: {ephemeralContainers: Array<{name: string; image: string}>}} | undefined
    const running = debugPod('web-7d9', 'shop', 'running') as {status: Record<string, unknown>}
    const s = session({source: {mode: 'ephemeral', namespace: 'shop', pod: 'web-7d9'}})
    const container = `netdiag-${s.sessionId}`
    running.status.ephemeralContainerStatuses = [{name: container, ready: false, restartCount: 0, image: 'nicolaka/netshoot:latest', imageID: '', state: {running: {startedAt: '2026-11-23T01:00:00Z'}}}]
    const scope = nock(TEST_SERVER)
      .patch('/api/v1/namespaces/shop/pods/web-7d9/ephemeralcontainers', (body) => ((patch = body), true))
      .reply(function () {
        contentType = String(this.req.headers['content-type'])
        return [200, running]
      })
      .get('/api/v1/namespaces/shop/pods/web-7d9')
      .reply(200, running)
    const runner = await s.source()
    scope.done()
    assert.equal(contentType, 'application/strategic-merge-patch+json')
    assert.equal(patch!.spec.ephemeralContainers[0].name, container)
    assert.equal(runner.details.ephemeral, true)
    assert.deepEqual(s.ephemeralContainers, [{namespace: 'shop', pod: 'web-7d9', container}])
    await s.close() // deletes nothing: the user's pod is never deleted
  })

  it('with --keep leaves the pod and says how to remove it', async () => {
    const lines: string[] = []
    nock(TEST_SERVER).post('/api/v1/namespaces/shop/pods').reply(201, debugPod('netdiag-ab-x5', 'shop', 'running')).get('/api/v1/namespaces/shop/pods/netdiag-ab-x5').reply(200, debugPod('netdiag-ab-x5', 'shop', 'running'))
    const s = session({keep: true, log: (line) => lines.push(line)})
    await s.source()
    await s.close()
    assert.ok(lines.some((l) => /kept debug pod shop\/netdiag-ab-x5 .*kubectl netdiag cleanup -n shop/.test(l)))
    assert.ok(nock.isDone())
  })

  it('deletes the debug pod when the process gets SIGINT mid-probe, then exits 130', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('../../fixtures/interrupt-child.ts', import.meta.url).pathname], {encoding: 'utf8', timeout: 20_000})
    assert.equal(child.status, 130, child.stderr)
    assert.match(child.stdout, /exec started/)
    assert.match(child.stdout, /DELETE \/api\/v1\/namespaces\/shop\/pods\/netdiag-int-1/)
    assert.match(child.stderr, /SIGINT received, deleting debug pods/)
  })
})
