import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {SIZES, generateSnapshot, snapshotText} from '../../bench/snapshot-generator.js'
import {writeTempFile} from '../helpers/files.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'

// `node` reads pods only where a check needs them: the CNI agents' namespace, Pending pods (to rank nodes), and
// every pod only when the CNI allocates from the nodes' podCIDRs. A running pod elsewhere that would fail
// validation proves it was never parsed (a snapshot's index knows each pod's node and phase without parsing).
describe('kubectl netdiag node reads no more pods than its checks need', () => {
  const {items} = generateSnapshot(SIZES.tiny, 3)
  const unreadable = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'odd', namespace: 'team-000', labels: 'not-a-map'}, spec: {nodeName: 'worker-001', containers: []}, status: {phase: 'Running'}}
  const file = writeTempFile('calico-cluster.json', snapshotText([...items, unreadable]))

  for (const nodes of [[], ['worker-001']]) {
    it(`Calico keeps its own IPAM: node ${nodes.join(' ') || '(all)'} reads no running pod outside the CNI's namespace`, async () => {
      const r = await run(['node', ...nodes, '--snapshot', file, '-o', 'json'])
      assert.equal(r.exitCode, 0, r.stderr)
      const report = JSON.parse(r.stdout)
      assertValidReport(report)
      assert.equal(report.checks.find((c: {id: string}) => c.id === 'node.ipam').skippedBecause, 'not-applicable')
    })
  }

  it('a Pending pod is read (it may be stuck creating), so a bad one there fails closed', async () => {
    const pending = writeTempFile('calico-pending.json', snapshotText([...items, {...unreadable, status: {phase: 'Pending'}}]))
    const r = await run(['node', '--snapshot', pending, '-o', 'json'])
    assert.equal(r.exitCode, 2, r.stdout)
    assert.match(r.stderr, /Pod team-000\/odd metadata\.labels/)
  })
})
