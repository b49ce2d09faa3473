import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ClusterView} from '../../../src/cluster/view.js'
import {runChecks, runChecksInOrder, validatePlan} from '../../../src/engine/engine.js'
import type {Check, CheckResult, ProbeFactory} from '../../../src/engine/types.js'
import {NetdiagError} from '../../../src/errors.js'

const liveView = {source: 'live'} as ClusterView
const snapshotView = {source: 'snapshot'} as ClusterView
const probes = {} as ProbeFactory

function check(id: string, result: CheckResult | (() => Promise<CheckResult>), extra: Partial<Check> = {}): Check {
  return {id, title: id, layer: 'dns', run: typeof result === 'function' ? result : async () => result, ...extra}
}

const pass: CheckResult = {status: 'pass', summary: 'ok'}
const fail: CheckResult = {status: 'fail', summary: 'broken'}

function run(checks: Check[], options: {view?: ClusterView; noProbe?: boolean; timeoutMs?: number; denied?: Map<string, string>; withProbes?: boolean} = {}) {
  return runChecks(checks, {
    view: options.view ?? liveView,
    probes: options.withProbes === false ? undefined : probes,
    target: {},
    options: {noProbe: options.noProbe ?? false, timeoutMs: options.timeoutMs ?? 1000},
    denied: options.denied,
  })
}

