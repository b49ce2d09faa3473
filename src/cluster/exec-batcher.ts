import {randomBytes} from 'node:crypto'

import type {ExecResult} from '../engine/types.js'
import {BatchOutputParser, batchCommand} from './exec-batch-script.js'
import {type ExecStream, MAX_OUTPUT} from './exec.js'

export type ExecFunction = (command: string[], timeoutMs: number, stream?: ExecStream) => Promise<ExecResult>

interface Queued {
  command: string[]
  timeoutMs: number
  resolve: (result: ExecResult) => void
  reject: (error: unknown) => void
}

/** Checks that start together call exec within a few milliseconds of each other (cached API reads in between). */
export const BATCH_WINDOW_MS = 15
/** The batch script's own work (mktemp, polling, cat) on top of its slowest command. */
const SCRIPT_MARGIN_MS = 2_000

/**
 * Runs the exec calls that arrive within one short window as one exec of a batch script (exec-batch-script.ts).
 * Each call still gets its own result and its own timeout. A call alone in its window runs as it was asked, and
 * whatever the batch cannot answer (no shell, no writable temp dir, a refused exec) runs again on its own, so a
 * batch never turns into an answer a single exec would not have given.
 */
export class ExecBatcher {
  private queue: Queued[] = []
  private timer?: ReturnType<typeof setTimeout>
  private batching = true

  constructor(
    private readonly run: ExecFunction,
    private readonly options: {windowMs?: number} = {},
  ) {}

  exec(command: string[], timeoutMs: number): Promise<ExecResult> {
    if (!this.batching) return this.run(command, timeoutMs)
    return new Promise<ExecResult>((resolve, reject) => {
      this.queue.push({command, timeoutMs, resolve, reject})
      this.timer ??= setTimeout(() => this.flush(), this.options.windowMs ?? BATCH_WINDOW_MS)
    })
  }

  private flush(): void {
    const queued = this.queue
    this.queue = []
    this.timer = undefined
    if (queued.length === 1 || !this.batching) {
      for (const q of queued) this.alone(q)
      return
    }
    void this.runBatch(queued)
  }

  private alone(q: Queued): void {
    this.run(q.command, q.timeoutMs).then(q.resolve, q.reject)
  }

  private async runBatch(queued: Queued[]): Promise<void> {
    const started = Date.now()
    const answered = new Set<number>()
    const stopped = new AbortController()
    const timers: Array<ReturnType<typeof setTimeout>> = []
    const answer = (index: number, result: Omit<ExecResult, 'command' | 'durationMs'>) => {
      if (answered.has(index)) return
      answered.add(index)
      clearTimeout(timers[index])
      queued[index]!.resolve({command: queued[index]!.command.join(' '), durationMs: Date.now() - started, ...result})
      if (answered.size === queued.length) stopped.abort()
    }
    // Each command keeps its own deadline: it times out alone, as it would in an exec of its own.
    for (const [index, q] of queued.entries()) timers[index] = setTimeout(() => answer(index, TIMED_OUT), q.timeoutMs)
    const nonce = randomBytes(8).toString('hex')
    const parser = new BatchOutputParser(nonce, (r) => {
      if (queued[r.index]) answer(r.index, {exitCode: r.exitCode, stdout: r.stdout.slice(0, MAX_OUTPUT), stderr: r.stderr.slice(0, MAX_OUTPUT), timedOut: false})
    })
    const timeoutMs = Math.max(...queued.map((q) => q.timeoutMs)) + SCRIPT_MARGIN_MS
    let failure: unknown
    let batch: ExecResult | undefined
    try {
      batch = await this.run(batchCommand(queued.map((q) => q.command), nonce), timeoutMs, {onStdout: (chunk) => parser.push(chunk), signal: stopped.signal})
    } catch (error) {
      failure = error
    }
    if (parser.unsupported) this.batching = false
    const unanswered = [...queued.keys()].filter((index) => !answered.has(index))
    for (const index of unanswered) clearTimeout(timers[index])
    if (batch?.timedOut) {
      for (const index of unanswered) answer(index, TIMED_OUT)
      return
    }
    if (failure !== undefined && isRefusal(failure)) {
      for (const index of unanswered) queued[index]!.reject(failure)
      return
    }
    // Not answered and not timed out: the batch itself could not run them. Each runs alone and reports for itself.
    for (const index of unanswered) this.alone(queued[index]!)
  }
}

const TIMED_OUT = {exitCode: 124, stdout: '', stderr: '', timedOut: true} as const

/** A refused exec (forbidden, the pod gone) is refused for every command alike: no need to ask again per command. */
function isRefusal(error: unknown): boolean {
  const kind = (error as {kind?: string})?.kind
  return kind === 'forbidden' || kind === 'not-found' || kind === 'unauthorized'
}
