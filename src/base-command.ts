import {Command, Errors} from './oclif.js'

import type {AccessRequirement} from './cluster/access.js'
import type {DebugSession, ProbeSourceSpec} from './cluster/debug-session.js'
import type {Connection} from './cluster/kubeconfig.js'
import {exitIfSignalled} from './cluster/lifecycle.js'
import type {ClusterInfo} from './cluster/types.js'
import type {ClusterView} from './cluster/view.js'
import type {OverlayNotes} from './cluster/overlay-view.js'
import type {WhatIfFlagValues} from './what-if.js'
import type {EngineHooks} from './engine/engine.js'
import type {Check, CheckOutcome} from './engine/types.js'
import {ExitCode, NetdiagError, badInput} from './errors.js'
import {type GlobalFlags, parseDuration, parseSize} from './flags.js'
import {isParseError, parseErrorMessage} from './parse-errors.js'
import type {Report} from './report/report.js'
import {terminalSafe} from './report/terminal-text.js'

export interface Environment {
  view: ClusterView
  /** Undefined with --snapshot. */
  connection?: Connection
  /** -n, else the context's namespace, else default. */
  namespace: string
  flags: GlobalFlags
  /** --with/--without: what the what-if view applied (the report's target.whatIf). */
  whatIf?: OverlayNotes
}

export interface DiagnosisSpec<T> {
  command: 'dns' | 'svc' | 'path' | 'node' | 'ingress' | 'route' | 'scan'
  target: T & Record<string, unknown>
  /**
   * The plan. A promise lets the debug pod start while the plan's modules load: they take longer to evaluate than
   * a POST takes to send, and the pod's start is most of a live run.
   */
  checks: Check<T>[] | Promise<Check<T>[]>
  /** Where probes run; undefined when the command needs no probe source. */
  probeSource?: ProbeSourceSpec
  /** Namespace for node debug pods. */
  nodeNamespace?: string
  /**
   * Start the probe source (a debug pod) before the access review and the API checks. Only for a plan that will
   * ask for it whatever those find: an unneeded pod is a pod created in the user's cluster for nothing. A
   * function is asked only when the run will probe at all (a cached view read, for instance).
   */
  startSourceEarly?: boolean | (() => Promise<boolean>)
}

/**
 * Owns what every diagnosing command shares: the global flags, the cluster view (live or snapshot), debug-pod
 * lifecycle, the engine run, rendering, and the exit-code contract. Commands only build a target and a plan.
 */
export abstract class NetdiagCommand extends Command {

  /** `reading.readWhole`: the command reads most of a snapshot (scan), see SnapshotReadOptions. */
  protected async environment(flags: GlobalFlags, reading: {readWhole?: boolean} = {}): Promise<Environment> {
    if (flags.snapshot && flags.snapshot.length > 0) {
      const maxBytes = parseSize(flags['snapshot-max-size'] ?? '1Gi', '--snapshot-max-size')
      const {SnapshotClusterView} = await import('./cluster/snapshot-view.js')
      const view = SnapshotClusterView.fromFiles(flags.snapshot, {maxBytes, ...reading})
      // After the snapshot is read: an error stays the one line on stderr.
      if (flags.kubeconfig || flags.context) this.warn('--kubeconfig/--context are ignored with --snapshot')
      return {view, namespace: flags.namespace ?? 'default', flags}
    }
    const timeoutMs = parseDuration(flags.timeout)
    const requestTimeoutMs = flags['request-timeout'] === undefined ? timeoutMs : parseDuration(flags['request-timeout'], '--request-timeout', {allowZero: true})
    const {loadConnection} = await import('./cluster/kubeconfig.js')
    const {LiveClusterView} = await import('./cluster/live-view.js')
    const connection = loadConnection({kubeconfig: flags.kubeconfig, context: flags.context, as: flags.as, asGroups: flags['as-group']})
    const log = flags.v ? {level: flags.v, write: (line: string) => this.logToStderr(terminalSafe(line, {singleLine: true}))} : undefined
    connection.apiLog = log
    const view = new LiveClusterView(connection, requestTimeoutMs, log)
    return {view, connection, namespace: flags.namespace ?? connection.namespace, flags}
  }