describe('runChecks', () => {
  it('returns outcomes in plan order with timing and identity', async () => {
    const outcomes = await run([check('a.one', pass), check('a.two', fail)])
    assert.deepEqual(outcomes.map((o) => [o.id, o.status]), [['a.one', 'pass'], ['a.two', 'fail']])
    assert.ok(outcomes.every((o) => typeof o.durationMs === 'number' && o.layer === 'dns'))
  })

  for (const blocker of ['fail', 'error', 'skip'] as const) {
    it(`skips dependants of a prerequisite that ended ${blocker}, naming it`, async () => {
      let ran = false
      const outcomes = await run([
        check('a.root', {status: blocker, summary: 'x', ...(blocker === 'skip' ? {skippedBecause: 'not-applicable'} : {})}),
        check('a.child', async () => ((ran = true), pass), {dependsOn: ['a.root']}),
        check('a.grandchild', pass, {dependsOn: ['a.child']}),
      ])
      assert.equal(ran, false)
      assert.equal(outcomes[1].status, 'skip')
      assert.equal(outcomes[1].skippedBecause, 'a.root')
      assert.equal(outcomes[2].skippedBecause, 'a.child')
    })
  }

  it('runs dependants of a prerequisite that only warned', async () => {
    const outcomes = await run([check('a.root', {status: 'warn', summary: 'meh'}), check('a.child', pass, {dependsOn: ['a.root']})])
    assert.equal(outcomes[1].status, 'pass')
  })

  it('runs a check after the ids it waits for even when they fail, and lets it read their results', async () => {
    const slow = check('a', async () => {
      await new Promise((r) => setTimeout(r, 20))
      return fail
    })
    const reader = check('b', pass, {after: ['a']})
    const [, b] = await run([slow, {...reader, run: async (ctx) => ({status: 'pass', summary: `a was ${ctx.result('a')?.status}`})}])
    assert.equal(b!.status, 'pass')
    assert.equal(b!.summary, 'a was fail')
    assert.throws(() => validatePlan([{id: 'x', after: ['y']}, {id: 'y'}]), /x depends on y, which is not earlier/)
  })

  it('lets a dependant read its prerequisite\'s result', async () => {
    const outcomes = await run([
      check('a.root', {status: 'pass', summary: 'found', details: {ip: '10.96.0.10'}}),
      {id: 'a.child', title: 'c', layer: 'dns', dependsOn: ['a.root'], run: async (ctx) => ({status: 'pass', summary: String(ctx.result('a.root')?.details?.ip)})},
    ])
    assert.equal(outcomes[1].summary, '10.96.0.10')
  })

  it('skips probes offline and with --no-probe, and carries the reason down a chain', async () => {
    const plan = [check('p.one', pass, {needsProbe: true}), check('p.two', pass, {dependsOn: ['p.one']})]
    const offline = await run(plan, {view: snapshotView, withProbes: false})
    assert.deepEqual(offline.map((o) => o.skippedBecause), ['offline', 'offline'])
    const noProbe = await run(plan, {noProbe: true})
    assert.deepEqual(noProbe.map((o) => o.skippedBecause), ['no-probe', 'no-probe'])
  })

  it('skips live-only checks on a snapshot but runs API checks', async () => {
    const outcomes = await run([check('l.logs', pass, {liveOnly: true}), check('l.api', pass)], {view: snapshotView, withProbes: false})
    assert.deepEqual(outcomes.map((o) => o.status), ['skip', 'pass'])
    assert.equal(outcomes[0].skippedBecause, 'offline')
  })

  it('skips checks that pre-flight found forbidden', async () => {
    const outcomes = await run([check('f.policies', pass)], {denied: new Map([['f.policies', 'list networkpolicies in namespace shop']])})
    assert.equal(outcomes[0].status, 'skip')
    assert.equal(outcomes[0].skippedBecause, 'forbidden')
    assert.match(outcomes[0].summary, /list networkpolicies/)
  })

  it('turns a check that runs past its timeout into an error, without waiting for it', async () => {
    const started = Date.now()
    const outcomes = await run([check('t.slow', () => new Promise((resolve) => setTimeout(() => resolve(pass), 5000).unref()), {timeoutMs: 50})])
    assert.equal(outcomes[0].status, 'error')
    assert.match(outcomes[0].summary, /did not finish within/)
    assert.ok(Date.now() - started < 2000)
  })

  it('turns thrown errors into error results; a 403 keeps its verb and resource', async () => {
    const forbidden = new NetdiagError('forbidden: cannot list pods', 3, 'forbidden', {verb: 'list', resource: 'pods', namespace: 'kube-system'})
    const outcomes = await run([
      check('e.forbidden', async () => {
        throw forbidden
      }),
      check('e.bug', async () => {
        throw new TypeError('x is undefined')
      }),
      check('e.offline', async () => {
        throw new NetdiagError('pod logs is not available from a snapshot', 2, 'offline')
      }),
    ])
    assert.deepEqual(outcomes.map((o) => o.status), ['error', 'error', 'skip'])
    assert.equal(outcomes[0].skippedBecause, 'forbidden')
    assert.deepEqual(outcomes[0].details, {forbidden: {verb: 'list', resource: 'pods', namespace: 'kube-system'}})
    assert.equal(outcomes[1].summary, 'internal error: x is undefined')
    assert.equal(outcomes[2].skippedBecause, 'offline')
  })

  it('runs independent checks in parallel and waits for dependencies', async () => {
    const events: string[] = []
    const slow = (id: string, ms: number) => async () => {
      events.push(`start ${id}`)
      await new Promise((r) => setTimeout(r, ms))
      events.push(`end ${id}`)
      return pass
    }
    await run([check('x.a', slow('a', 60)), check('x.b', slow('b', 10)), check('x.c', slow('c', 1), {dependsOn: ['x.a']})])
    assert.deepEqual(events.slice(0, 2), ['start a', 'start b'])
    assert.ok(events.indexOf('start c') > events.indexOf('end a'))
  })

  it('starts a probe check at once, even behind more API checks than the concurrency limit, which still holds for them', async () => {
    const events: string[] = []
    let running = 0
    let most = 0
    const api = (id: string) => async () => {
      events.push(`start ${id}`)
      most = Math.max(most, ++running)
      await new Promise((r) => setTimeout(r, 20))
      running--
      return pass
    }
    const apiChecks = Array.from({length: 4}, (_, i) => check(`a.${i}`, api(`a.${i}`)))
    const probe = check('p.source', async () => (events.push('start probe'), pass), {needsProbe: true})
    await runChecks([...apiChecks, probe], {view: liveView, probes, target: {}, options: {noProbe: false, timeoutMs: 1000}, concurrency: 2})
    assert.equal(most, 2)
    assert.ok(events.indexOf('start probe') < events.indexOf('start a.2'), events.join(', '))
  })

  it('rejects an invalid result shape as an error', async () => {
    const outcomes = await run([check('v.bad', async () => ({status: 'great'}) as unknown as CheckResult)])
    assert.equal(outcomes[0].status, 'error')
  })
})

