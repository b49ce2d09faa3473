import type {ExecResult, ProbeRunner} from '../../src/engine/types.js'

/**
 * A probe source that answers each command line from a table (real tool output), records what ran, and fails
 * any command the table does not hold (so a test sees a probe it did not expect).
 */
export function tableRunner(answers: Record<string, Partial<ExecResult>>, where: {description: string; node: string}): ProbeRunner & {ran: string[]} {
  const ran: string[] = []
  return {
    ran,
    description: where.description,
    details: {node: where.node},
    async exec(command) {
      const line = command.join(' ')
      ran.push(line)
      const answer = answers[line] ?? {exitCode: 1, stderr: `unexpected ${line}`}
      return {command: line, exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 3, ...answer}
    },
  }
}
