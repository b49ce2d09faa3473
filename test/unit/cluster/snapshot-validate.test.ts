// Label syntax is tested once per distinct text (a snapshot repeats its labels on every pod): what was valid
// stays valid, and an invalid text fails every time, whichever valid texts came before it.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {plainlyValid, validateSnapshotObject, validateWording} from '../../../src/cluster/snapshot-validate.js'
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

describe('the allocation-free pass never accepts what the full walk refuses', () => {
  const valid: SnapshotObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'web-1', namespace: 'shop', labels: {app: 'web', 'app.kubernetes.io/part-of': 'shop'}},
      spec: {nodeName: 'node-1', containers: [{name: 'web', ports: [{containerPort: 8080, name: 'http'}]}], initContainers: [{name: 'init', ports: [{containerPort: 9000}]}]},
      status: {phase: 'Running', podIP: '10.244.0.5', podIPs: [{ip: '10.244.0.5'}], conditions: [{type: 'Ready', status: 'True'}], containerStatuses: [{name: 'web', ready: true}]},
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'web', namespace: 'shop'},
      spec: {type: 'ClusterIP', clusterIP: '10.96.0.20', selector: {app: 'web'}, ports: [{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'}, {port: 81, targetPort: 8081}]},
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {name: 'web-abc', namespace: 'shop', labels: {'kubernetes.io/service-name': 'web'}},
      endpoints: [{addresses: ['10.244.0.5']}],
      ports: [{name: 'http', port: 8080}],
    } as SnapshotObject,
  ]
  const wrong: unknown[] = [null, 0, -1, 70000, 1.5, '', 'x', 'Not A Label!', true, [], [null], [1], {}, {a: 1}]

  /** Every path to a value in `object`, objects and lists included. */
  function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
    if (value === null || typeof value !== 'object') return [at]
    const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...at, i])) : Object.entries(value).map(([k, v]) => paths(v, [...at, k]))
    return [at, ...children.flat()]
  }
  function withValue(object: SnapshotObject, path: Array<string | number>, replacement: unknown): SnapshotObject {
    const copy = structuredClone(object) as Record<string | number, unknown>
    let parent: Record<string | number, unknown> = copy
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
    parent[path.at(-1)!] = replacement
    return copy as SnapshotObject
  }
  const refused = (object: SnapshotObject) => {
    try {
      validateWording(object)
      return false
    } catch {
      return true
    }
  }

  for (const object of valid) {
    it(`${object.kind}: the valid object takes the fast pass, and no mutation of it passes there that the walk refuses`, () => {
      assert.equal(plainlyValid(object), true)
      assert.equal(refused(object), false)
      let mutations = 0
      for (const path of paths(object).filter((p) => p.length > 0 && p[0] !== 'kind' && p[0] !== 'apiVersion')) {
        for (const replacement of wrong) {
          const mutated = withValue(object, path, replacement)
          mutations++
          if (plainlyValid(mutated)) assert.equal(refused(mutated), false, `${path.join('.')} = ${JSON.stringify(replacement)}`)
          if (refused(mutated)) assert.throws(() => validateSnapshotObject(mutated))
        }
      }
      assert.ok(mutations > 100)
    })
  }
})
