import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {run} from '../helpers/run.js'

// Snapshot items are parsed when a check first reads them (src/cluster/snapshot-index.ts): a malformed one is
// still bad input, exit 2, not a check error.
describe('a snapshot with one malformed object', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-malformed-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('exits 2 naming the file and line when a check reads it', async () => {
    const file = join(dir, 'cluster.json')
    const namespace = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop', labels: {'kubernetes.io/metadata.name': 'shop'}}}
    writeFileSync(file, `{"apiVersion":"v1","kind":"List","items":[\n${JSON.stringify(namespace)},\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop"},"spec":{"nodeName":"node-1" "containers":[]}}\n]}\n`)
    const result = await run(['dns', '-n', 'shop', '--snapshot', file, '-o', 'json'])
    assert.equal(result.exitCode, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /snapshot .*cluster\.json is not valid JSON \(line 3: /)
  })
})
