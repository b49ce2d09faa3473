import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'

import {type BatchEntryResult, BatchOutputParser, batchCommand, batchSize, shellQuote} from '../../../src/cluster/exec-batch-script.js'
import {ExecBatcher, type ExecFunction} from '../../../src/cluster/exec-batcher.js'
import {NetdiagError} from '../../../src/errors.js'

// The batch script runs in whatever shell the probe image has: dash (Debian), busybox ash (busybox, alpine,
// netshoot's /bin/sh is busybox too) and bash. Each test runs it for real in each of them that is installed.
const SHELLS = [['dash'], ['busybox', 'sh'], ['bash']].filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0)

function runScript(shell: string[], commands: string[][], env: NodeJS.ProcessEnv = process.env): BatchEntryResult[] & {unsupported?: boolean} {
  const [, , script] = batchCommand(commands, NONCE)
  const child = spawnSync(shell[0]!, [...shell.slice(1), '-c', script!], {env, timeout: 20_000})
  const results: BatchEntryResult[] & {unsupported?: boolean} = []
  const parser = new BatchOutputParser(NONCE, (r) => results.push(r))
  // One byte at a time: the parser must not depend on how the websocket splits frames.
  for (const byte of child.stdout) parser.push(Buffer.from([byte]))
  results.unsupported = parser.unsupported
  return results
}

const NONCE = '0123456789abcdef'
const byIndex = (results: BatchEntryResult[]) => [...results].sort((a, b) => a.index - b.index)

describe('batch script', () => {
  for (const shell of SHELLS) {
    it(`runs every command with its own stdout, stderr and exit code (${shell.join(' ')})`, () => {
      const header = 'netdiag-batch-result 0 0'
      const results = runScript(shell, [
        ['printf', '%s\n', "it's $HOME `x` \"q\""],
        ['sh', '-c', 'echo out; echo err >&2; exit 3'],
        ['netdiag-no-such-tool', '--x'],
        ['printf', `${header}\nabc\n0123-stderr\n`],
        ['true'],
      ])
      const [quoted, mixed, missing, lookalike, empty] = byIndex(results)
      assert.equal(results.length, 5)
      assert.deepEqual(quoted, {index: 0, exitCode: 0, stdout: "it's $HOME `x` \"q\"\n", stderr: ''})
      assert.deepEqual(mixed, {index: 1, exitCode: 3, stdout: 'out\n', stderr: 'err\n'})
      assert.equal(missing!.exitCode, 127)
      assert.match(missing!.stderr, /not found/)
      assert.deepEqual(lookalike, {index: 3, exitCode: 0, stdout: `${header}\nabc\n0123-stderr\n`, stderr: ''}, 'output that looks like a header is data')
      assert.deepEqual(empty, {index: 4, exitCode: 0, stdout: '', stderr: ''})
    })

    it(`reports that it cannot run when there is no writable temporary directory (${shell.join(' ')})`, () => {
      const results = runScript(shell, [['true'], ['true']], {...process.env, TMPDIR: '/proc/netdiag-none'})
      assert.equal(results.length, 0)
      assert.equal(results.unsupported, true)
    })
  }

  it('prints a fast command before a slow one ends', async () => {
    const [, , script] = batchCommand([['sleep', '1'], ['echo', 'fast']], NONCE)
    const child = spawn('sh', ['-c', script!])
    const seen: number[] = []
    const parser = new BatchOutputParser(NONCE, (r) => seen.push(r.index))
    child.stdout.on('data', (chunk: Buffer) => parser.push(chunk))
    await new Promise((resolve) => child.on('close', resolve))
    assert.deepEqual(seen, [1, 0])
  })

  it('keeps multi-byte text whole across chunk boundaries', () => {
    const [result] = runScript(['sh'], [['printf', 'ünïcødé ✓'], ['true']])
    assert.equal(result!.stdout, 'ünïcødé ✓')
  })

  it('quotes arguments and names its size', () => {
    assert.equal(shellQuote("a'b"), `'a'\\''b'`)
    assert.equal(batchSize(batchCommand([['a'], ['b'], ['c']], NONCE)), 3)
    assert.equal(batchSize(['sh', '-c', 'echo hi']), undefined)
    assert.equal(batchSize(['dig', 'x']), undefined)
  })
})

/** Runs the command on this machine as the exec would in the container, streaming stdout and honouring the stop. */
function localExec(calls: string[][]): ExecFunction {
  return (command, timeoutMs, stream) =>
    new Promise((resolve) => {
      calls.push(command)
      const started = Date.now()
      // Its own process group: stopping the exec ends the shell's children too, as closing the exec session does.
      const child = spawn(command[0]!, command.slice(1), {detached: true})
      const end = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {}
      }
      let stdout = ''
      let stderr = ''
      let how: 'exit' | 'timeout' | 'stopped' | 'missing' = 'exit'
      const timer = setTimeout(() => ((how = 'timeout'), end()), timeoutMs)
      stream?.signal?.addEventListener('abort', () => ((how = 'stopped'), end()))
      child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), stream?.onStdout(chunk)))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      // What the container runtime reports for a binary that is not there (exitCodeOf maps it to 127).
      child.on('error', () => (how = 'missing'))
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({command: command.join(' '), exitCode: how === 'timeout' ? 124 : how === 'missing' ? 127 : (code ?? 1), stdout, stderr, timedOut: how === 'timeout', durationMs: Date.now() - started})
      })
    })
}

