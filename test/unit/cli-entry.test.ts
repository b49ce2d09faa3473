import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {CheckTrouble} from '../../src/base-command.js'
import {closest} from '../../src/did-you-mean.js'
import {runChecks} from '../../src/engine/engine.js'
import type {Check} from '../../src/engine/types.js'
import {badInput, ExitCode, invalidObject} from '../../src/errors.js'
import {normalizeArgv} from '../../src/main.js'
import {SnapshotClusterView} from '../../src/cluster/snapshot-view.js'

const COMMANDS = ['cleanup', 'dns', 'node', 'path', 'snapshot', 'svc']

describe('normalizeArgv: kubectl and cobra spellings', () => {
  const cases: Array<[string[], string[] | RegExp]> = [
    [['help'], ['--help']],
    [['help', 'svc'], ['svc', '--help']],
    [['-h'], ['--help']],
    [['svc', '-h'], ['svc', '--help']],
    [['version'], ['--version']],
    [['dns', '-n', 'shop'], ['dns', '-n', 'shop']],
    [['dsn'], /^unknown command "dsn" for "kubectl netdiag"; did you mean "dns"\?/],
    [['snapshto'], /did you mean "snapshot"\?/],
    [['sv'], /did you mean "svc"\?/],
    [['frobnicate'], /^unknown command "frobnicate" for "kubectl netdiag" \(commands: cleanup, dns, node, path, snapshot, svc\)$/],
  ]
  for (const [argv, expected] of cases) {
    it(argv.join(' '), () => {
      const result = normalizeArgv(argv, COMMANDS)
      if (expected instanceof RegExp) assert.match((result as {error: string}).error, expected)
      else assert.deepEqual(result, expected)
    })
  }
})

describe('closest', () => {
  it('suggests within two edits or a prefix, nothing for unrelated words', () => {
    assert.equal(closest('namepsace', ['namespace', 'node-namespace']), 'namespace')
    assert.equal(closest('snap', ['snapshot', 'svc']), 'snapshot')
    assert.equal(closest('xyz', ['dns', 'svc']), undefined)
  })
})

describe('CheckTrouble: what the engine turns into a check in error still decides the exit code', () => {
  const view = new SnapshotClusterView([])
  const check = (id: string, run: () => Promise<never>): Check => ({id, title: id, layer: 'dns', run})
  it('a bug (TypeError) is remembered as internal (exit 4), a malformed object as bad input (exit 2)', async () => {
    const trouble = new CheckTrouble()
    const checks = trouble.guard([
      check('a', async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')")
      }),
      check('b', async () => {
        throw invalidObject({kind: 'Service', namespace: 'shop', name: 'web'}, 'spec.ports', 'is not a list')
      }),
      check('c', async () => {
        throw badInput('second')
      }),
    ])
    const outcomes = await runChecks(checks, {view, target: {}, options: {noProbe: true, timeoutMs: 1000}})
    assert.deepEqual(outcomes.map((o) => o.status), ['error', 'error', 'error'])
    assert.equal(trouble.internal?.check, 'a')
    assert.equal(trouble.badInput?.message, 'Service shop/web spec.ports: is not a list')
    assert.equal(trouble.badInput?.exitCode, ExitCode.badInput)
    assert.equal(ExitCode.internal, 4)
  })
})
