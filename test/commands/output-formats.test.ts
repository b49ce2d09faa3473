import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parse} from 'yaml'

import {SIZES, generateSnapshot, snapshotText, type BenchTargets} from '../../bench/snapshot-generator.js'
import {junitSchemaErrors} from '../helpers/junit-schema.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'

// The bench's generated cluster, small enough for a test: the three commands run their real plans over it.
describe('-o json|yaml|junit on a generated snapshot', () => {
  let dir: string
  let file: string
  let targets: BenchTargets
  let items: Array<Record<string, any>>

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdiag-formats-'))
    file = join(dir, 'cluster.json')
    const generated = generateSnapshot(SIZES.tiny, 42)
    targets = generated.targets
    items = generated.items
    writeFileSync(file, snapshotText(generated.items))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  const commands = (): Array<[string, string[]]> => [
    ['svc', ['svc', targets.service.name, '-n', targets.service.namespace]],
    ['dns', ['dns', '-n', targets.dnsNamespace]],
    ['path', ['path', targets.path.from, targets.path.to]],
  ]

  it('the bench targets diagnose as healthy: every check that runs offline passes', async () => {
    for (const [name, argv] of commands()) {
      const result = await run([...argv, '--snapshot', file, '-o', 'json'])
      assert.equal(result.exitCode, 0, `${name}: ${result.stderr}`)
      const report = JSON.parse(result.stdout)
      assertValidReport(report)
      assert.deepEqual(report.checks.filter((c: {status: string}) => c.status !== 'pass' && c.status !== 'skip').map((c: {id: string; summary: string}) => `${c.id}: ${c.summary}`), [], name)
    }
  })

  it('-o junit prints only XML that validates against junit-10.xsd, with no spinner on stderr', async () => {
    for (const [name, argv] of commands()) {
      const result = await run([...argv, '--snapshot', file, '-o', 'junit'])
      assert.equal(result.exitCode, 0, `${name}: ${result.stderr}`)
      assert.equal(result.stderr, '')
      assert.match(result.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /)
      assert.deepEqual(await junitSchemaErrors(result.stdout), [], name)
      assert.match(result.stdout, /<skipped message="offline: /)
    }
  })

  it('-o yaml is the -o json document', async () => {
    const [, argv] = commands()[0]!
    // One at a time: run() captures process.stdout.
    const json = await run([...argv, '--snapshot', file, '-o', 'json'])
    const yaml = await run([...argv, '--snapshot', file, '-o', 'yaml'])
    const fromYaml = parse(yaml.stdout)
    assertValidReport(fromYaml)
    const stable = (report: Record<string, unknown>) => JSON.stringify({...report, startedAt: 0, durationMs: 0, checks: (report.checks as Array<Record<string, unknown>>).map((c) => ({...c, durationMs: 0}))})
    assert.equal(stable(fromYaml), stable(JSON.parse(json.stdout)))
  })

  it('a blocked path is a <failure> naming the policy, and exits 1', async () => {
    // The generated namespaces deny traffic from other namespaces (default-deny-all + allow-same-namespace).
    const other = items.find((o) => o.kind === 'Pod' && o.metadata.namespace !== targets.dnsNamespace && o.metadata.namespace.startsWith('team-'))!
    const result = await run(['path', targets.path.from, `${other.metadata.namespace}/${other.metadata.name}`, '--snapshot', file, '-o', 'junit'])
    assert.equal(result.exitCode, 1, result.stderr)
    assert.deepEqual(await junitSchemaErrors(result.stdout), [])
    assert.match(result.stdout, /<failure message="[^"]*NetworkPolic(y|ies) [^"]*default-deny-all[^"]*" type="policy">/)
  })

  it('rejects an unknown format with exit 2', async () => {
    const result = await run(['dns', '--snapshot', file, '-o', 'xml'])
    assert.equal(result.exitCode, 2, result.stderr)
    assert.equal(result.stderr, 'error: invalid value "xml" for --output: use one of table, json, yaml, junit\n')
  })
})
