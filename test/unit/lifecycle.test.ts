import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {describe, it} from 'node:test'

function interrupt(mode: 'guarded' | 'unguarded'): Promise<{code: number | null; stdout: string}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/unit/fixtures/signal-during-run.ts', mode], {stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.startsWith('ready') && !child.killed) child.kill('SIGINT')
    })
    child.on('exit', (code) => resolve({code, stdout}))
  })
}

describe('lifecycle: a signal decides the exit code', () => {
  it('a failure after SIGINT waits for the cleanup and exits 130', async () => {
    const {code, stdout} = await interrupt('guarded')
    assert.equal(code, 130)
    assert.match(stdout, /cleaned/)
  })

  it('without the guard the failure wins: the race the guard exists for', async () => {
    const {code, stdout} = await interrupt('unguarded')
    assert.equal(code, 1)
    assert.doesNotMatch(stdout, /cleaned/)
  })
})
