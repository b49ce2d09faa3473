import type {EngineHooks} from './engine.js'

/** An ora spinner on stderr naming the checks in flight; only for people (TTY, table output). */
export async function startProgress(enabled: boolean, total: number): Promise<EngineHooks & {stop(): void}> {
  if (!enabled) return {stop() {}}
  const {default: ora} = await import('ora')
  const spinner = ora({stream: process.stderr, text: 'starting'}).start()
  const inFlight = new Set<string>()
  let done = 0
  const update = () => {
    spinner.text = `${done}/${total} checks${inFlight.size > 0 ? `: ${[...inFlight].slice(0, 2).join(', ')}` : ''}`
  }
  return {
    onStart(check) {
      inFlight.add(check.title)
      update()
    },
    onFinish(outcome) {
      inFlight.delete(outcome.title)
      done++
      update()
    },
    stop() {
      spinner.stop()
    },
  }
}
