import {collectPhaseTimes, emptyPhaseTimes} from '../cluster/phase-times.js'
import {NetdiagError} from '../errors.js'
import type {Check, CheckContext, CheckOutcome, CheckResult} from './types.js'

export interface EngineHooks {
  onStart?(check: Check<never>): void
  onFinish?(outcome: CheckOutcome): void
}

export interface EngineInput<T> extends Omit<CheckContext<T>, 'result' | 'signal'> {
  /** Checks whose required access was denied in pre-flight: skipped with `forbidden`. */
  denied?: Map<string, string>
  concurrency?: number
}

/**
 * Runs checks in plan order: each starts as soon as its dependencies have finished, at most `concurrency` API
 * checks at a time (probe checks do not count). A failed, erroring or skipped prerequisite skips its dependants (skippedBecause = its id); probes are
 * skipped offline or with --no-probe; every check has a timeout; a thrown error becomes status `error`.
 */
export async function runChecks<T>(checks: Check<T>[], input: EngineInput<T>, hooks: EngineHooks = {}): Promise<CheckOutcome[]> {
  validatePlan(checks)
  const finished = new Map<string, CheckOutcome>()
  const running = new Map<string, Promise<CheckOutcome>>()
  const limit = semaphore(input.concurrency ?? 6)
  const {context, finish} = runContext(input, finished)

  const byId = new Map(checks.map((check) => [check.id, check]))
  for (const check of checks) {
    const speculation = check.speculative ? speculate(check, byId, running, input, context, hooks) : undefined
    running.set(
      check.id,
      (async () => {
        const [dependencies] = await Promise.all([
          Promise.all((check.dependsOn ?? []).map((id) => running.get(id)!)),
          Promise.all((check.after ?? []).map((id) => running.get(id)!)),
        ])
        let started = Date.now()
        const early = skipBeforeRun(check, dependencies, input)
        const ahead = early ? undefined : await speculation
        if (ahead) started = ahead.started
        // A probe check spends its time waiting on a pod start or an exec, not on the API server: it does not wait
        // for a slot, so the debug pod starts at once instead of behind the API checks that precede it in the plan.
        const result = early ?? ahead?.result ?? (await (check.needsProbe ? runOne(check, context, hooks) : limit(() => runOne(check, context, hooks))))
        const outcome: CheckOutcome = {id: check.id, title: check.title, layer: check.layer, ...result, durationMs: Date.now() - started}
        finished.set(check.id, outcome)
        hooks.onFinish?.(outcome)
        return outcome
      })(),
    )
  }
  try {
    return await Promise.all(checks.map((check) => running.get(check.id)!))
  } finally {
    finish()
  }
}

/**
 * Starts a speculative check as soon as its dependencies can start (when what they wait for has finished), with a
 * context that refuses to show it their results. Undefined when it would be skipped even before them.
 */
function speculate<T>(
  check: Check<T>,
  byId: Map<string, Check<T>>,
  running: Map<string, Promise<CheckOutcome>>,
  input: EngineInput<T>,
  context: CheckContext<T>,
  hooks: EngineHooks,
): Promise<{result: CheckResult; started: number} | undefined> {
  const dependencies = new Set(check.dependsOn ?? [])
  // What its dependencies wait for, and what it waits for only to read (after).
  const theirs = [...new Set([...[...dependencies].flatMap((id) => [...(byId.get(id)!.dependsOn ?? []), ...(byId.get(id)!.after ?? [])]), ...(check.after ?? [])])]
  const blind: CheckContext<T> = Object.create(context, {
    result: {
      value: (id: string) => {
        if (dependencies.has(id)) throw new Error(`speculative check ${check.id} read the result of its dependency ${id}`)
        return context.result(id)
      },
    },
  })
  const speculation = (async () => {
    const before = await Promise.all(theirs.map((id) => running.get(id)!))
    if (skipBeforeRun(check, before, input)) return undefined
    const started = Date.now()
    return {result: await runOne(check, blind, hooks), started}
  })()
  speculation.catch(() => {}) // dropped when a dependency fails; runOne itself never rejects
  return speculation
}

/**
 * The outcomes runChecks gives, for a view that answers from memory (a snapshot, or an overlay of one): one check
 * at a time in plan order, without the timers, races and scheduling that a live run needs. scan runs the svc
 * checks once per Service, ten thousand times on a large snapshot, where none of that can matter: nothing waits
 * on the network, so no timeout could fire. Live views, hooks and --timings take runChecks.
 */
export async function runChecksInOrder<T>(checks: Check<T>[], input: EngineInput<T>): Promise<CheckOutcome[]> {
  if (input.view.source !== 'snapshot' || input.options.timings) return runChecks(checks, input)
  if (!validPlans.has(checks)) {
    validatePlan(checks)
    validPlans.add(checks)
  }
  const finished = new Map<string, CheckOutcome>()
  const {context, finish} = runContext(input, finished)
  const outcomes: CheckOutcome[] = []
  try {
    for (const check of checks) {
      const started = Date.now()
      let result = skipBeforeRun(check, (check.dependsOn ?? []).map((id) => finished.get(id)!), input)
      if (!result) {
        try {
          result = validateResult(await check.run(context))
        } catch (error) {
          result = errorResult(error)
        }
      }
      const outcome: CheckOutcome = {id: check.id, title: check.title, layer: check.layer, ...result, durationMs: Date.now() - started}
      finished.set(check.id, outcome)
      outcomes.push(outcome)
    }
    return outcomes
  } finally {
    finish()
  }
}

