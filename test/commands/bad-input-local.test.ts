import nock from 'nock'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {assertOneLineError, withEnv} from '../helpers/errors.js'
import {writeTempFile} from '../helpers/files.js'
import {writeKubeconfig} from '../helpers/kubeconfig.js'
import {namespace} from '../helpers/svc-fixtures.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'

// Bad input that needs no API server: every case is one line on stderr, nothing on stdout, its exit code.
const DIAGNOSING: Record<string, string[]> = {
  dns: ['dns'],
  svc: ['svc', 'backend'],
  path: ['path', 'shop/web-1', 'shop/db-0'],
  node: ['node'],
}
const ALL: Record<string, string[]> = {...DIAGNOSING, cleanup: ['cleanup'], snapshot: ['snapshot']}

describe('bad input without a cluster: one line, the DESIGN.md exit code', () => {
  strictNock()

  for (const [command, argv] of Object.entries(DIAGNOSING)) {
    it(`${command}: a missing snapshot file is exit 2`, async () => {
      const r = await run([...argv, '--snapshot', '/nonexistent/cluster.json'])
      assertOneLineError(r, 2, /^cannot read snapshot \/nonexistent\/cluster\.json: no such file; create one with: kubectl netdiag snapshot > cluster\.json$/)
    })
  }

  const malformed: Array<[string, string, RegExp]> = [
    ['YAML', 'apiVersion: v1\nkind: List\n', /^snapshot \S+ is YAML; YAML is not read: use -o json \(kubectl get \.\.\. -o json, or kubectl netdiag snapshot > cluster\.json\)$/],
    ['not JSON', 'hello: world\n', /^snapshot \S+ is not valid JSON \(line 1: unexpected "h" between documents\); create one with: kubectl netdiag snapshot > cluster\.json$/],
    ['a JSON array, not a List', '[{"kind": "Pod"}]', /^snapshot \S+ holds a JSON value that is not a Kubernetes object or List; create one with/],
    ['a JSON object that is not a List (a kubeconfig)', JSON.stringify({apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: []}), /^snapshot \S+ holds a Config, not a Kubernetes List of the objects netdiag reads; create one with/],
    ['a List whose items lack kind', JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{metadata: {name: 'web-1', namespace: 'shop'}}]}), /^snapshot \S+ holds an object without "kind"; expected a Kubernetes List: create one with/],
  ]
  for (const [name, text, message] of malformed) {
    it(`dns: a malformed snapshot (${name}) is exit 2`, async () => {
      const r = await run(['dns', '--snapshot', writeTempFile('cluster.json', text), '-o', 'json'])
      assertOneLineError(r, 2, message)
    })
  }

  it('an unknown namespace in a snapshot is exit 2, before any check runs', async () => {
    const snapshot = writeTempFile('cluster.json', JSON.stringify({apiVersion: 'v1', kind: 'List', items: [namespace('shop')]}))
    const r = await run(['dns', '-n', 'nope', '--snapshot', snapshot, '-o', 'json'])
    assertOneLineError(r, 2, /^namespace "nope" not found in the snapshot, which holds namespaces shop$/)
  })

  for (const [command, argv] of Object.entries(DIAGNOSING)) {
    it(`${command}: an invalid --timeout is exit 2 (a unit typo, and zero)`, async () => {
      for (const value of ['10x', '0', '0s']) {
        const r = await run([...argv, '--kubeconfig', writeKubeconfig(), '--timeout', value])
        assertOneLineError(r, 2, new RegExp(`^invalid --timeout "${value}": use a duration such as 30s, 2m or 1m30s$`))
      }
    })
  }

  for (const [command, argv] of Object.entries({...DIAGNOSING, cleanup: ['cleanup']})) {
    it(`${command}: an invalid -o value is exit 2`, async () => {
      const r = await run([...argv, '--kubeconfig', writeKubeconfig(), '-o', 'xml'])
      const formats = command === 'cleanup' ? 'table, json' : 'table, json, yaml, junit'
      assertOneLineError(r, 2, new RegExp(`^invalid value "xml" for --output: use one of ${formats}$`))
    })
  }

  for (const [command, argv] of Object.entries(ALL)) {
    it(`${command}: an unknown --context is a kubeconfig problem, exit 3, naming the contexts there are`, async () => {
      const r = await run([...argv, '--kubeconfig', writeKubeconfig({extraContexts: ['staging']}), '--context', 'prod'])
      assertOneLineError(r, 3, /^context "prod" not found in kubeconfig; available: test, staging \(see kubectl config get-contexts\)$/)
    })
  }

  for (const [command, argv] of Object.entries(ALL)) {
    it(`${command}: KUBECONFIG pointing at a missing file is "no kubeconfig found", exit 3`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'netdiag-home-'))
      const r = await withEnv({KUBECONFIG: '/nonexistent/config', HOME: home}, () => run(argv))
      assertOneLineError(r, 3, /^no kubeconfig found \(looked at KUBECONFIG=\/nonexistent\/config\): pass --kubeconfig FILE, set KUBECONFIG, or use --snapshot FILE for offline analysis$/)
    })
  }

  it('no KUBECONFIG and no ~/.kube/config: "no kubeconfig found" (exit 3), never a silent try of localhost:8080', async () => {
    const home = mkdtempSync(join(tmpdir(), 'netdiag-home-'))
    const attempted: string[] = []
    const listener = (req: {hostname?: string; port?: string; path?: string}) => attempted.push(`${req.hostname}:${req.port}${req.path}`)
    nock.emitter.on('no match', listener)
    try {
      const r = await withEnv({KUBECONFIG: undefined, HOME: home}, () => run(['dns', '-o', 'json']))
      assertOneLineError(r, 3, new RegExp(`^no kubeconfig found \\(looked at ${join(home, '.kube', 'config').replace(/[.\\/]/g, '\\$&')}\\): pass --kubeconfig FILE`))
      assert.deepEqual(attempted, [])
    } finally {
      nock.emitter.removeListener('no match', listener)
    }
  })

  it('a real process prints the message as one unwrapped line (CI logs are not a terminal), kubectl style', () => {
    const home = mkdtempSync(join(tmpdir(), 'netdiag-home-'))
    const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
    const result = spawnSync(process.execPath, [bin, 'dns'], {env: {PATH: process.env.PATH, HOME: home, KUBECONFIG: '/nonexistent/config'}, encoding: 'utf8'})
    assert.equal(result.status, 3, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, 'error: no kubeconfig found (looked at KUBECONFIG=/nonexistent/config): pass --kubeconfig FILE, set KUBECONFIG, or use --snapshot FILE for offline analysis\n')
  })

  it('an empty kubeconfig file is "no kubeconfig" (exit 3), like one without a current context, never a JavaScript error', async () => {
    for (const [text, message] of [
      ['', /^kubeconfig \S+ is empty: pass --kubeconfig FILE, set KUBECONFIG, or use --snapshot FILE for offline analysis$/],
      ['{}', /^the kubeconfig has no current context: pass --context, or run kubectl config use-context NAME$/],
    ] as const) {
      const r = await run(['dns', '--kubeconfig', writeTempFile('config', text)])
      assertOneLineError(r, 3, message)
    }
  })

  it('--kubeconfig naming a missing file is a kubeconfig problem, exit 3', async () => {
    const r = await run(['dns', '--kubeconfig', '/nonexistent/config'])
    assertOneLineError(r, 3, /^kubeconfig file \/nonexistent\/config does not exist \(from --kubeconfig\)$/)
  })
})