  /**
   * --with/--without: the same environment over the what-if view. It implies --no-probe: a probe would test the
   * real cluster, not the what-if. Read before the first API call, so a malformed manifest is exit 2.
   */
  protected async whatIf(env: Environment, flags: WhatIfFlagValues): Promise<Environment> {
    const {readWhatIf} = await import('./what-if.js')
    const overlay = await readWhatIf(flags, env.namespace)
    if (!overlay) return env
    const {OverlayClusterView} = await import('./cluster/overlay-view.js')
    const view = new OverlayClusterView(env.view, overlay)
    return {...env, view, flags: {...env.flags, 'no-probe': true}, whatIf: view.notes}
  }

  /**
   * The first API call, proving the cluster answers (else exit 3); on a terminal with a progress line while it
   * is in flight, so a silent API server is not 30 silent seconds.
   */
  protected async reach(env: Environment): Promise<ClusterInfo> {
    const {connection, view, flags} = env
    if (!connection || !interactiveStderr() || (flags.output && flags.output !== 'table')) return view.info()
    const {default: ora} = await import('ora')
    const spinner = ora({stream: process.stderr, text: terminalSafe(`connecting to ${connection.server} (context ${connection.context})`, {singleLine: true})}).start()
    try {
      return await view.info()
    } finally {
      spinner.stop()
    }
  }

  /** Bad input when the namespace does not exist (exit 2), after proving the API answers at all (exit 3). */
  protected async requireNamespace(env: Environment, namespace: string): Promise<void> {
    await this.reach(env)
    if (!(await env.view.getNamespace(namespace))) throw badInput(`namespace "${namespace}" not found${this.whereToLook(env, 'namespaces')}`)
  }

  /** A pod given as NAME (in `namespace`), NAMESPACE/NAME or pod/NAME that must exist (else exit 2). */
  protected async requirePod(env: Environment, text: string, namespace: string): Promise<{namespace: string; name: string}> {
    const {parsePodRef} = await import('./analysis/path/pod-ref.js')
    const ref = parsePodRef(text, namespace)
    if ('error' in ref) throw badInput(ref.error)
    if (ref.namespace !== namespace) await this.requireNamespace(env, ref.namespace)
    if (!(await env.view.getPod(ref.namespace, ref.name))) throw badInput(`pod "${ref.name}" not found in namespace ${ref.namespace}${this.whereToLook(env, {pods: ref.namespace})}`)
    return ref
  }

  /** The end of a "not found" message: live, the kubectl command that lists them; offline, what the snapshot holds. */
  protected whereToLook(env: Environment, what: 'namespaces' | 'nodes' | {pods: string}): string {
    if (env.view.source === 'snapshot') {
      const held = (env.view as ClusterView & {held?(what: 'namespaces' | 'nodes' | {pods: string}): string[]}).held?.(what) ?? []
      const noun = typeof what === 'string' ? what : `pods in namespace ${what.pods}`
      const shown = held.slice(0, 12).join(', ') + (held.length > 12 ? `, ... (${held.length} in all)` : '')
      return ` in the snapshot, which holds ${held.length === 0 ? `no ${noun}` : `${noun} ${shown}`}`
    }
    const command = typeof what === 'string' ? `kubectl get ${what}` : `kubectl get pods -n ${what.pods}`
    return `; list them with: ${command}`
  }

