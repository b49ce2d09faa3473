import {Command, Errors} from '@oclif/core'

import type {AccessRequirement} from './cluster/access.js'
import type {DebugSession, ProbeSourceSpec} from './cluster/debug-session.js'
import type {Connection} from './cluster/kubeconfig.js'
import type {ClusterView} from './cluster/view.js'
import type {Check, CheckOutcome} from './engine/types.js'
import {ExitCode, NetdiagError, badInput} from './errors.js'
import {type GlobalFlags, parseDuration} from './flags.js'
import type {Report} from './report/report.js'

export interface Environment {
  view: ClusterView
  /** Undefined with --snapshot. */
  connection?: Connection
  /** -n, else the context's namespace, else default. */
  namespace: string
  flags: GlobalFlags
}

export interface DiagnosisSpec<T> {
  command: 'dns' | 'svc' | 'path' | 'node'
  target: T & Record<string, unknown>
  checks: Check<T>[]
  /** Where probes run; undefined when the command needs no probe source. */
  probeSource?: ProbeSourceSpec
  /** Namespace for node debug pods. */
  nodeNamespace?: string
}

/**
 * Owns what every diagnosing command shares: the global flags, the cluster view (live or snapshot), debug-pod
 * lifecycle, the engine run, rendering, and the exit-code contract. Commands only build a target and a plan.
 */
export abstract class NetdiagCommand extends Command {

  protected async environment(flags: GlobalFlags): Promise<Environment> {
    if (flags.snapshot && flags.snapshot.length > 0) {
      if (flags.kubeconfig || flags.context) this.warn('--kubeconfig/--context are ignored with --snapshot')
      const {SnapshotClusterView} = await import('./cluster/snapshot-view.js')
      return {view: SnapshotClusterView.fromFiles(flags.snapshot), namespace: flags.namespace ?? 'default', flags}
    }
    const {loadConnection} = await import('./cluster/kubeconfig.js')
    const {LiveClusterView} = await import('./cluster/live-view.js')
    const connection = loadConnection({kubeconfig: flags.kubeconfig, context: flags.context})
    const view = new LiveClusterView(connection, Math.min(parseDuration(flags.timeout), 30_000))
    return {view, connection, namespace: flags.namespace ?? connection.namespace, flags}
  }

  /** Bad input when the namespace does not exist (exit 2), after proving the API answers at all (exit 3). */
  protected async requireNamespace(env: Environment, namespace: string): Promise<void> {
    await env.view.info()
    if (!(await env.view.getNamespace(namespace))) {
      throw badInput(`namespace "${namespace}" not found${env.view.source === 'snapshot' ? ' in the snapshot' : ''}; list them with: kubectl get namespaces`)
    }
  }