/** What every check of one run sees; the signal is made when a check first asks for it (most never do). */
function runContext<T>(input: EngineInput<T>, finished: Map<string, CheckOutcome>): {context: CheckContext<T>; finish: () => void} {
  let controller: AbortController | undefined
  const context: CheckContext<T> = {
    view: input.view,
    probes: input.probes,
    target: input.target,
    options: input.options,
    result: (id) => finished.get(id),
    get signal() {
      return (controller ??= new AbortController()).signal
    },
  }
  return {context, finish: () => controller?.abort(RUN_FINISHED)}
}

const validPlans = new WeakSet<readonly Check<never>[]>()

// One reason for every run: abort() without one builds a DOMException with a stack trace each time, which a
// sweep running the svc checks once per Service (scan) pays ten thousand times.
const RUN_FINISHED = Object.assign(new Error('the diagnosis finished'), {name: 'AbortError'})

function skipBeforeRun<T>(check: Check<T>, dependencies: CheckOutcome[], input: EngineInput<T>): CheckResult | undefined {
  if (check.needsProbe && input.view.source === 'snapshot') return skip('offline', 'needs a live cluster to run probes; skipped with --snapshot')
  if (check.liveOnly && input.view.source === 'snapshot') return skip('offline', 'needs the live API; skipped with --snapshot')
  if (check.needsProbe && (input.options.noProbe || !input.probes)) return skip('no-probe', 'probe skipped (--no-probe)')
  const denied = input.denied?.get(check.id)
  if (denied) return skip('forbidden', `not allowed to ${denied}`)
  const blocker = dependencies.find((d) => d.status === 'fail' || d.status === 'error' || d.status === 'skip')
  if (blocker) {
    // Carry offline/no-probe/forbidden through a chain so the reason stays the real one.
    const inherited = blocker.status === 'skip' && ['offline', 'no-probe', 'forbidden'].includes(blocker.skippedBecause ?? '')
    const reason = inherited ? blocker.skippedBecause! : blocker.id
    const summary =
      blocker.status === 'skip' ? `skipped: prerequisite ${blocker.id} was skipped` : `skipped: prerequisite ${blocker.id} ${blocker.status === 'fail' ? 'failed' : 'could not run'}`
    return skip(reason, summary)
  }
  return undefined
}

function skip(reason: string, summary: string): CheckResult {
  return {status: 'skip', summary, skippedBecause: reason}
}

async function runOne<T>(check: Check<T>, context: CheckContext<T>, hooks: EngineHooks): Promise<CheckResult> {
  hooks.onStart?.(check as Check<never>)
  const timeoutMs = check.timeoutMs ?? context.options.timeoutMs
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({status: 'error', summary: `check did not finish within ${Math.round(timeoutMs / 1000)}s; raise --timeout`, details: {timedOut: true}}),
      timeoutMs,
    )
  })
  const times = context.options.timings ? emptyPhaseTimes() : undefined
  let result: CheckResult
  try {
    const run = times ? collectPhaseTimes(times, () => check.run(context)) : check.run(context)
    result = await Promise.race([run.then(validateResult), timeout])
  } catch (error) {
    result = errorResult(error)
  } finally {
    clearTimeout(timer)
  }
  return times ? {...result, details: {...result.details, timings: times}} : result
}

export function errorResult(error: unknown): CheckResult {
  if (error instanceof NetdiagError) {
    if (error.kind === 'offline') return skip('offline', error.message)
    return {
      status: 'error',
      summary: error.message,
      ...(error.kind === 'forbidden' ? {skippedBecause: 'forbidden', details: {forbidden: error.forbidden}} : {}),
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {status: 'error', summary: `internal error: ${message.split('\n')[0]}`}
}

function validateResult(result: CheckResult): CheckResult {
  if (!result || !['pass', 'warn', 'fail', 'skip', 'error'].includes(result.status) || typeof result.summary !== 'string') {
    return {status: 'error', summary: 'internal error: the check returned no valid result'}
  }
  return result
}

/** Ids are unique and every dependency is declared earlier in the plan (so the plan order is a topological order). */
export function validatePlan(checks: Array<Pick<Check<never>, 'id' | 'dependsOn' | 'after' | 'speculative' | 'needsProbe'>>): void {
  const seen = new Set<string>()
  for (const check of checks) {
    if (seen.has(check.id)) throw new Error(`duplicate check id ${check.id}`)
    if (check.speculative && !check.needsProbe) {
      throw new Error(`check ${check.id} is speculative but needs no probe: only probe checks may start before their dependencies finish`)
    }
    for (const dependency of [...(check.dependsOn ?? []), ...(check.after ?? [])]) {
      if (!seen.has(dependency)) throw new Error(`check ${check.id} depends on ${dependency}, which is not earlier in the plan`)
    }
    seen.add(check.id)
  }
}

function semaphore(size: number) {
  let active = 0
  const queue: Array<() => void> = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= size) await new Promise<void>((resolve) => queue.push(resolve))
    active++
    try {
      return await task()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}
