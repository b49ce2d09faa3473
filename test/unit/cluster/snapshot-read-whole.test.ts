import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {SIZES, generateSnapshot} from '../../../bench/snapshot-generator.js'
import {formatSnapshotList} from '../../../src/cluster/snapshot-layout.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {writeTempFile} from '../../helpers/files.js'

const write = (items: unknown[]) => formatSnapshotList({metadata: {resourceVersion: '', annotations: {'netdiag.io/captured': 'Namespace,Node,Pod'}}, items})
const pod = (name: string, namespace: string) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace, uid: `uid-${name}`, labels: {app: name}}, spec: {containers: [{name: 'app'}], nodeName: 'worker-1'}, status: {phase: 'Running'}})

describe('a snapshot read whole (readWhole: scan)', () => {
  const file = (name: string, text: string) => writeTempFile(`whole-${name}`, text)
  const text = write([pod('a', 'team-000'), pod('b', 'team-000'), pod('c', 'team-111')])
  const names = async (view: SnapshotClusterView) => (await view.listPods(undefined)).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)

  it('holds the same objects as one read by its directory', async () => {
    const whole = file('generated.json', write(generateSnapshot(SIZES.tiny, 7).items))
    assert.deepEqual(await names(SnapshotClusterView.fromFiles([whole], {readWhole: true})), await names(SnapshotClusterView.fromFiles([whole])))
  })

  it('scans an edited file whole, so the edit is what it reads', async () => {
    const edited = file('edited.json', text.replace('"name":"c"', '"name":"x"'))
    assert.deepEqual(await names(SnapshotClusterView.fromFiles([edited], {readWhole: true})), ['team-000/a', 'team-000/b', 'team-111/x'])
  })
})
