// Several probe commands in one exec. Each exec costs a runtime process start in the container (runc exec) and a
// websocket; probes that start together (the lookups after the pod is up) share one. The script runs every
// command at once in the background, each with its output in files, and prints each result as soon as that
// command ends, so one slow command does not hold back the others' results.

export const BATCH_RESULT = 'netdiag-batch-result'
/** The image has no writable temporary directory: the caller runs the commands one exec each. */
export const BATCH_UNSUPPORTED = 'netdiag-batch-unsupported'

const BATCH_HEADER = 'netdiag-batch'

/** How many commands a batch script runs; undefined for any other command. */
export function batchSize(command: string[]): number | undefined {
  const match = command[0] === 'sh' && command[1] === '-c' ? new RegExp(`^# ${BATCH_HEADER} (\\d+)\n`).exec(command[2] ?? '') : null
  return match ? Number(match[1]) : undefined
}

export interface BatchEntryResult {
  index: number
  exitCode: number
  stdout: string
  stderr: string
}

/** Quotes one argument for POSIX sh: inside single quotes nothing is special except the quote itself. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/**
 * The script for `commands`. `nonce` (random per batch) marks where each output ends: the commands' output cannot
 * contain a marker it has never seen. A command's exit code lands in its own file in one write, so a file that is
 * not empty is a command that has finished. The loop forks as little as it can (one cat per result, one sleep per
 * turn): on a busy node each fork costs milliseconds.
 */
export function batchCommand(commands: string[][], nonce: string): string[] {
  const jobs = commands.map((argv, i) => `{ ${argv.map(shellQuote).join(' ')} >"$d/${i}.o" 2>"$d/${i}.e" </dev/null; echo $? >"$d/${i}.x"; } &`)
  const script = [
    `# ${BATCH_HEADER} ${commands.length}`,
    `d=$(mktemp -d 2>/dev/null) || { echo ${BATCH_UNSUPPORTED}; exit 0; }`,
    `trap 'rm -rf "$d"' EXIT`,
    `printf '\\n${nonce}-stderr\\n' >"$d/m"`,
    `printf '\\n${nonce}-end\\n' >"$d/n"`,
    ...jobs,
    `left="${commands.map((_, i) => i).join(' ')}"`,
    'while [ -n "$left" ]; do',
    '  next=""',
    '  for i in $left; do',
    '    if [ -s "$d/$i.x" ]; then',
    '      read rc <"$d/$i.x"',
    `      printf '${BATCH_RESULT} %s %s\\n' "$i" "$rc"`,
    '      cat "$d/$i.o" "$d/m" "$d/$i.e" "$d/n"',
    '    else next="$next $i"; fi',
    '  done',
    '  left=$next',
    // Fractional sleep is in busybox and coreutils; a sleep without it falls back to whole seconds.
    '  if [ -n "$left" ]; then sleep 0.02 2>/dev/null || sleep 1; fi',
    'done',
  ].join('\n')
  return ['sh', '-c', script]
}

/** Reads the batch script's output as it arrives: a header line per finished command, then its stdout and stderr. */
export class BatchOutputParser {
  unsupported = false
  private buffer: Buffer = Buffer.alloc(0)
  private pending?: {index: number; exitCode: number; stdout?: string}
  private readonly stderrMarker: Buffer
  private readonly endMarker: Buffer

  constructor(
    nonce: string,
    private readonly onResult: (result: BatchEntryResult) => void,
  ) {
    this.stderrMarker = Buffer.from(`\n${nonce}-stderr\n`)
    this.endMarker = Buffer.from(`\n${nonce}-end\n`)
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (;;) {
      if (!this.pending) {
        const newline = this.buffer.indexOf(0x0a)
        if (newline < 0) return
        const line = this.buffer.subarray(0, newline).toString('utf8')
        this.buffer = this.buffer.subarray(newline + 1)
        if (line === BATCH_UNSUPPORTED) this.unsupported = true
        const fields = line.split(' ')
        if (fields[0] !== BATCH_RESULT || fields.length !== 3 || !fields.slice(1).every((f) => /^\d+$/.test(f))) continue
        this.pending = {index: Number(fields[1]), exitCode: Number(fields[2])}
      }
      const marker = this.pending.stdout === undefined ? this.stderrMarker : this.endMarker
      const at = this.buffer.indexOf(marker)
      if (at < 0) return
      const text = this.buffer.subarray(0, at).toString('utf8')
      this.buffer = this.buffer.subarray(at + marker.length)
      if (this.pending.stdout === undefined) {
        this.pending.stdout = text
        continue
      }
      const {index, exitCode, stdout} = this.pending
      this.pending = undefined
      this.onResult({index, exitCode, stdout, stderr: text})
    }
  }
}