  protected async runDiagnosis<T>(env: Environment, spec: DiagnosisSpec<T>): Promise<void> {
    const {flags} = env
    const startedAt = new Date()
    const timeoutMs = parseDuration(flags.timeout)
    const noProbe = flags['no-probe'] || env.view.source === 'snapshot'
    const cluster = await this.reach(env)

    let session: DebugSession | undefined
    let progress: (EngineHooks & {stop(): void}) | undefined
    const trouble = new CheckTrouble()
    let outcomes: CheckOutcome[]
    let checks: Check<T>[]
    // From the debug pod's creation on, every exit path deletes it: an error before the checks run included.
    try {
      session = await this.startSession(env, spec, noProbe, timeoutMs)
      const [plan, {runChecks}, {startProgress}] = await Promise.all([spec.checks, import('./engine/engine.js'), import('./engine/progress.js')])
      const reviewed = await this.preflight<T>(env, plan, spec.target)
      checks = reviewed.checks
      progress = await startProgress(flags.output === 'table' && interactiveStderr(), checks.length)
      outcomes = await runChecks(trouble.guard(checks), {view: env.view, probes: session, target: spec.target, options: {noProbe, timeoutMs, timings: flags.timings}, denied: reviewed.denied}, progress)
    } finally {
      progress?.stop()
      await session?.close()
      await exitIfSignalled()
    }
    // Malformed input fails closed: no report built around an object we could not understand.
    const damage = env.view.damage?.() ?? trouble.badInput
    if (damage) throw damage

    const [{diagnose, overallStatus}, {buildReport}] = await Promise.all([import('./engine/diagnose.js'), import('./report/report.js')])
    const source = outcomes.map((o) => o.details?.probeSource).find((s): s is string => typeof s === 'string')
    const report = buildReport({
      command: spec.command,
      target: env.whatIf ? {...spec.target, whatIf: env.whatIf} : spec.target,
      source: env.view.source,
      cluster,
      ...(source ? {probe: {description: source, ...(session?.ephemeralContainers.length ? {ephemeralContainers: session.ephemeralContainers} : {})}} : {}),
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      status: overallStatus(outcomes),
      checks: outcomes,
      diagnosis: diagnose(checks, outcomes),
    })
    await this.render(report, flags)
    if (trouble.internal) {
      const {check, error} = trouble.internal
      if (process.env.DEBUG) process.stderr.write(`${error.stack ?? error.message}\n`)
      return this.fail(`internal error in check ${check}: ${error.message.split('\n')[0]}; this is a bug in netdiag: rerun with DEBUG=1 for the stack trace and report it`, ExitCode.internal)
    }
    const exit = exitCodeFor(report, flags['fail-on'] as 'warn' | 'fail')
    if (exit !== ExitCode.ok) this.exit(exit)
  }

  /** The run's debug session, when it will probe; its pod already starting when the plan asks for it early. */
  private async startSession<T>(env: Environment, spec: DiagnosisSpec<T>, noProbe: boolean, timeoutMs: number): Promise<DebugSession | undefined> {
    const {flags} = env
    let session: DebugSession | undefined
    if (env.connection && !noProbe && (spec.probeSource || (await spec.checks).some((c) => c.needsProbe))) {
      const [{DebugSession}, {detectToolsScript}] = await Promise.all([import('./cluster/debug-session.js'), import('./probes/tools.js')])
      session = new DebugSession({
        connection: env.connection,
        image: flags.image,
        startTimeoutMs: timeoutMs,
        execTimeoutMs: Math.min(timeoutMs, 20_000),
        keep: flags.keep,
        command: `kubectl netdiag ${spec.command}`,
        source: spec.probeSource ?? {mode: 'pod', namespace: env.namespace},
        nodeNamespace: spec.nodeNamespace ?? env.namespace,
        log: (line) => this.logToStderr(terminalSafe(line)),
        startupScript: detectToolsScript(),
      })
      // The debug pod's start is most of a live run: begin it now, beside the access review and the API checks.
      // Only a pod of our own (never an ephemeral container, which cannot be taken out of the user's pod again).
      const early = typeof spec.startSourceEarly === 'function' ? await spec.startSourceEarly() : spec.startSourceEarly
      if (early && (spec.probeSource?.mode ?? 'pod') === 'pod') session.source().catch(() => {})
    }
    return session
  }

