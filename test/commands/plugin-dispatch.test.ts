import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const kubectl = spawnSync('sh', ['-c', 'command -v kubectl'], {encoding: 'utf8'}).stdout.trim()

/** kubectl finds plugins as `kubectl-<name>` executables on PATH: prove ours dispatches through a real kubectl. */
describe('kubectl plugin dispatch', {skip: kubectl ? false : 'no kubectl on PATH'}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-path-'))
  symlinkSync(bin, join(dir, 'kubectl-netdiag'))
  const home = mkdtempSync(join(tmpdir(), 'netdiag-home-'))
  const env = {...process.env, PATH: `${dir}:${process.env.PATH}`, HOME: home, KUBECONFIG: '', NO_COLOR: '1'}

  it('kubectl plugin list sees kubectl-netdiag', () => {
    const result = spawnSync(kubectl, ['plugin', 'list'], {env, encoding: 'utf8'})
    assert.match(result.stdout, /kubectl-netdiag/)
  })

  it('kubectl netdiag --help lists every command with kubectl-style usage', () => {
    const result = spawnSync(kubectl, ['netdiag', '--help'], {env, encoding: 'utf8'})
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /\$ kubectl netdiag \[COMMAND\]/)
    for (const command of ['cleanup', 'dns', 'node', 'path', 'snapshot', 'svc']) assert.match(result.stdout, new RegExp(`\\n  ${command} `))
  })

  it('passes the exit code and the one-line error through kubectl', () => {
    const snapshot = join(home, 'broken.json')
    writeFileSync(snapshot, '{"kind": "List", "items": [')
    const result = spawnSync(kubectl, ['netdiag', 'dns', '--snapshot', snapshot], {env, encoding: 'utf8'})
    assert.equal(result.status, 2, result.stderr)
    assert.match(result.stderr, /snapshot .*broken\.json is not valid JSON/)
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
  })

  it('says "no kubeconfig found" with exit 3 when there is none', () => {
    const result = spawnSync(kubectl, ['netdiag', 'dns'], {env: {...env, KUBECONFIG: join(home, 'missing')}, encoding: 'utf8'})
    assert.equal(result.status, 3, result.stderr)
    assert.match(result.stderr, /no kubeconfig found/)
  })

  it('exits 2 on an unknown flag', () => {
    const result = spawnSync(kubectl, ['netdiag', 'dns', '--bogus'], {env, encoding: 'utf8'})
    assert.equal(result.status, 2)
    assert.equal(result.stderr, 'error: unknown flag: --bogus; see kubectl netdiag dns --help\n')
  })
})
