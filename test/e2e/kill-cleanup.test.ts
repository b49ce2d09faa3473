import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'
import {after, before, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, kubectlOk, netdiagObjects, PROBE_IMAGE, skipWithoutCluster, sleep, startNetdiag, waitFor, web} from './helpers.js'

/**
 * Cleanup that does not depend on netdiag surviving. kill -9 gives netdiag no chance to delete anything: the
 * anchor Job must fail at its deadline and take the pods with it. SIGINT arrives across the whole window in
 * which the pod create is in flight; with a deadline far away, only netdiag's own cleanup can pass that test.
 */
const DEADLINE_SECONDS = 20
/** Job controller requeue at the deadline, TTL controller, garbage collector: seconds on this cluster. */
const MARGIN_MS = 25_000
const NODE1 = 'netdiag-node1'
const NODE2 = 'netdiag-node2'

interface Started {
  child: ChildProcess
  startedAt: number
  /** Resolves with ms since start when netdiag logs its first "created debug pod". */
  created: Promise<number>
  exited: Promise<number | null>
  stderr: () => string
}

function start(args: string[], deadlineSeconds: number): Started {
  const child = startNetdiag(args, {NETDIAG_DEADLINE_SECONDS: String(deadlineSeconds)})
  const startedAt = Date.now()
  let stderr = ''
  let announce: (ms: number) => void = () => {}
  let never: (error: Error) => void = () => {}
  const created = new Promise<number>((resolve, reject) => ((announce = resolve), (never = reject)))
  created.catch(() => undefined)
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (/created debug pod/.test(stderr)) announce(Date.now() - startedAt)
  })
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      never(new Error(`netdiag ${args.join(' ')} exited (${code}) without creating a pod: ${stderr}`))
      resolve(code)
    }),
  )
  return {child, startedAt, created, exited, stderr: () => stderr}
}

function podYaml(name: string, node: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - {name: main, image: ${PROBE_IMAGE}, imagePullPolicy: IfNotPresent, command: [sleep, infinity]}
`
}

describe('e2e: nothing of ours outlives netdiag', {skip: skipWithoutCluster}, () => {
  const namespace = `e2e-kill-${Date.now().toString(36)}`
  const probe = ['--image', PROBE_IMAGE, '-o', 'json']
  const commands: Record<string, string[]> = {
    dns: ['dns', '-n', namespace, '--external-name=none', ...probe],
    svc: ['svc', 'web', '-n', namespace, ...probe],
    path: ['path', 'a', 'b', '-n', namespace, '--probe-mode', 'pod', '--port', '8080', ...probe],
    node: ['node', ...probe], // every node: a privileged pod on each, in kube-system
  }

  before(async () => {
    kubectlOk(['create', 'namespace', namespace])
    apply(namespace, web('web'))
    kubectlOk(['expose', 'deployment', 'web', '-n', namespace, '--port', '80', '--target-port', '8080'])
    apply(namespace, podYaml('a', NODE1))
    apply(namespace, podYaml('b', NODE2))
    kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod/a', 'pod/b'])
    kubectlOk(['wait', '-n', namespace, '--for=condition=Ready', '--timeout=120s', 'pod', '-l', 'app=web'])
  })
  after(async () => {
    kubectlOk(['delete', 'namespace', namespace, '--wait=false'])
    await assertNoNetdiagPodsLeft()
  })

  it('kill -9 before, at and after the pod create of dns, svc, path --probe-mode pod and node: all gone by the deadline', async () => {
    const left: string[] = []
    for (const [name, args] of Object.entries(commands)) {
      // Calibrate: when does this command create its first pod on this cluster?
      const calibration = start(args, DEADLINE_SECONDS)
      const createdAt = await calibration.created
      calibration.child.kill('SIGKILL')
      await calibration.exited
      for (const [moment, delay] of [['before the create returns', Math.max(0, createdAt - 150)], ['right after the create', -1], ['mid-probe', createdAt + 2500]] as const) {
        const run = start(args, DEADLINE_SECONDS)
        if (delay < 0) await run.created
        else await sleep(delay)
        run.child.kill('SIGKILL')
        await run.exited
        left.push(...netdiagObjects().map((o) => `${name} ${moment}: ${o}`))
      }
      calibration.child.kill('SIGKILL')
    }
    // The test would pass on a netdiag that never creates anything: prove the kills really left objects behind.
    assert.ok(left.some((l) => l.includes('Pod/')), `no kill left a pod behind, so nothing was tested:\n${left.join('\n')}`)
    assert.ok(left.some((l) => l.includes(`Pod/kube-system/`)), 'node pods (kube-system) were left behind by some kill')
    await sleep(DEADLINE_SECONDS * 1000)
    await waitFor('every pod and Job of the killed runs to be deleted by the cluster', () => netdiagObjects().length === 0, MARGIN_MS)
  })

  it('SIGINT anywhere in the pod-creation window: netdiag deletes the pod and its Job itself, exit 130', async () => {
    // A deadline far away: only netdiag's own cleanup can make the objects disappear within the wait below.
    const deadline = 600
    const calibration = start(commands.dns!, deadline)
    const createdAt = await calibration.created
    calibration.child.kill('SIGINT')
    assert.equal(await calibration.exited, 130, calibration.stderr())
    const offsets = [-600, -450, -300, -200, -100, -50, 0, 50, 100, 200, 400]
    for (const offset of offsets) {
      const run = start(commands.dns!, deadline)
      await sleep(Math.max(0, createdAt + offset))
      run.child.kill('SIGINT')
      const code = await run.exited
      // null: the signal came before netdiag installed its handler (nothing created yet); else 130 after cleanup.
      assert.ok(code === 130 || code === null, `exit ${code} at offset ${offset}: ${run.stderr()}`)
      await waitFor(`no pod or Job left after SIGINT at create${offset >= 0 ? '+' : ''}${offset}ms`, () => netdiagObjects().length === 0, 15_000)
    }
  })
})
