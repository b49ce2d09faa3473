// dns.policy as scan runs it (noPassDetails): a passing result, which the sweep drops, is not worded per label
// group and replica; every other result is the one `dns` prints. examples/shop.json: allow-dns selects kube-system
// by a label it lacks (fail); with the label fixed, DNS is allowed (pass).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {dnsPolicyCheck} from '../../../src/checks/dns/policy.js'
import type {DnsTarget} from '../../../src/checks/dns/target.js'
import {readSnapshotFiles, type SnapshotObject} from '../../../src/cluster/snapshot-file.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import type {CheckContext} from '../../../src/engine/types.js'

const SHOP = fileURLToPath(new URL('../../../examples/shop.json', import.meta.url))

function fixed(objects: SnapshotObject[]): SnapshotObject[] {
  return objects.map((o) => {
    if (o.kind !== 'NetworkPolicy' || o.metadata?.name !== 'allow-dns') return o
    const copy = structuredClone(o) as SnapshotObject & {spec: {egress: Array<{to: Array<{namespaceSelector: unknown}>}>}}
    copy.spec.egress[0]!.to[0]!.namespaceSelector = {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}
    return copy
  })
}

async function judge(objects: SnapshotObject[], target: Partial<DnsTarget>) {
  const view = new SnapshotClusterView(objects)
  return dnsPolicyCheck.run({view, target: {namespace: 'shop', existingPodsOnly: true, ...target}, options: {noProbe: true, timeoutMs: 10_000}, result: () => undefined} as unknown as CheckContext<DnsTarget>)
}

describe('dns.policy details (noPassDetails, as scan asks)', () => {
  it('a pass carries every verdict for dns, and no details for scan, with the same status and summary', async () => {
    const objects = fixed(readSnapshotFiles([SHOP]))
    const full = await judge(objects, {})
    const brief = await judge(objects, {noPassDetails: true})
    assert.equal(full.status, 'pass')
    assert.ok(Array.isArray(full.details?.evaluated) && (full.details.evaluated as Array<{udpWhy: string}>).every((e) => e.udpWhy.length > 0))
    assert.deepEqual({status: brief.status, summary: brief.summary}, {status: full.status, summary: full.summary})
    assert.equal(brief.details, undefined)
  })

  it('a failure is the same result either way, details and near misses included', async () => {
    const objects = readSnapshotFiles([SHOP])
    const full = await judge(objects, {})
    assert.equal(full.status, 'fail')
    assert.ok((full.details?.nearMisses as unknown[]).length > 0)
    assert.deepEqual(await judge(objects, {noPassDetails: true}), full)
  })
})
