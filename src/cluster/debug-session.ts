import {randomBytes} from 'node:crypto'

import type {ExecResult, ProbeFactory, ProbeRunner} from '../engine/types.js'
import {ExitCode, NetdiagError} from '../errors.js'
import {RawApiClient} from './api-client.js'
import {toNetdiagError} from './api-errors.js'
import {
  anchorJobManifest,
  type AnchorRef,
  debugPodManifest,
  ephemeralContainerPatch,
  nodeDebugPodManifest,
  PROBE_CONTAINER,
  SESSION_LABEL,
} from './debug-pod-spec.js'
import {execInContainer, type WebSocketInterface} from './exec.js'
import {ExecBatcher} from './exec-batcher.js'
import {batchSize} from './exec-batch-script.js'
import type {Connection} from './kubeconfig.js'
import {registerCleanup} from './lifecycle.js'
import {timePhase} from './phase-times.js'
import {podStartState} from './pod-start.js'
import type {Pod} from './types.js'

export type ProbeSourceSpec =
  | {mode: 'pod'; namespace: string; /** Pin the debug pod to this node (path --probe-mode pod). */ nodeName?: string; /** ping/traceroute: root with NET_RAW. */ rawSockets?: boolean}
  | {mode: 'ephemeral'; namespace: string; pod: string; targetContainer?: string}

export interface DebugSessionOptions {
  connection: Connection
  image: string
  /** How long a pod may take to start before we give up with the reason we saw. */
  startTimeoutMs: number
  /** Default per-command exec timeout. */
  execTimeoutMs: number
  keep: boolean
  /** Annotated on what we create: `kubectl netdiag dns`. */
  command: string
  source: ProbeSourceSpec
  /** Namespace for privileged node debug pods. */
  nodeNamespace: string
  /** Overrides the computed deadline (NETDIAG_DEADLINE_SECONDS): tests that kill netdiag need not wait minutes. */
  deadlineSeconds?: number
  pollIntervalMs?: number
  socketFactory?: WebSocketInterface
  log?: (line: string) => void
  /** Run by the probe container as it starts (not by node pods); ProbeRunner.startupOutput() reads what it printed. */
  startupScript?: string
}

/** NETDIAG_DEADLINE_SECONDS: whole seconds, at least this many (a pod must outlive its own start). */
export const MIN_DEADLINE_SECONDS = 10
/** How long close() waits for create calls already sent before it deletes what they made. */
const IN_FLIGHT_WAIT_MS = 10_000

/**
 * Owns everything a run creates in the cluster: debug pods, the anchor Job that owns them, and ephemeral
 * containers. Every object is labelled with the session id. close() (which also runs on SIGINT/SIGTERM) waits
 * for create calls already in flight, then deletes the pods and the anchors, unless --keep. When netdiag dies
 * without running close(), the anchor Job fails at its deadline, the cluster deletes it (TTL 0) and the
 * garbage collector deletes the pods it owns.
 */
export class DebugSession implements ProbeFactory {
  readonly sessionId = randomBytes(4).toString('hex')
  readonly deadlineSeconds: number
  private readonly api: RawApiClient
  private readonly created: Array<{namespace: string; name: string}> = []
  private readonly createdAnchors: Array<{namespace: string; name: string}> = []
  private readonly anchors = new Map<string, Promise<AnchorRef & {expiresAt: number}>>()
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly namespacesUsed = new Set<string>()
  private readonly started = new Map<string, Promise<ProbeRunner>>()
  private readonly unregister: () => void
  private closed = false
  readonly ephemeralContainers: Array<{namespace: string; pod: string; container: string}> = []

  constructor(private readonly options: DebugSessionOptions) {
    this.api = new RawApiClient(options.connection)
    // Seconds after which the cluster removes what we made even if this process dies.
    this.deadlineSeconds = options.deadlineSeconds ?? deadlineFromEnvironment() ?? Math.max(120, Math.ceil((options.startTimeoutMs + 4 * options.execTimeoutMs) / 1000) + 60)
    this.unregister = registerCleanup(() => this.close())
  }

