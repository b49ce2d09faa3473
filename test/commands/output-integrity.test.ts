import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {writeTempFile} from '../helpers/files.js'
import {endpointSlice, list, namespace, pod, service} from '../helpers/svc-fixtures.js'
import {assertValidReport} from '../helpers/schema.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'bin', 'run.js')

/** A Service whose 1500 backends all fail readiness: a failing report of several hundred KiB. */
function bigFailingSnapshot(): string {
  const pods = Array.from({length: 1500}, (_, i) => pod({name: `backend-6d8f7b9c4-${String(i).padStart(5, '0')}`, state: 'readiness-failing', ip: `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`}))
  return writeTempFile('big.json', JSON.stringify(list('List', [namespace('shop'), service(), ...pods, endpointSlice(pods)])))
}

/** Runs the built CLI with stdout into a pipe whose reader starts late, so the pipe is full when the CLI exits. */
function throughSlowPipe(args: string[]): {status: number; stdout: string; stderr: string} {
  const out = writeTempFile('out.txt', '')
  const script = `node ${JSON.stringify(cli)} ${args.map((a) => JSON.stringify(a)).join(' ')} 2>${JSON.stringify(out + '.err')} | (sleep 1; cat > ${JSON.stringify(out)}); exit \${PIPESTATUS[0]}`
  const r = spawnSync('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  return {status: r.status ?? -1, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(out + '.err', 'utf8')}
}

describe('stdout is whole before every exit', () => {
  it('a failing 64 KiB+ JSON report through a pipe arrives whole, with exit 1', () => {
    const r = throughSlowPipe(['svc', 'backend', '-n', 'shop', '--snapshot', bigFailingSnapshot(), '-o', 'json'])
    assert.equal(r.status, 1, r.stderr)
    assert.ok(r.stdout.length > 256 * 1024, `report only ${r.stdout.length} bytes`)
    const report = JSON.parse(r.stdout)
    assertValidReport(report)
    assert.equal(report.status, 'fail')
  })

  it('the same report as a table, YAML and JUnit arrives whole too', () => {
    const snapshot = bigFailingSnapshot()
    for (const output of ['table', 'yaml', 'junit']) {
      const r = throughSlowPipe(['svc', 'backend', '-n', 'shop', '--snapshot', snapshot, '-o', output])
      assert.equal(r.status, 1, r.stderr)
      const end = {table: /Diagnosis: FAIL[\s\S]*\n$/, yaml: /\ndiagnosis:\n[\s\S]*\n$/, junit: /<\/testsuites>\n$/}[output as 'table']
      assert.match(r.stdout.slice(-2000), end, `${output} cut short at ${r.stdout.length} bytes`)
    }
  })
})