describe('ExecBatcher', () => {
  it('runs calls made together as one exec, each with its own result', async () => {
    const calls: string[][] = []
    const batcher = new ExecBatcher(localExec(calls))
    const [a, b, c] = await Promise.all([batcher.exec(['echo', 'a'], 5000), batcher.exec(['sh', '-c', 'echo b >&2; exit 2'], 5000), batcher.exec(['cat', '/etc/hostname'], 5000)])
    assert.equal(calls.length, 1)
    assert.equal(batchSize(calls[0]!), 3)
    assert.deepEqual([a!.stdout, a!.exitCode, a!.command], ['a\n', 0, 'echo a'])
    assert.deepEqual([b!.stderr, b!.exitCode, b!.timedOut], ['b\n', 2, false])
    assert.equal(c!.stdout, spawnSync('cat', ['/etc/hostname']).stdout.toString())
  })

  it('runs a call alone in its window exactly as asked', async () => {
    const calls: string[][] = []
    const batcher = new ExecBatcher(localExec(calls))
    const first = await batcher.exec(['echo', 'one'], 5000)
    const second = await batcher.exec(['echo', 'two'], 5000)
    assert.deepEqual(calls, [['echo', 'one'], ['echo', 'two']])
    assert.deepEqual([first.stdout, second.stdout], ['one\n', 'two\n'])
  })

  it('times a command out on its own deadline while the others answer, and ends the exec once all are in', async () => {
    const calls: string[][] = []
    const execs: Array<Promise<unknown>> = []
    const run = localExec(calls)
    const tracked = new ExecBatcher(async (command, timeoutMs, stream) => {
      const exec = run(command, timeoutMs, stream)
      execs.push(exec)
      return exec
    })
    const [hung, quick] = await Promise.all([tracked.exec(['sleep', '30'], 300), tracked.exec(['echo', 'quick'], 5000)])
    assert.deepEqual([hung.exitCode, hung.timedOut, hung.stdout], [124, true, ''])
    assert.deepEqual([quick.exitCode, quick.timedOut, quick.stdout], [0, false, 'quick\n'])
    const batch = (await execs[0]) as {timedOut: boolean}
    assert.equal(batch.timedOut, false, 'the batch was stopped when every command had an answer, not left to its own timeout')
  })

  it('falls back to one exec per command, for good, when the image cannot run the batch', async () => {
    const calls: string[][] = []
    const run = localExec(calls)
    const batcher = new ExecBatcher((command, timeoutMs, stream) => (batchSize(command) ? run(['sh', '-c', 'echo netdiag-batch-unsupported'], timeoutMs, stream) : run(command, timeoutMs, stream)))
    const [a, b] = await Promise.all([batcher.exec(['echo', 'a'], 5000), batcher.exec(['echo', 'b'], 5000)])
    assert.deepEqual([a.stdout, b.stdout], ['a\n', 'b\n'])
    calls.length = 0
    await Promise.all([batcher.exec(['echo', 'c'], 5000), batcher.exec(['echo', 'd'], 5000)])
    assert.deepEqual(calls, [['echo', 'c'], ['echo', 'd']])
  })

  it('runs each command alone when the batch ends without answers (no shell in the image)', async () => {
    const calls: string[][] = []
    const run = localExec(calls)
    const noShell: ExecFunction = async (command, timeoutMs, stream) =>
      command[0] === 'sh' ? {command: command.join(' '), exitCode: 127, stdout: '', stderr: 'exec: "sh": executable file not found in $PATH', timedOut: false, durationMs: 1} : run(command, timeoutMs, stream)
    const batcher = new ExecBatcher(noShell)
    const [a, b] = await Promise.all([batcher.exec(['echo', 'a'], 5000), batcher.exec(['netdiag-no-such-tool'], 5000)])
    assert.equal(a.stdout, 'a\n')
    assert.equal(b.exitCode, 127, 'the lone exec reports for itself')
  })

  it('rejects every call with the refusal when the exec itself is refused', async () => {
    const refused = new NetdiagError('forbidden: cannot create pods/exec in namespace shop', 3, 'forbidden')
    let calls = 0
    const batcher = new ExecBatcher(async () => (calls++, Promise.reject(refused)))
    const results = await Promise.allSettled([batcher.exec(['echo', 'a'], 5000), batcher.exec(['echo', 'b'], 5000)])
    assert.equal(calls, 1)
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? r.reason : r.value)), [refused, refused])
  })
})