  source(): Promise<ProbeRunner> {
    return this.once('source', () => {
      const spec = this.options.source
      return spec.mode === 'pod' ? this.startDebugPod(spec.namespace, spec.nodeName, spec.rawSockets) : this.startEphemeral(spec.namespace, spec.pod, spec.targetContainer)
    })
  }

  node(nodeName: string): Promise<ProbeRunner> {
    return this.once(`node|${nodeName}`, () => this.startNodePod(nodeName))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unregister()
    // A create already sent may still land after we list: wait for its answer so we can delete what it made.
    await settleWithin([...this.inFlight], IN_FLIGHT_WAIT_MS)
    if (this.options.keep) {
      for (const pod of this.created) {
        this.options.log?.(`kept debug pod ${pod.namespace}/${pod.name} (--keep) until its deadline, when the cluster deletes it; delete it sooner with: kubectl netdiag cleanup -n ${pod.namespace}`)
      }
      return
    }
    const selector = `${SESSION_LABEL}=${this.sessionId}`
    const deletions = [...this.created.map(({namespace, name}) => this.deletePod(namespace, name)), ...this.createdAnchors.map(({namespace, name}) => this.deleteAnchor(namespace, name))]
    // A create whose answer we never saw (interrupted, or no answer within the wait) still carries our label.
    const sweeps = [...this.namespacesUsed].map(async (namespace) => {
      const [pods, jobs] = await Promise.all([
        this.api.get<ItemList>(podsPath(namespace), {labelSelector: selector}).catch(() => undefined),
        this.api.get<ItemList>(jobsPath(namespace), {labelSelector: selector}).catch(() => undefined),
      ])
      await Promise.all([
        ...(pods?.items ?? []).filter((p) => !this.created.some((c) => c.namespace === namespace && c.name === p.metadata?.name)).map((p) => this.deletePod(namespace, p.metadata!.name!)),
        ...(jobs?.items ?? []).filter((j) => !this.createdAnchors.some((c) => c.namespace === namespace && c.name === j.metadata?.name)).map((j) => this.deleteAnchor(namespace, j.metadata!.name!)),
      ])
    })
    await Promise.allSettled([...deletions, ...sweeps])
  }

  private once(key: string, start: () => Promise<ProbeRunner>): Promise<ProbeRunner> {
    let runner = this.started.get(key)
    if (!runner) {
      runner = timePhase('podStart', start)
      this.started.set(key, runner)
    }
    return runner
  }

  private async startDebugPod(namespace: string, nodeName?: string, rawSockets = false): Promise<ProbeRunner> {
    const manifest = (owner: AnchorRef, deadlineSeconds: number) =>
      debugPodManifest({namespace, nodeName, rawSockets, owner, deadlineSeconds, image: this.options.image, sessionId: this.sessionId, command: this.options.command, startupScript: this.options.startupScript})
    const pod = await this.createPod(namespace, manifest, 'run with -n pointing at a namespace that allows it, or --from-pod to probe from an existing pod')
    return this.runnerFor(pod, PROBE_CONTAINER, `debug pod ${namespace}/${pod.metadata!.name}`, false, Boolean(this.options.startupScript))
  }

  private async startNodePod(nodeName: string): Promise<ProbeRunner> {
    const namespace = this.options.nodeNamespace
    const manifest = (owner: AnchorRef, deadlineSeconds: number) =>
      nodeDebugPodManifest({namespace, nodeName, owner, deadlineSeconds, image: this.options.image, sessionId: this.sessionId, command: this.options.command})
    const pod = await this.createPod(namespace, manifest, 'node checks need a privileged hostNetwork pod: pass --node-namespace with a namespace that allows privileged pods (kube-system usually does)')
    return this.runnerFor(pod, PROBE_CONTAINER, `node debug pod ${namespace}/${pod.metadata!.name}`)
  }

