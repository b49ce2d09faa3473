/**
 * Cleanup that must run on every exit path: normal return, thrown error, SIGINT, SIGTERM. Debug pods also
 * carry activeDeadlineSeconds, so even a SIGKILL leaves nothing running for long.
 */
type Cleanup = () => Promise<void>

const cleanups = new Set<Cleanup>()
let installed = false
let exiting = false
let signalled: {code: number; cleaned: Promise<void>} | undefined

const SIGNAL_EXIT: Record<string, number> = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129}
const CLEANUP_BUDGET_MS = 15_000

export function registerCleanup(cleanup: Cleanup): () => void {
  installSignalHandlers()
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

export async function runCleanups(): Promise<void> {
  const pending = [...cleanups]
  cleanups.clear()
  await Promise.allSettled(pending.map((cleanup) => cleanup()))
}

/**
 * Once a signal has started the cleanup, whatever the run does next (a create refused after close, a check that
 * errors because its pod went away) must not decide the exit code: this waits for the cleanup and exits with the
 * signal's code. It returns only when no signal was received.
 */
export async function exitIfSignalled(): Promise<void> {
  if (!signalled) return
  await signalled.cleaned
  process.exit(signalled.code)
}

function installSignalHandlers(): void {
  if (installed) return
  installed = true
  for (const signal of Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (exiting) process.exit(SIGNAL_EXIT[signal]) // a second Ctrl-C: stop waiting
      exiting = true
      process.stderr.write(`\nkubectl netdiag: ${signal} received, deleting debug pods...\n`)
      const budget = setTimeout(() => process.exit(SIGNAL_EXIT[signal]), CLEANUP_BUDGET_MS)
      budget.unref()
      const cleaned = runCleanups()
      signalled = {code: SIGNAL_EXIT[signal]!, cleaned}
      cleaned.finally(() => process.exit(SIGNAL_EXIT[signal]))
    })
  }
}