  /** Writes to stdout and waits until it is flushed: a pipe takes 64 KiB at a time, and exit would drop the rest. */
  protected async writeOut(text: string): Promise<void> {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())))
  }

  private async preflight<T>(env: Environment, plan: Check<T>[], target: T): Promise<{checks: Check<T>[]; denied: Map<string, string>}> {
    const denied = new Map<string, string>()
    if (!env.connection) return {checks: plan, denied}
    const noProbe = env.flags['no-probe']
    const wanted = plan.filter((c) => !(noProbe && c.needsProbe))
    const requirements = new Map<string, AccessRequirement[]>(wanted.map((c) => [c.id, c.requires?.(target) ?? []]))
    const {reviewAccess, accessKey, describeAccess} = await import('./cluster/access.js')
    const {accessCheck} = await import('./checks/preflight/access.js')
    const verdicts = await reviewAccess(env.connection, [...requirements.values()].flat())
    const refused = new Map(verdicts.filter((v) => !v.allowed).map((v) => [accessKey(v), v]))
    for (const [id, needs] of requirements) {
      const missing = needs.find((n) => refused.has(accessKey(n)))
      if (missing) denied.set(id, describeAccess(missing))
    }
    return {checks: [accessCheck(verdicts, denied) as Check<T>, ...plan], denied}
  }

  private async render(report: Report, flags: GlobalFlags): Promise<void> {
    switch (flags.output) {
      case 'json': {
        const {renderJson} = await import('./report/json.js')
        return this.writeOut(renderJson(report))
      }
      case 'yaml': {
        const {renderYaml} = await import('./report/yaml.js')
        return this.writeOut(renderYaml(report))
      }
      case 'junit': {
        const {renderJunit} = await import('./report/junit.js')
        return this.writeOut(renderJunit(report, {failOnWarn: flags['fail-on'] === 'warn'}))
      }
    }
    const {renderTable} = await import('./report/table.js')
    const color = !flags['no-color'] && !process.env.NO_COLOR && process.env.TERM !== 'dumb' && Boolean(process.stdout.isTTY)
    await this.writeOut(renderTable(report, {color, width: terminalWidth(), quiet: flags.quiet}))
  }

  /**
   * Every error is one line `error: MESSAGE` on stderr and its exit code: NetdiagError as it says, oclif's own
   * parse errors as bad usage (2), anything else is a bug (4). Never a stack trace unless DEBUG is set.
   */
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    await exitIfSignalled()
    if (error instanceof NetdiagError) return this.fail(error.message, error.exitCode)
    if (isParseError(error)) {
      const flags = Object.keys((this.constructor as typeof Command).flags ?? {})
      return this.fail(parseErrorMessage(error, this.id ?? '', flags), ExitCode.badInput)
    }
    // oclif's flag-value parsing (`Parsing --v` / `Expected an integer ...`) is a plain CLIError: still usage.
    if (error instanceof Errors.CLIError && error.oclif?.exit !== undefined) {
      const flags = Object.keys((this.constructor as typeof Command).flags ?? {})
      return this.fail(parseErrorMessage(error, this.id ?? '', flags), error.oclif.exit === 1 ? ExitCode.badInput : error.oclif.exit)
    }
    if (process.env.DEBUG) process.stderr.write(`${error.stack ?? error.message}\n`)
    return this.fail(`internal error: ${(error.message ?? String(error)).split('\n')[0]}; this is a bug in netdiag: rerun with DEBUG=1 for the stack trace and report it`, ExitCode.internal)
  }

  /**
   * `error: MESSAGE` on one line, as kubectl prints errors. oclif's this.error wraps at 80 columns when stderr
   * is not a terminal, which splits the message mid-sentence in CI logs and breaks grep. Cluster data in the
   * message (names from a snapshot) cannot drive the terminal.
   */
  protected fail(message: string, exit: number): never {
    process.stderr.write(`error: ${terminalSafe(message, {singleLine: true})}\n`)
    return this.exit(exit)
  }
}

/** Spinners only for a person at a terminal that can show them (a pty of width 0 sends ora into an endless redraw). */
function interactiveStderr(): boolean {
  return Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb' && (process.stderr.columns ?? 0) > 0
}

/** The terminal's width, else $COLUMNS (honoured when piped, as ls and kubectl do), else 120. */
export function terminalWidth(): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns
  const columns = Number(process.env.COLUMNS)
  return Number.isInteger(columns) && columns > 0 ? columns : undefined
}

/**
 * What went wrong inside checks, beyond their own status: the engine turns a throw into a check in `error`, but
 * malformed input must end the run with exit 2, and a bug with exit 4.
 */
export class CheckTrouble {
  badInput?: NetdiagError
  internal?: {check: string; error: Error}

  guard<T>(checks: Check<T>[]): Check<T>[] {
    return checks.map((check) => ({
      ...check,
      run: async (ctx) => {
        try {
          return await check.run(ctx)
        } catch (error) {
          if (error instanceof NetdiagError) {
            if (error.kind === 'bad-input') this.badInput ??= error
          } else this.internal ??= {check: check.id, error: error instanceof Error ? error : new Error(String(error))}
          throw error
        }
      },
    }))
  }
}

export function exitCodeFor(report: Pick<Report, 'status'>, failOn: 'warn' | 'fail'): number {
  if (report.status === 'fail' || report.status === 'error') return ExitCode.failed
  if (report.status === 'warn' && failOn === 'warn') return ExitCode.failed
  return ExitCode.ok
}
