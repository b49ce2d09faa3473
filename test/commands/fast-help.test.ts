import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const dist = new URL('../../dist/', import.meta.url).href
const commands = Object.keys((await import(`${dist}commands/index.js`)).COMMANDS as Record<string, unknown>)

// The same entry as bin/run.js without the pre-rendered help: what oclif itself prints.
const throughOclif = `
const {COMMANDS} = await import('${dist}commands/index.js')
const {main} = await import('${dist}main.js')
await main(JSON.parse(process.env.ARGS), ${JSON.stringify(new URL('../../bin/run.js', import.meta.url).href)}, Object.keys(COMMANDS))
`

function run(args: string[], env: Record<string, string>, viaOclif: boolean) {
  const base = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env}
  const result = viaOclif
    ? spawnSync(process.execPath, ['--input-type=module', '-e', throughOclif], {env: {...base, ARGS: JSON.stringify(args)}, encoding: 'utf8'})
    : spawnSync(process.execPath, [bin, ...args], {env: base, encoding: 'utf8'})
  assert.equal(result.status, 0, result.stderr)
  return result.stdout
}

describe('pre-rendered --help is the help oclif prints', () => {
  it('has a page for the root and for every command', () => {
    const pages = JSON.parse(readFileSync(new URL('../../dist/help/pages.json', import.meta.url), 'utf8')) as {pages: Record<string, unknown>}
    assert.deepEqual(Object.keys(pages.pages).sort(), ['', ...commands].sort())
  })

  const spellings = [['--help'], ['-h'], ['help'], [], ...commands.map((c) => [c, '--help']), ['help', 'svc'], ['path', '-h']]
  for (const [name, env] of Object.entries({plain: {NO_COLOR: '1'}, 'FORCE_COLOR=1': {FORCE_COLOR: '1'}, 'CI on GitHub': {CI: 'true', GITHUB_ACTIONS: 'true'}})) {
    it(`${name}: byte for byte, for ${spellings.length} spellings`, () => {
      for (const args of spellings) assert.equal(run(args, env, false), run(args, env, true), `${JSON.stringify(args)} ${name}`)
    })
  }

  const script = spawnSync('sh', ['-c', 'command -v script'], {encoding: 'utf8'}).stdout.trim()
  it('in a 200-column colour terminal: the same 80-column page, headers bold', {skip: script ? false : 'no script(1) for a pseudo-terminal'}, () => {
    const inTerminal = (command: string) => spawnSync(script, ['-qc', `stty cols 200; ${command}`, '/dev/null'], {env: {PATH: process.env.PATH ?? '', TERM: 'xterm-256color'}, encoding: 'utf8'}).stdout
    const fast = inTerminal(`${process.execPath} ${bin} svc --help`)
    const oclif = inTerminal(`ARGS='["svc","--help"]' ${process.execPath} --input-type=module -e "${throughOclif.replaceAll('"', '\\"')}"`)
    assert.equal(fast, oclif)
    assert.match(fast, /\u001b\[1mUSAGE\u001b\[22m/)
    assert.equal(fast.replaceAll(/\u001b\[\d+m/g, '').replaceAll('\r\n', '\n'), run(['svc', '--help'], {NO_COLOR: '1'}, false), 'laid out as for a pipe: 80 columns')
  })

  it('shows this machine in the VERSION section, not the build machine', () => {
    assert.ok(run(['--help'], {NO_COLOR: '1'}, false).includes(`\n  kubectl-netdiag/`) && run(['--help'], {NO_COLOR: '1'}, false).includes(` ${process.platform}-${process.arch} node-${process.version}\n`))
  })

  it('leaves unknown topics and OCLIF_COLUMNS to oclif', () => {
    assert.equal(run(['svc', '--help'], {NO_COLOR: '1', OCLIF_COLUMNS: '120'}, false), run(['svc', '--help'], {NO_COLOR: '1', OCLIF_COLUMNS: '120'}, true))
    const unknown = spawnSync(process.execPath, [bin, 'help', 'svx'], {encoding: 'utf8'})
    assert.equal(unknown.status, 2)
    assert.match(unknown.stderr, /unknown command "svx".*did you mean "svc"/)
  })
})
