import {AsyncLocalStorage} from 'node:async_hooks'

export type Phase = 'api' | 'podStart' | 'exec'

/** Where a check's time went (--timings): API calls, debug pod/container starts, probe execs. */
export interface PhaseTimes {
  apiMs: number
  apiCalls: number
  podStartMs: number
  podStarts: number
  execMs: number
  execs: number
}

const current = new AsyncLocalStorage<PhaseTimes>()

export function emptyPhaseTimes(): PhaseTimes {
  return {apiMs: 0, apiCalls: 0, podStartMs: 0, podStarts: 0, execMs: 0, execs: 0}
}

/** Runs `work` so that phases timed inside it, and in the promises it starts, add up in `times`. */
export function collectPhaseTimes<T>(times: PhaseTimes, work: () => Promise<T>): Promise<T> {
  return current.run(times, work)
}

/**
 * Times `work` as `phase` for the check that started it. A cached API call or a shared debug pod counts for the
 * check that first asked; the others wait on the same promise and count nothing.
 */
export async function timePhase<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
  const times = current.getStore()
  if (!times) return work()
  const started = performance.now()
  try {
    return await work()
  } finally {
    const ms = Math.round(performance.now() - started)
    if (phase === 'api') (times.apiMs += ms), times.apiCalls++
    else if (phase === 'podStart') (times.podStartMs += ms), times.podStarts++
    else (times.execMs += ms), times.execs++
  }
}
