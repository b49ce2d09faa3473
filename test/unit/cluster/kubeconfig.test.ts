import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {describe, it} from 'node:test'

import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import {NetdiagError} from '../../../src/errors.js'
import {TEST_SERVER, writeKubeconfig} from '../../helpers/kubeconfig.js'

const emptyHome = () => mkdtempSync(join(tmpdir(), 'home-'))

describe('loadConnection', () => {
  it('uses --kubeconfig, its current context and the context namespace', () => {
    const c = loadConnection({kubeconfig: writeKubeconfig({namespace: 'shop'})}, {HOME: emptyHome()})
    assert.equal(c.context, 'test')
    assert.equal(c.server, TEST_SERVER)
    assert.equal(c.namespace, 'shop')
  })

  it('defaults the namespace to default', () => {
    assert.equal(loadConnection({kubeconfig: writeKubeconfig()}, {HOME: emptyHome()}).namespace, 'default')
  })

  it('switches context with --context, and names the known ones when it does not exist', () => {
    const path = writeKubeconfig({extraContexts: ['staging']})
    assert.equal(loadConnection({kubeconfig: path, context: 'staging'}, {}).context, 'staging')
    assert.throws(() => loadConnection({kubeconfig: path, context: 'prod'}, {}), /context "prod" not found in kubeconfig; available: test, staging/)
  })

  it('reads a KUBECONFIG list, skipping missing files, first file wins', () => {
    const first = writeKubeconfig({namespace: 'one'})
    const second = writeKubeconfig({namespace: 'two', server: 'https://other:6443'})
    const c = loadConnection({}, {KUBECONFIG: ['/nonexistent/config', first, second].join(delimiter), HOME: emptyHome()})
    assert.equal(c.namespace, 'one')
    assert.equal(c.server, TEST_SERVER)
  })

  it('skips empty files in a KUBECONFIG list, and says an all-empty one is empty (exit 3)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    writeFileSync(join(dir, 'empty'), '\n')
    const second = writeKubeconfig({namespace: 'two'})
    assert.equal(loadConnection({}, {KUBECONFIG: [join(dir, 'empty'), second].join(delimiter), HOME: emptyHome()}).namespace, 'two')
    assert.throws(
      () => loadConnection({}, {KUBECONFIG: join(dir, 'empty'), HOME: emptyHome()}),
      (e: unknown) => e instanceof NetdiagError && e.exitCode === 3 && /^kubeconfig \S+ is empty: /.test(e.message),
    )
  })

  it('says "no kubeconfig found" with exit 3 instead of falling back to localhost:8080', () => {
    assert.throws(
      () => loadConnection({}, {HOME: emptyHome()}),
      (error: unknown) => error instanceof NetdiagError && error.exitCode === 3 && /no kubeconfig found .*--snapshot/.test(error.message),
    )
  })

  it('reports a missing --kubeconfig file and a malformed one as kubeconfig problems (exit 3)', () => {
    assert.throws(() => loadConnection({kubeconfig: '/nope/config'}, {}), (e: unknown) => e instanceof NetdiagError && e.exitCode === 3 && /does not exist/.test(e.message))
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    writeFileSync(join(dir, 'config'), 'clusters: [: not yaml')
    assert.throws(() => loadConnection({kubeconfig: join(dir, 'config')}, {}), (e: unknown) => e instanceof NetdiagError && e.exitCode === 3 && /cannot read kubeconfig/.test(e.message))
  })
})