  private async startEphemeral(namespace: string, podName: string, targetContainer?: string): Promise<ProbeRunner> {
    const container = `netdiag-${this.sessionId}`
    const body = ephemeralContainerPatch(container, this.options.image, this.deadlineSeconds, targetContainer, this.options.startupScript)
    try {
      await this.api.request('PATCH', `${podsPath(namespace, podName)}/ephemeralcontainers`, {body, contentType: 'application/strategic-merge-patch+json'})
    } catch (error) {
      const mapped = toNetdiagError(error, {verb: 'patch', resource: 'pods/ephemeralcontainers', namespace, name: podName, server: this.options.connection.server})
      if (mapped.kind === 'not-found') {
        throw new NetdiagError(
          `cannot add an ephemeral container to ${namespace}/${podName}: the pod does not exist, or the API server has no ephemeralcontainers subresource (Kubernetes < 1.23); use --probe-mode pod`,
          ExitCode.badInput,
          'not-found',
        )
      }
      throw mapped
    }
    this.ephemeralContainers.push({namespace, pod: podName, container})
    this.options.log?.(`added ephemeral container ${container} to pod ${namespace}/${podName} (ephemeral containers cannot be removed; it exits after ${this.deadlineSeconds}s)`)
    const pod = await this.waitForRunning(namespace, podName, container, true)
    return this.runnerFor(pod, container, `ephemeral container ${container} in pod ${namespace}/${podName}`, true, Boolean(this.options.startupScript))
  }

  private async createPod(namespace: string, manifest: (owner: AnchorRef, deadlineSeconds: number) => Pod, fix: string): Promise<Pod> {
    this.namespacesUsed.add(namespace)
    const anchor = await this.anchorIn(namespace, fix)
    // Every pod in a namespace expires with the anchor that owns it, whenever in the run it was created.
    const remaining = Math.max(1, Math.floor((anchor.expiresAt - Date.now()) / 1000))
    const created = await this.track(() =>
      this.api.request<Pod>('POST', podsPath(namespace), {body: manifest(anchor, remaining)}).catch((error: unknown) => {
        throw explainCreateFailure(toNetdiagError(error, {verb: 'create', resource: 'pods', namespace, server: this.options.connection.server}), namespace, fix)
      }),
    )
    const name = created.metadata!.name!
    this.created.push({namespace, name})
    this.options.log?.(`created debug pod ${namespace}/${name}`)
    return this.waitForRunning(namespace, name, PROBE_CONTAINER, false)
  }

  /** The session's Job in `namespace` that owns our pods there, created on first use. */
  private anchorIn(namespace: string, fix: string): Promise<AnchorRef & {expiresAt: number}> {
    let anchor = this.anchors.get(namespace)
    if (!anchor) {
      const body = anchorJobManifest({namespace, image: this.options.image, sessionId: this.sessionId, deadlineSeconds: this.deadlineSeconds, command: this.options.command})
      const expiresAt = Date.now() + this.deadlineSeconds * 1000
      anchor = this.track(() =>
        this.api.request<{metadata?: {name?: string; uid?: string}}>('POST', jobsPath(namespace), {body}).then(
          (job) => {
            this.createdAnchors.push({namespace, name: job.metadata!.name!})
            return {name: job.metadata!.name!, uid: job.metadata!.uid!, expiresAt}
          },
          (error: unknown) => {
            const mapped = toNetdiagError(error, {verb: 'create', resource: 'jobs', namespace, server: this.options.connection.server})
            if (mapped.kind !== 'forbidden') throw mapped
            throw new NetdiagError(
              `cannot create the Job that makes our debug pods in namespace ${namespace} delete themselves if netdiag is killed (${mapped.message}); grant create on jobs.batch (rbac/kubectl-netdiag.yaml, ClusterRole kubectl-netdiag-prober), or ${fix}`,
              ExitCode.failed,
              'forbidden',
              mapped.forbidden,
            )
          },
        ),
      )
      this.anchors.set(namespace, anchor)
    }
    return anchor
  }

