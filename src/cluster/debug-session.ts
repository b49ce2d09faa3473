import {CoreV1Api, PatchStrategy, setHeaderOptions} from '@kubernetes/client-node'
import {randomBytes} from 'node:crypto'

import type {ExecResult, ProbeFactory, ProbeRunner} from '../engine/types.js'
import {ExitCode, NetdiagError} from '../errors.js'
import {toNetdiagError} from './api-errors.js'
import {
  debugPodManifest,
  ephemeralContainerPatch,
  nodeDebugPodManifest,
  PROBE_CONTAINER,
  SESSION_LABEL,
} from './debug-pod-spec.js'
import {execInContainer, type WebSocketInterface} from './exec.js'
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
  pollIntervalMs?: number
  socketFactory?: WebSocketInterface
  log?: (line: string) => void
}

/**
 * Owns everything a run creates in the cluster: debug pods and ephemeral containers. Each pod is labelled with
 * the session id, self-expires through activeDeadlineSeconds, and is deleted by close() — which also runs on
 * SIGINT/SIGTERM — unless --keep.
 */
export class DebugSession implements ProbeFactory {
  readonly sessionId = randomBytes(4).toString('hex')
  private readonly core: CoreV1Api
  private readonly created: Array<{namespace: string; name: string}> = []
  private readonly namespacesUsed = new Set<string>()
  private readonly started = new Map<string, Promise<ProbeRunner>>()
  private readonly unregister: () => void
  private closed = false
  readonly ephemeralContainers: Array<{namespace: string; pod: string; container: string}> = []

  constructor(private readonly options: DebugSessionOptions) {
    this.core = options.connection.kubeConfig.makeApiClient(CoreV1Api)
    this.unregister = registerCleanup(() => this.close())
  }

  /** Seconds after which the API server kills our pods even if this process dies. */
  get deadlineSeconds(): number {
    return Math.max(120, Math.ceil((this.options.startTimeoutMs + 4 * this.options.execTimeoutMs) / 1000) + 60)
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
    if (this.options.keep) {
      for (const pod of this.created) this.options.log?.(`kept debug pod ${pod.namespace}/${pod.name} (--keep); delete it with: kubectl netdiag cleanup -n ${pod.namespace}`)
      return
    }
    const deletions = this.created.map(({namespace, name}) => this.deletePod(namespace, name))
    // A create whose response we never saw (interrupted mid-call) still carries our session label.
    const sweeps = [...this.namespacesUsed].map(async (namespace) => {
      const pods = await this.core.listNamespacedPod({namespace, labelSelector: `${SESSION_LABEL}=${this.sessionId}`}).catch(() => undefined)
      await Promise.all((pods?.items ?? []).filter((p) => !this.created.some((c) => c.name === p.metadata?.name)).map((p) => this.deletePod(namespace, p.metadata!.name!)))
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
    const manifest = debugPodManifest({
      namespace,
      nodeName,
      rawSockets,
      image: this.options.image,
      sessionId: this.sessionId,
      deadlineSeconds: this.deadlineSeconds,
      command: this.options.command,
    })
    const pod = await this.createPod(namespace, manifest, 'run with -n pointing at a namespace that allows it, or --from-pod to probe from an existing pod')
    return this.runnerFor(pod, PROBE_CONTAINER, `debug pod ${namespace}/${pod.metadata!.name}`)
  }

  private async startNodePod(nodeName: string): Promise<ProbeRunner> {
    const namespace = this.options.nodeNamespace
    const manifest = nodeDebugPodManifest({
      namespace,
      nodeName,
      image: this.options.image,
      sessionId: this.sessionId,
      deadlineSeconds: this.deadlineSeconds,
      command: this.options.command,
    })
    const pod = await this.createPod(namespace, manifest, 'node checks need a privileged hostNetwork pod: pass --node-namespace with a namespace that allows privileged pods (kube-system usually does)')
    return this.runnerFor(pod, PROBE_CONTAINER, `node debug pod ${namespace}/${pod.metadata!.name}`)
  }

  private async startEphemeral(namespace: string, podName: string, targetContainer?: string): Promise<ProbeRunner> {
    const container = `netdiag-${this.sessionId}`
    const body = ephemeralContainerPatch(container, this.options.image, this.deadlineSeconds, targetContainer)
    try {
      await this.core.patchNamespacedPodEphemeralcontainers(
        {namespace, name: podName, body},
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      )
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
    return this.runnerFor(pod, container, `ephemeral container ${container} in pod ${namespace}/${podName}`, true)
  }

  private async createPod(namespace: string, manifest: Pod, fix: string): Promise<Pod> {
    this.namespacesUsed.add(namespace)
    let created: Pod
    try {
      created = await this.core.createNamespacedPod({namespace, body: manifest})
    } catch (error) {
      throw explainCreateFailure(toNetdiagError(error, {verb: 'create', resource: 'pods', namespace, server: this.options.connection.server}), namespace, fix)
    }
    const name = created.metadata!.name!
    this.created.push({namespace, name})
    this.options.log?.(`created debug pod ${namespace}/${name}`)
    return this.waitForRunning(namespace, name, PROBE_CONTAINER, false)
  }

  private async waitForRunning(namespace: string, name: string, container: string, ephemeral: boolean): Promise<Pod> {
    const deadline = Date.now() + this.options.startTimeoutMs
    let lastReason = 'Pending'
    for (;;) {
      const pod = await this.core.readNamespacedPod({namespace, name}).catch((error: unknown) => {
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
      await sleep(this.options.pollIntervalMs ?? 500)
    }
  }

  private runnerFor(pod: Pod, container: string, description: string, ephemeral = false): ProbeRunner {
    const namespace = pod.metadata!.namespace!
    const name = pod.metadata!.name!
    const {connection, execTimeoutMs, socketFactory} = this.options
    return {
      description: `${description}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ''}`,
      details: {namespace, pod: name, container, node: pod.spec?.nodeName, podIP: pod.status?.podIP, ephemeral, image: this.options.image},
      exec: (command: string[], execOptions?: {timeoutMs?: number}): Promise<ExecResult> =>
        timePhase('exec', () =>
          execInContainer(
            {kubeConfig: connection.kubeConfig, namespace, pod: name, container, server: connection.server},
            command,
            execOptions?.timeoutMs ?? execTimeoutMs,
            socketFactory,
          ),
        ),
    }
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({namespace, name, gracePeriodSeconds: 0})
      this.options.log?.(`deleted debug pod ${namespace}/${name}`)
    } catch (error) {
      const mapped = toNetdiagError(error, {verb: 'delete', resource: 'pods', namespace, name})
      if (mapped.kind !== 'not-found') {
        this.options.log?.(`could not delete debug pod ${namespace}/${name}: ${mapped.message}; it expires by itself after ${this.deadlineSeconds}s`)
      }
    }
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