  protected async runDiagnosis<T>(env: Environment, spec: DiagnosisSpec<T>): Promise<void> {
    const {flags} = env
    const startedAt = new Date()
    const timeoutMs = parseDuration(flags.timeout)
    const noProbe = flags['no-probe'] || env.view.source === 'snapshot'
    const cluster = await env.view.info()

    const [{runChecks}, {diagnose, overallStatus}, {startProgress}, {buildReport}] = await Promise.all([
      import('./engine/engine.js'),
      import('./engine/diagnose.js'),
      import('./engine/progress.js'),
      import('./report/report.js'),
    ])

    const {checks, denied} = await this.preflight(env, spec)
    let session: DebugSession | undefined
    if (env.connection && !noProbe && (spec.probeSource || checks.some((c) => c.needsProbe))) {
      const {DebugSession} = await import('./cluster/debug-session.js')
      session = new DebugSession({
        connection: env.connection,
        image: flags.image,
        startTimeoutMs: timeoutMs,
        execTimeoutMs: Math.min(timeoutMs, 20_000),
        keep: flags.keep,
        command: `kubectl netdiag ${spec.command}`,
        source: spec.probeSource ?? {mode: 'pod', namespace: env.namespace},
        nodeNamespace: spec.nodeNamespace ?? env.namespace,
        log: (line) => this.logToStderr(line),
      })
    }

    const progress = await startProgress(flags.output === 'table' && Boolean(process.stderr.isTTY), checks.length)
    let outcomes: CheckOutcome[]
    try {
      outcomes = await runChecks(checks, {view: env.view, probes: session, target: spec.target, options: {noProbe, timeoutMs, timings: flags.timings}, denied}, progress)
    } finally {
      progress.stop()
      await session?.close()
    }
    const damage = env.view.damage?.()
    if (damage) throw damage

    const source = outcomes.map((o) => o.details?.probeSource).find((s): s is string => typeof s === 'string')
    const report = buildReport({
      command: spec.command,
      target: spec.target,
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
    const exit = exitCodeFor(report, flags['fail-on'] as 'warn' | 'fail')
    if (exit !== ExitCode.ok) this.exit(exit)
  }

  private async preflight<T>(env: Environment, spec: DiagnosisSpec<T>): Promise<{checks: Check<T>[]; denied: Map<string, string>}> {
    const denied = new Map<string, string>()
    if (!env.connection) return {checks: spec.checks, denied}
    const noProbe = env.flags['no-probe']
    const wanted = spec.checks.filter((c) => !(noProbe && c.needsProbe))
    const requirements = new Map<string, AccessRequirement[]>(wanted.map((c) => [c.id, c.requires?.(spec.target as T) ?? []]))
    const {reviewAccess, accessKey, describeAccess} = await import('./cluster/access.js')
    const {accessCheck} = await import('./checks/preflight/access.js')
    const verdicts = await reviewAccess(env.connection, [...requirements.values()].flat())
    const refused = new Map(verdicts.filter((v) => !v.allowed).map((v) => [accessKey(v), v]))
    for (const [id, needs] of requirements) {
      const missing = needs.find((n) => refused.has(accessKey(n)))
      if (missing) denied.set(id, describeAccess(missing))
    }
    return {checks: [accessCheck(verdicts, denied) as Check<T>, ...spec.checks], denied}
  }

  private async render(report: Report, flags: GlobalFlags): Promise<void> {
    switch (flags.output) {
      case 'json': {
        const {renderJson} = await import('./report/json.js')
        process.stdout.write(renderJson(report))
        return
      }
      case 'yaml': {
        const {renderYaml} = await import('./report/yaml.js')
        process.stdout.write(renderYaml(report))
        return
      }
      case 'junit': {
        const {renderJunit} = await import('./report/junit.js')
        process.stdout.write(renderJunit(report, {failOnWarn: flags['fail-on'] === 'warn'}))
        return
      }
    }
    const {renderTable} = await import('./report/table.js')
    const color = !flags['no-color'] && !process.env.NO_COLOR && Boolean(process.stdout.isTTY)
    process.stdout.write(renderTable(report, {color, width: process.stdout.columns, quiet: flags.quiet}))
  }

  /** NetdiagError → its one-line message and exit code; never a stack trace unless DEBUG is set. */
  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (error instanceof NetdiagError) return this.fail(error.message, error.exitCode)
    if (error instanceof Errors.ExitError || error instanceof Errors.CLIError || (error as {oclif?: unknown}).oclif) return super.catch(error)
    if (process.env.DEBUG) return super.catch(error)
    return this.fail(`internal error: ${error.message.split('\n')[0]} (set DEBUG=* for the stack trace)`, ExitCode.failed)
  }

  /**
   * `error: MESSAGE` on one line, as kubectl prints errors. oclif's this.error wraps at 80 columns when stderr
   * is not a terminal, which splits the message mid-sentence in CI logs and breaks grep.
   */
  private fail(message: string, exit: number): never {
    process.stderr.write(`error: ${message}\n`)
    return this.exit(exit)
  }
}

export function exitCodeFor(report: Pick<Report, 'status'>, failOn: 'warn' | 'fail'): number {
  if (report.status === 'fail' || report.status === 'error') return ExitCode.failed
  if (report.status === 'warn' && failOn === 'warn') return ExitCode.failed
  return ExitCode.ok
}