  /** Refuses new creates once close() has begun, and lets close() wait for the ones already sent. */
  private track<T>(start: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(interrupted())
    const call = start()
    this.inFlight.add(call)
    const forget = () => this.inFlight.delete(call)
    call.then(forget, forget)
    return call
  }

  private async waitForRunning(namespace: string, name: string, container: string, ephemeral: boolean): Promise<Pod> {
    const deadline = Date.now() + this.options.startTimeoutMs
    let lastReason = 'Pending'
    for (;;) {
      if (this.closed) throw interrupted()
      const pod = await this.api.get<Pod>(podsPath(namespace, name)).catch((error: unknown) => {
        throw toNetdiagError(error, {verb: 'get', resource: 'pods', namespace, name, server: this.options.connection.server})
      })
      const state = podStartState(pod, container, this.options.image, ephemeral)
      if (state.state === 'running') return pod
      if (state.state === 'failed') {
        throw new NetdiagError(`debug ${ephemeral ? 'container' : 'pod'} ${namespace}/${name}: ${state.message}; ${state.fix}`, ExitCode.failed, 'api')
      }
      lastReason = state.reason
      if (Date.now() >= deadline) {
        throw new NetdiagError(
          `debug pod ${namespace}/${name} did not start within ${Math.round(this.options.startTimeoutMs / 1000)}s (${lastReason}); raise --timeout, or use --image with an image already on the nodes`,
          ExitCode.failed,
          'timeout',
        )
      }
      await sleep(this.options.pollIntervalMs ?? pollInterval(Date.now() - (deadline - this.options.startTimeoutMs)))
    }
  }

  private runnerFor(pod: Pod, container: string, description: string, ephemeral = false, ranStartupScript = false): ProbeRunner {
    const namespace = pod.metadata!.namespace!
    const name = pod.metadata!.name!
    const {connection, execTimeoutMs, socketFactory} = this.options
    const target = {kubeConfig: connection.kubeConfig, namespace, pod: name, container, server: connection.server}
    const log = connection.apiLog && connection.apiLog.level >= 6 ? connection.apiLog : undefined
    const batcher = new ExecBatcher(async (command, timeoutMs, stream) => {
      const result = await execInContainer(target, command, timeoutMs, socketFactory, stream)
      // A batch's own exit code says nothing (it is stopped once every answer is in): its commands have theirs.
      const outcome = result.timedOut ? 'timed out' : batchSize(command) !== undefined ? 'done' : `exit ${result.exitCode}`
      log?.write(`EXEC ${namespace}/${name} ${execLabel(command)}: ${outcome} in ${result.durationMs} milliseconds`)
      return result
    })
    return {
      description: `${description}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ''}`,
      details: {namespace, pod: name, container, node: pod.spec?.nodeName, podIP: pod.status?.podIP, ephemeral, image: this.options.image},
      exec: (command: string[], execOptions?: {timeoutMs?: number}): Promise<ExecResult> =>
        timePhase('exec', () => batcher.exec(command, execOptions?.timeoutMs ?? execTimeoutMs)),
      ...(ranStartupScript
        ? {
            // Any failure (no get on pods/log, the log not there yet) is no answer: the caller asks by exec instead.
            startupOutput: () =>
              timePhase('api', () => this.api.get<string>(`${podsPath(namespace, name)}/log`, {container}, 'text')).catch(() => undefined),
          }
        : {}),
    }
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.api.request('DELETE', podsPath(namespace, name), {query: {gracePeriodSeconds: 0}})
      this.options.log?.(`deleted debug pod ${namespace}/${name}`)
    } catch (error) {
      const mapped = toNetdiagError(error, {verb: 'delete', resource: 'pods', namespace, name})
      if (mapped.kind !== 'not-found') {
        this.options.log?.(`could not delete debug pod ${namespace}/${name}: ${mapped.message}; the cluster deletes it at the session deadline (${this.deadlineSeconds}s after it began)`)
      }
    }
  }

  /** Background propagation: the garbage collector deletes any pod of ours the Job owns that we missed. */
  private async deleteAnchor(namespace: string, name: string): Promise<void> {
    try {
      await this.api.request('DELETE', jobsPath(namespace, name), {query: {propagationPolicy: 'Background'}})
    } catch (error) {
      const mapped = toNetdiagError(error, {verb: 'delete', resource: 'jobs', namespace, name})
      if (mapped.kind !== 'not-found') this.options.log?.(`could not delete Job ${namespace}/${name}: ${mapped.message}; the cluster deletes it after ${this.deadlineSeconds}s`)
    }
  }
}

