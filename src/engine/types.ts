import type {ClusterView} from '../cluster/view.js'
import type {AccessRequirement} from '../cluster/access.js'
import type {ObjectRef} from '../cluster/types.js'

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error'

/** Ordered from the bottom of the stack up: on ties, a lower layer is the likelier root cause. */
export const LAYERS = ['preflight', 'node', 'cni', 'kube-proxy', 'dns', 'service', 'policy', 'pod-network'] as const
export type Layer = (typeof LAYERS)[number]

/** Why a check did not run: the id of the prerequisite that failed, or one of these words. */
export type SkipReason = string | 'offline' | 'no-probe' | 'forbidden' | 'not-applicable'

export interface CheckResult {
  status: CheckStatus
  /** One line a person can act on, naming the objects involved. */
  summary: string
  objects?: ObjectRef[]
  details?: Record<string, unknown>
  remediation?: string
  skippedBecause?: SkipReason
}

/** What a probe command returned. A probe never throws for a non-zero exit; it reports it. */
export interface ExecResult {
  command: string
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
  durationMs: number
}

/** A place commands run in: a debug pod, an ephemeral container in a user's pod, or a node debug pod. */
export interface ProbeRunner {
  /** Says where probes run, for the report: "debug pod shop/netdiag-x7k2p on node-1". */
  readonly description: string
  /** Facts about the probe source (pod, node, ip, whether it is an ephemeral container). */
  readonly details: Record<string, unknown>
  exec(command: string[], options?: {timeoutMs?: number}): Promise<ExecResult>
  /** What the source's startup script printed so far (its log); undefined when there was none or it cannot be read. */
  startupOutput?(): Promise<string | undefined>
}

/** Starts probe sources on demand, once per run; the engine's caller owns their cleanup. */
export interface ProbeFactory {
  /** The source of this command's probes (debug pod in the target namespace, or an ephemeral container). */
  source(): Promise<ProbeRunner>
  /** A privileged hostNetwork/hostPID pod on the node, host root at /host. */
  node(nodeName: string): Promise<ProbeRunner>
}

export interface RunOptions {
  /** No probes at all: API analysis only. */
  noProbe: boolean
  /** Per-check timeout. */
  timeoutMs: number
  /** Add per-phase timings to check details. */
  timings?: boolean
}

export interface CheckContext<T = unknown> {
  view: ClusterView
  /** Undefined offline and with --no-probe; checks that need it are skipped before they run. */
  probes?: ProbeFactory
  /** What the command is about: namespace, service name, pods... */
  target: T
  options: RunOptions
  /** The result of a check that has already finished (a dependency), by id. */
  result(id: string): CheckResult | undefined
  signal: AbortSignal
}

export interface Check<T = unknown> {
  /** Stable id, area.subject.aspect: `dns.coredns.pods`. */
  id: string
  title: string
  layer: Layer
  dependsOn?: string[]
  /** Ordering only: waits for these checks to finish (to read their results) without being skipped when they fail. */
  after?: string[]
  /** Needs a probe (live, not --no-probe). */
  needsProbe?: boolean
  /**
   * A probe check whose run reads nothing of its dependencies (never ctx.result of them): it may start beside
   * them, once they can start, so its exec shares their batch instead of waiting a round trip. Its result counts
   * only if they pass; otherwise it is skipped as any dependant is, and what it found is dropped.
   */
  speculative?: boolean
  /** Needs the live API (logs, events, configz), not a snapshot. */
  liveOnly?: boolean
  /**
   * Observes an effect (a lookup failed, a connect timed out) rather than a cause: ranked after causes, so a
   * failed lookup is listed as a consequence of the policy that blocks it.
   */
  symptom?: boolean
  timeoutMs?: number
  /** The API access the check needs; pre-flight skips it (forbidden) instead of letting it fail halfway. */
  requires?: (target: T) => AccessRequirement[]
  run(ctx: CheckContext<T>): Promise<CheckResult>
}

export interface CheckOutcome extends CheckResult {
  id: string
  title: string
  layer: Layer
  durationMs: number
}
