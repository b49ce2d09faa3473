import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {helpTopic} from '../../../src/help/fast-help.js'
import {normalizeArgv} from '../../../src/main.js'

const COMMANDS = ['dns', 'svc', 'path']

describe('helpTopic: the argv the pre-rendered help answers', () => {
  const table: Array<[string[], string | undefined]> = [
    [[], ''],
    [['--help'], ''],
    [['-h'], ''],
    [['help'], ''],
    [['svc', '--help'], 'svc'],
    [['svc', '-h'], 'svc'],
    [['help', 'svc'], 'svc'],
    [['help', 'nosuch'], 'nosuch'],
    [['help', '--help'], undefined],
    [['--help', 'svc'], undefined],
    [['svc'], undefined],
    [['svc', 'web'], undefined],
    [['svc', 'web', '--help'], undefined],
    [['svc', '--help', '-n'], undefined],
    [['--version'], undefined],
    [['version'], undefined],
    [['-v', '6'], undefined],
    [['dns', '--no-color'], undefined],
  ]
  for (const [argv, topic] of table) it(`${JSON.stringify(argv)} -> ${JSON.stringify(topic)}`, () => assert.equal(helpTopic(argv), topic))

  it('asks for the page oclif shows for the same argv after main.ts spells it the kubectl way', () => {
    for (const [argv, topic] of table) {
      if (topic === undefined || argv.length === 0) continue
      const normalized = normalizeArgv(argv, [...COMMANDS, 'nosuch'])
      assert.ok(Array.isArray(normalized), JSON.stringify(argv))
      assert.deepEqual(normalized, topic === '' ? ['--help'] : [topic, '--help'], JSON.stringify(argv))
    }
  })
})

describe('the --help path loads nothing heavy', () => {
  const importsOf = (file: string) => [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1])

  it('bin/run.js imports only the fast help before deciding', () => {
    assert.deepEqual(importsOf('../../../bin/run.js'), ['../dist/help/fast-help.js'])
  })

  it('fast-help.ts imports Node built-ins, and the colour rule only when it prints', () => {
    const source = readFileSync(new URL('../../../src/help/fast-help.ts', import.meta.url), 'utf8')
    assert.deepEqual(importsOf('../../../src/help/fast-help.ts'), ['node:fs', 'node:os'])
    assert.match(source, /await import\('\.\/oclif-color\.js'\)/)
  })
})