/** A batch is named by its size; a command by its first words (a script is long and says little on one line). */
function execLabel(command: string[]): string {
  const size = batchSize(command)
  if (size !== undefined) return `batch of ${size} commands`
  const text = command.join(' ')
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

interface ItemList {
  items?: Array<{metadata?: {name?: string}}>
}

export function podsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods${name ? `/${encodeURIComponent(name)}` : ''}`
}

export function jobsPath(namespace?: string, name?: string): string {
  if (namespace === undefined) return '/apis/batch/v1/jobs'
  return `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs${name ? `/${encodeURIComponent(name)}` : ''}`
}

/** `violates PodSecurity "restricted:latest": a (detail), b (detail)` → the level and the names of the violations. */
export function podSecurityRejection(text: string): {level: string; violations: string[]} | undefined {
  const match = /violates PodSecurity "([^"]+)": (.*)$/.exec(text)
  if (!match) return undefined
  const violations = [...match[2]!.matchAll(/(?:^|\), )([^()]+?) \(/g)].map((m) => m[1]!.trim())
  return {level: match[1]!, violations}
}

function explainCreateFailure(error: NetdiagError, namespace: string, fix: string): NetdiagError {
  if (error.kind !== 'forbidden') return error
  const text = error.message
  const rejection = podSecurityRejection(text)
  if (rejection || /PodSecurity/i.test(text)) {
    const why = rejection ? `enforces Pod Security "${rejection.level}", which rejects the debug pod (${rejection.violations.join('; ')})` : `rejects the debug pod under Pod Security admission (${text})`
    return new NetdiagError(`namespace ${namespace} ${why}: ${fix}`, ExitCode.failed, 'forbidden', error.forbidden)
  }
  if (/quota/i.test(text)) {
    return new NetdiagError(`a ResourceQuota in namespace ${namespace} refuses the debug pod: ${text}`, ExitCode.failed, 'forbidden', error.forbidden)
  }
  return error
}

function interrupted(): NetdiagError {
  return new NetdiagError('interrupted: netdiag is deleting its debug pods', ExitCode.failed, 'api')
}

/** NETDIAG_DEADLINE_SECONDS, for tests and for runs that must leave nothing behind sooner; malformed: exit 2. */
function deadlineFromEnvironment(): number | undefined {
  const text = process.env.NETDIAG_DEADLINE_SECONDS
  if (text === undefined || text === '') return undefined
  if (!/^\d+$/.test(text) || Number(text) < MIN_DEADLINE_SECONDS) {
    throw new NetdiagError(`NETDIAG_DEADLINE_SECONDS must be a whole number of seconds, at least ${MIN_DEADLINE_SECONDS} (got "${text}")`, ExitCode.badInput, 'bad-input')
  }
  return Number(text)
}

/** Waits until every promise has settled, or `ms` have passed. */
async function settleWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  if (promises.length === 0) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  await Promise.race([Promise.allSettled(promises), timeout])
  clearTimeout(timer)
}

/**
 * A cached image starts in about a second: polling every 150 ms then costs a few GETs and saves a few hundred
 * milliseconds of every run; a pod that takes longer (a pull) is polled every 500 ms.
 */
export function pollInterval(elapsedMs: number): number {
  return elapsedMs < 5_000 ? 150 : 500
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
