import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'

import {timePhase} from '../../../src/cluster/phase-times.js'
import type {ClusterView} from '../../../src/cluster/view.js'
import {runChecks} from '../../../src/engine/engine.js'
import type {Check} from '../../../src/engine/types.js'

const view = {source: 'live'} as ClusterView

// What the cluster layer does: the view times API calls, DebugSession pod starts and execs.
const apiCall = () => timePhase('api', () => sleep(2))
const exec = () => timePhase('exec', () => sleep(2))

const checks: Check[] = [
  {id: 'a.api', title: 'a', layer: 'dns', run: async () => (await Promise.all([apiCall(), apiCall()]), {status: 'pass', summary: 'ok'})},
  {id: 'a.probe', title: 'b', layer: 'dns', run: async () => (await timePhase('podStart', () => sleep(1)), await exec(), {status: 'pass', summary: 'ok', details: {kept: 1}})},
  {
    id: 'a.broken',
    title: 'c',
    layer: 'dns',
    run: async () => {
      await apiCall()
      throw new Error('boom')
    },
  },
]

const run = (timings: boolean) => runChecks(checks, {view, target: {}, options: {noProbe: false, timeoutMs: 1000, timings}})

describe('--timings', () => {
  it('adds each check its own API calls, pod starts and execs, even when checks run in parallel or throw', async () => {
    const outcomes = await run(true)
    const times = Object.fromEntries(outcomes.map((o) => [o.id, o.details?.timings as Record<string, number>]))
    assert.deepEqual([times['a.api']!.apiCalls, times['a.api']!.execs, times['a.api']!.podStarts], [2, 0, 0])
    assert.deepEqual([times['a.probe']!.apiCalls, times['a.probe']!.execs, times['a.probe']!.podStarts], [0, 1, 1])
    assert.equal(times['a.broken']!.apiCalls, 1)
    assert.equal(outcomes[2]!.status, 'error')
    assert.equal(outcomes[1]!.details?.kept, 1)
    for (const t of Object.values(times)) assert.ok(t.apiMs >= 0 && t.execMs >= 0 && t.podStartMs >= 0)
  })

  it('adds nothing without the flag, and timing outside a check is a no-op', async () => {
    const outcomes = await run(false)
    assert.ok(outcomes.every((o) => o.details?.timings === undefined))
    assert.equal(await timePhase('api', async () => 42), 42)
  })
})

describe('--timings in the report', () => {
  it('validates against the report schema, which rejects a malformed timings object', async () => {
    const {buildReport} = await import('../../../src/report/report.js')
    const {assertValidReport} = await import('../../helpers/schema.js')
    const outcomes = await run(true)
    const report = buildReport({command: 'dns', target: {}, source: 'live', cluster: {}, startedAt: '2026-12-01T00:00:00.000Z', durationMs: 9, status: 'error', checks: outcomes, diagnosis: {rootCause: null, findings: []}})
    assertValidReport(JSON.parse(JSON.stringify(report)))
    ;(report.checks[0]!.details.timings as Record<string, unknown>).apiMs = -1
    assert.throws(() => assertValidReport(JSON.parse(JSON.stringify(report))), /timings/)
  })
})
