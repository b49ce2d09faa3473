// Label syntax is tested once per distinct text (a snapshot repeats its labels on every pod): what was valid
// stays valid, and an invalid text fails every time, whichever valid texts came before it.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {validateSnapshotObject} from '../../../src/cluster/snapshot-validate.js'
import type {SnapshotObject} from '../../../src/cluster/snapshot-file.js'

const pod = (name: string, labels: Record<string, unknown>) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'shop', labels}, spec: {containers: []}}) as unknown as SnapshotObject

describe('validateSnapshotObject: label keys and values, asked again and again', () => {
  // [name, labels, error or undefined]; run in order, twice, so every case meets texts the memo already holds.
  const cases: [string, Record<string, unknown>, RegExp | undefined][] = [
    ['a valid pair', {app: 'web', 'app.kubernetes.io/name': 'web'}, undefined],
    ['the same pair again', {app: 'web', 'app.kubernetes.io/name': 'web'}, undefined],
    ['a known key with a bad value', {app: 'web!'}, /metadata\.labels\.app.*not a valid label value/],
    ['a value over 63 characters', {app: 'a'.repeat(64)}, /not a valid label value/],
    ['a bad key next to a known value', {'-app': 'web'}, /"-app" is not a valid label key/],
    ['a known name under a bad prefix', {'Bad_Prefix/name': 'web'}, /not a valid label key/],
    ['a prefix over 253 characters', {[`${'a'.repeat(254)}/name`]: 'web'}, /not a valid label key/],
    ['a value that is not a string', {app: 7}, /is not a string/],
    ['the valid pair after all that', {app: 'web'}, undefined],
  ]
  for (const round of [1, 2]) {
    for (const [name, labels, error] of cases) {
      it(`${name} (round ${round})`, () => {
        if (error) assert.throws(() => validateSnapshotObject(pod('web-1', labels)), error)
        else assert.doesNotThrow(() => validateSnapshotObject(pod('web-1', labels)))
      })
    }
  }
})