describe('validatePlan', () => {
  it('rejects duplicate ids and dependencies that are not earlier in the plan', () => {
    assert.throws(() => validatePlan([{id: 'a.b'}, {id: 'a.b'}]), /duplicate check id a\.b/)
    assert.throws(() => validatePlan([{id: 'a.b', dependsOn: ['a.c']}, {id: 'a.c'}]), /not earlier in the plan/)
    assert.doesNotThrow(() => validatePlan([{id: 'a.c'}, {id: 'a.b', dependsOn: ['a.c']}]))
  })

  it('allows only probe checks to be speculative', () => {
    assert.throws(() => validatePlan([{id: 'a.c'}, {id: 'a.b', dependsOn: ['a.c'], speculative: true}]), /a\.b is speculative but needs no probe/)
    assert.doesNotThrow(() => validatePlan([{id: 'a.c'}, {id: 'a.b', dependsOn: ['a.c'], speculative: true, needsProbe: true}]))
  })
})

describe('speculative checks', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))
  /** source -> internal (slow) -> the speculative check; what happened, in order. */
  function plan(internal: CheckResult, extra: Partial<Check> = {}, source: CheckResult = pass) {
    const events: string[] = []
    const checks = [
      check('p.source', async () => (events.push('source'), source), {needsProbe: true}),
      check('p.internal', async () => (events.push('internal starts'), await tick(30), events.push('internal ends'), internal), {needsProbe: true, dependsOn: ['p.source']}),
      check('p.search', async () => (events.push('search runs'), pass), {needsProbe: true, dependsOn: ['p.internal'], speculative: true, ...extra}),
    ]
    return {checks, events}
  }

  it('start beside their dependency once it can start, and keep their result when it passes', async () => {
    const {checks, events} = plan(pass)
    const outcomes = await run(checks)
    assert.equal(events[0], 'source')
    assert.ok(events.indexOf('search runs') < events.indexOf('internal ends'), events.join(', '))
    assert.equal(outcomes[2].status, 'pass')
    assert.ok(outcomes[2].durationMs >= 25, 'its duration counts from when it really started')
  })

  for (const blocker of ['fail', 'error', 'skip'] as const) {
    it(`are skipped, naming the dependency, when it ends ${blocker}: what they found is dropped`, async () => {
      const {checks} = plan({status: blocker, summary: 'x', ...(blocker === 'skip' ? {skippedBecause: 'not-applicable'} : {})})
      const outcomes = await run(checks)
      assert.equal(outcomes[2].status, 'skip')
      assert.equal(outcomes[2].skippedBecause, 'p.internal')
    })
  }

  it('do not run at all when what their dependency waits for fails', async () => {
    const {checks, events} = plan(pass, {}, fail)
    const outcomes = await run(checks)
    assert.deepEqual(events, ['source'])
    assert.equal(outcomes[2].skippedBecause, 'p.internal')
  })

  it('cannot read their dependency\'s result: that is an error, not a guess', async () => {
    const {checks} = plan(pass, {run: async (ctx) => ({status: 'pass', summary: String(ctx.result('p.internal')?.status)})})
    const outcomes = await run(checks)
    assert.equal(outcomes[2].status, 'error')
    assert.match(outcomes[2].summary, /speculative check p\.search read the result of its dependency p\.internal/)
  })

  it('are skipped as any probe check is with --no-probe', async () => {
    const {checks, events} = plan(pass)
    const outcomes = await run(checks, {noProbe: true})
    assert.deepEqual(events, [])
    assert.equal(outcomes[2].skippedBecause, 'no-probe')
  })
})

