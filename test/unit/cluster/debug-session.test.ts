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
import {anchorJob, debugPod} from '../../helpers/pods.js'

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

/** The anchor Job every pod-creating test sees: created first, deleted (or listed) on close. */
function withAnchor(scope: nock.Scope, namespace = 'shop', name = 'netdiag-ab-j1'): nock.Scope {
  return scope
    .post(`/apis/batch/v1/namespaces/${namespace}/jobs`)
    .reply(201, anchorJob(name, namespace))
    .delete(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`)
    .query(true)
    .reply(200, {})
    .get(`/apis/batch/v1/namespaces/${namespace}/jobs`)
    .query(true)
    .reply(200, {kind: 'JobList', apiVersion: 'batch/v1', items: []})
}

/** The end of every pod-creating test: the pod we made is deleted, and the session's label sweep finds nothing else. */
function withPodDeleted(scope: nock.Scope, name: string): nock.Scope {
  return scope
    .delete(`/api/v1/namespaces/shop/pods/${name}`)
    .query(true)
    .reply(200, {})
    .get('/api/v1/namespaces/shop/pods')
    .query(true)
    .reply(200, {items: []})
}

describe('DebugSession', () => {
  before(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  after(() => nock.enableNetConnect())

  it('creates an anchor Job, a labelled pod it owns, waits for Running, execs, and deletes both', async () => {
    let created: Pod | undefined
    let job: {spec: {parallelism: number; activeDeadlineSeconds: number; ttlSecondsAfterFinished: number}; metadata: {labels: Record<string, string>}} | undefined
    const scope = nock(TEST_SERVER)
      .post('/apis/batch/v1/namespaces/shop/jobs', (body) => ((job = body), true))
      .reply(201, anchorJob('netdiag-ab-j1', 'shop'))
      .post('/api/v1/namespaces/shop/pods', (body: Pod) => ((created = body), true))
      .reply(201, debugPod('netdiag-ab-x1', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'running'))
      .delete('/api/v1/namespaces/shop/pods/netdiag-ab-x1')
      .query({gracePeriodSeconds: '0'})
      .reply(200, debugPod('netdiag-ab-x1', 'shop', 'running'))
      .delete('/apis/batch/v1/namespaces/shop/jobs/netdiag-ab-j1')
      .query({propagationPolicy: 'Background'})
      .reply(200, anchorJob('netdiag-ab-j1', 'shop'))
      .get('/api/v1/namespaces/shop/pods')
      .query((q) => String(q.labelSelector).startsWith('kubectl-netdiag.io/session='))
      .reply(200, {kind: 'PodList', apiVersion: 'v1', items: []})
      .get('/apis/batch/v1/namespaces/shop/jobs')
      .query((q) => String(q.labelSelector).startsWith('kubectl-netdiag.io/session='))
      .reply(200, {kind: 'JobList', apiVersion: 'batch/v1', items: [anchorJob('netdiag-ab-j1', 'shop')]})
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
    assert.ok(spec.activeDeadlineSeconds! >= 119 && spec.activeDeadlineSeconds! <= s.deadlineSeconds)
    assert.deepEqual(created!.metadata!.ownerReferences, [{apiVersion: 'batch/v1', kind: 'Job', name: 'netdiag-ab-j1', uid: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'}])
    assert.equal(job!.spec.parallelism, 0)
    assert.equal(job!.spec.ttlSecondsAfterFinished, 0)
    assert.equal(job!.spec.activeDeadlineSeconds, s.deadlineSeconds)
    assert.equal(job!.metadata.labels['kubectl-netdiag.io/session'], s.sessionId)
    assert.equal(spec.terminationGracePeriodSeconds, 0)
    assert.equal(spec.containers[0].imagePullPolicy, 'IfNotPresent')
    assert.equal(spec.automountServiceAccountToken, false)
    assert.notEqual(spec.containers[0].securityContext?.privileged, true)
    assert.equal(spec.hostNetwork, undefined)
  })

  it('fails fast with the reason and the flag when the image cannot be pulled, and still deletes the pod', async () => {
    const scope = withPodDeleted(withAnchor(nock(TEST_SERVER))
      .post('/api/v1/namespaces/shop/pods')
      .reply(201, debugPod('netdiag-ab-x2', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x2')
      .reply(200, debugPod('netdiag-ab-x2', 'shop', 'image-pull')), 'netdiag-ab-x2')
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
    withPodDeleted(withAnchor(nock(TEST_SERVER))
      .post('/api/v1/namespaces/shop/pods')
      .reply(201, debugPod('netdiag-ab-x3', 'shop', 'pending'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x3')
      .times(1000)
      .reply(200, debugPod('netdiag-ab-x3', 'shop', 'unschedulable')), 'netdiag-ab-x3')
    const s = session({startTimeoutMs: 100})
    await assert.rejects(s.source(), /did not start within 0s \(Unschedulable: 0\/3 nodes are available: 3 Insufficient memory/)
    await s.close()
  })

  it('explains a PodSecurity rejection and suggests --from-pod', async () => {
    withAnchor(nock(TEST_SERVER), 'locked')
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

  it('runs the startup script in the probe container before it sleeps, and reads what it printed from the log', async () => {
    let created: Pod | undefined
    let logQuery: Record<string, string> = {}
    const scope = withPodDeleted(withAnchor(nock(TEST_SERVER))
      .post('/api/v1/namespaces/shop/pods', (body: Pod) => ((created = body), true))
      .reply(201, debugPod('netdiag-ab-x6', 'shop', 'running'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x6')
      .reply(200, debugPod('netdiag-ab-x6', 'shop', 'running'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x6/log')
      .query((q) => ((logQuery = {...q} as Record<string, string>), true))
      .reply(200, 'netdiag-tool dig /usr/bin/dig native\nnetdiag-tools-end\n')
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x6/log')
      .query(true)
      .reply(403, {kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403}), 'netdiag-ab-x6')
    const s = session({startupScript: 'echo hello'})
    const runner = await s.source()
    const command = created!.spec!.containers[0].command!
    assert.deepEqual(command.slice(0, 2), ['sh', '-c'])
    assert.match(command[2]!, /^echo hello\nexec sleep \d+$/)
    assert.equal(await runner.startupOutput!(), 'netdiag-tool dig /usr/bin/dig native\nnetdiag-tools-end\n')
    assert.deepEqual(logQuery, {container: 'probe'})
    assert.equal(await runner.startupOutput!(), undefined, 'a log we may not read is no answer, not an error')
    await s.close()
    scope.done()
  })

  it('without a startup script the probe container only sleeps and the runner offers no startup output', async () => {
    let created: Pod | undefined
    withPodDeleted(withAnchor(nock(TEST_SERVER))
      .post('/api/v1/namespaces/shop/pods', (body: Pod) => ((created = body), true))
      .reply(201, debugPod('netdiag-ab-x7', 'shop', 'running'))
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x7')
      .reply(200, debugPod('netdiag-ab-x7', 'shop', 'running')), 'netdiag-ab-x7')
    const s = session()
    const runner = await s.source()
    assert.equal(created!.spec!.containers[0].command![0], 'sleep')
    assert.equal(runner.startupOutput, undefined)
    await s.close()
  })

  it('with --keep leaves the pod and says how to remove it', async () => {
    const lines: string[] = []
    nock(TEST_SERVER).post('/apis/batch/v1/namespaces/shop/jobs').reply(201, anchorJob('netdiag-ab-j1', 'shop')).post('/api/v1/namespaces/shop/pods').reply(201, debugPod('netdiag-ab-x5', 'shop', 'running')).get('/api/v1/namespaces/shop/pods/netdiag-ab-x5').reply(200, debugPod('netdiag-ab-x5', 'shop', 'running'))
    const s = session({keep: true, log: (line) => lines.push(line)})
    await s.source()
    await s.close()
    assert.ok(lines.some((l) => /kept debug pod shop\/netdiag-ab-x5 \(--keep\) until its deadline, when the cluster deletes it.*kubectl netdiag cleanup -n shop/.test(l)), lines.join('\n'))
    assert.ok(nock.isDone())
  })

  it('deletes the debug pod when the process gets SIGINT mid-probe, then exits 130', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('../../fixtures/interrupt-child.ts', import.meta.url).pathname], {encoding: 'utf8', timeout: 20_000})
    assert.equal(child.status, 130, child.stderr)
    assert.match(child.stdout, /exec started/)
    assert.match(child.stdout, /DELETE \/api\/v1\/namespaces\/shop\/pods\/netdiag-int-1/)
    assert.match(child.stdout, /DELETE \/apis\/batch\/v1\/namespaces\/shop\/jobs\/netdiag-int-j/)
    assert.match(child.stderr, /SIGINT received, deleting debug pods/)
  })

  it('close() during a pod create that has not answered yet waits for the answer and deletes that pod', async () => {
    let requestSeen: () => void = () => {}
    const seen = new Promise<void>((resolve) => (requestSeen = resolve))
    const scope = withAnchor(nock(TEST_SERVER))
      .post('/api/v1/namespaces/shop/pods')
      .delay(300)
      .reply(function () {
        requestSeen()
        return [201, debugPod('netdiag-ab-x6', 'shop', 'pending')]
      })
      .get('/api/v1/namespaces/shop/pods/netdiag-ab-x6')
      .optionally()
      .reply(200, debugPod('netdiag-ab-x6', 'shop', 'pending'))
      .delete('/api/v1/namespaces/shop/pods/netdiag-ab-x6')
      .query({gracePeriodSeconds: '0'})
      .reply(200, {})
      .get('/api/v1/namespaces/shop/pods')
      .query(true)
      .reply(200, {items: []}) // the sweep lists before the create has landed: only the wait finds the pod
    const s = session()
    const starting = s.source().catch((error: unknown) => error)
    await seen
    await s.close()
    await starting
    scope.done()
  })

  it('starts nothing once close() has begun, and says why', async () => {
    const s = session()
    await s.close()
    await assert.rejects(s.source(), /interrupted: netdiag is deleting its debug pods/)
    assert.ok(nock.isDone())
  })

  it('refuses to create a pod when it cannot create the Job that would delete it after a kill', async () => {
    const scope = nock(TEST_SERVER)
      .post('/apis/batch/v1/namespaces/shop/jobs')
      .reply(403, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'jobs.batch is forbidden: User "alice" cannot create resource "jobs" in API group "batch" in the namespace "shop"', reason: 'Forbidden', details: {group: 'batch', kind: 'jobs'}, code: 403})
      .get('/api/v1/namespaces/shop/pods')
      .query(true)
      .reply(200, {items: []})
      .get('/apis/batch/v1/namespaces/shop/jobs')
      .query(true)
      .reply(200, {items: []})
    const s = session()
    await assert.rejects(s.source(), /cannot create the Job that makes our debug pods in namespace shop delete themselves if netdiag is killed .*grant create on jobs\.batch/)
    await s.close()
    scope.done()
  })

  it('NETDIAG_DEADLINE_SECONDS shortens the deadline of the Job and its pods; malformed values are bad input', () => {
    const saved = process.env.NETDIAG_DEADLINE_SECONDS
    try {
      process.env.NETDIAG_DEADLINE_SECONDS = '25'
      const s = session()
      assert.equal(s.deadlineSeconds, 25)
      void s.close()
      for (const bad of ['9', '2m', '-30', '1.5']) {
        process.env.NETDIAG_DEADLINE_SECONDS = bad
        assert.throws(() => session(), (error: unknown) => error instanceof NetdiagError && error.exitCode === 2 && /NETDIAG_DEADLINE_SECONDS must be a whole number of seconds, at least 10/.test(error.message))
      }
    } finally {
      if (saved === undefined) delete process.env.NETDIAG_DEADLINE_SECONDS
      else process.env.NETDIAG_DEADLINE_SECONDS = saved
    }
  })
})