describe('the run signal', () => {
  it('is one signal for every check of a run, aborted when the run ends (a check that left work behind stops it)', async () => {
    const seen: AbortSignal[] = []
    const grab = (id: string) => check(id, async function (this: unknown, ...args: unknown[]) {
      seen.push((args[0] as {signal: AbortSignal}).signal)
      return pass
    } as never)
    await run([grab('a.one'), grab('a.two')])
    assert.equal(seen.length, 2)
    assert.equal(seen[0], seen[1])
    assert.equal(seen[0]!.aborted, true)
    assert.equal((seen[0]!.reason as Error).name, 'AbortError')
  })

  it('is live while the checks run', async () => {
    let abortedDuring: boolean | undefined
    await run([check('a.one', (async (ctx: {signal: AbortSignal}) => ((abortedDuring = ctx.signal.aborted), pass)) as never)])
    assert.equal(abortedDuring, false)
  })
})

describe('runChecksInOrder (scan, offline): the outcomes runChecks gives', () => {
  const saw: string[] = []
  const reading = (id: string, earlier: string): Check =>
    check(id, (async (ctx: {result: (id: string) => {status: string} | undefined}) => {
      saw.push(`${id} sees ${earlier}: ${ctx.result(earlier)?.status}`)
      return pass
    }) as never, {after: [earlier]})
  // [name, plan]: every way a plan can end, each compared field by field (durations aside).
  const plans: [string, () => Check[]][] = [
    ['passes and failures in plan order', () => [check('a.one', pass), check('a.two', fail), check('a.three', {status: 'warn', summary: 'meh'})]],
    ['a failed, erroring or skipped prerequisite skips its chain', () => [
      check('a.root', fail), check('a.child', pass, {dependsOn: ['a.root']}), check('a.grandchild', pass, {dependsOn: ['a.child']}),
      check('b.root', {status: 'skip', summary: 'n/a', skippedBecause: 'not-applicable'}), check('b.child', pass, {dependsOn: ['b.root']}),
    ]],
    ['a thrown error, an offline error and an invalid result', () => [
      check('a.throws', async () => { throw new Error('boom\nstack') }),
      check('a.offline', async () => { throw new NetdiagError('offline', 'pod logs are not in a snapshot') }),
      check('a.invalid', async () => ({status: 'maybe'}) as never),
      check('a.after', pass, {dependsOn: ['a.offline']}),
    ]],
    ['probes and live-only checks are skipped offline', () => [check('a.probe', pass, {needsProbe: true}), check('a.live', pass, {liveOnly: true}), check('a.api', pass, {dependsOn: ['a.probe']})]],
    ['a check reads the results of those it runs after', () => [check('a.first', fail), reading('a.second', 'a.first')]],
  ]
  for (const [name, plan] of plans) {
    it(name, async () => {
      const input = {view: snapshotView, probes, target: {}, options: {noProbe: true, timeoutMs: 1000}}
      saw.length = 0
      const expected = await runChecks(plan(), input)
      const engineSaw = [...saw]
      saw.length = 0
      const got = await runChecksInOrder(plan(), input)
      const strip = (outcomes: {durationMs?: number}[]) => outcomes.map(({durationMs, ...rest}) => rest)
      assert.deepEqual(strip(got), strip(expected))
      assert.deepEqual(saw, engineSaw)
    })
  }

  it('refuses a plan whose dependency comes later, as runChecks does', async () => {
    await assert.rejects(runChecksInOrder([check('a.two', pass, {dependsOn: ['a.one']}), check('a.one', pass)], {view: snapshotView, target: {}, options: {noProbe: true, timeoutMs: 1000}}), /not earlier in the plan/)
  })

  it('a live view gets the full engine (a check that hangs times out)', async () => {
    const hangs = check('a.hangs', () => new Promise(() => undefined))
    const [outcome] = await runChecksInOrder([hangs], {view: liveView, probes, target: {}, options: {noProbe: true, timeoutMs: 50}})
    assert.equal(outcome!.status, 'error')
    assert.match(outcome!.summary, /did not finish/)
  })
})
