import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {pathMtuBisect} from '../../../src/probes/net.js'

const limit = (max: number) => async (size: number) => size <= max

describe('pathMtuBisect', () => {
  const cases: Array<{lo: number; hi: number; max: number; maxPassing: number | undefined; minFailing: number | undefined; maxTries: number}> = [
    {lo: 1200, hi: 1472, max: 1472, maxPassing: 1472, minFailing: undefined, maxTries: 1},
    {lo: 1200, hi: 1472, max: 1422, maxPassing: 1422, minFailing: 1423, maxTries: 11},
    {lo: 1200, hi: 1472, max: 1372, maxPassing: 1372, minFailing: 1373, maxTries: 11},
    {lo: 1200, hi: 1472, max: 1200, maxPassing: 1200, minFailing: 1201, maxTries: 11},
    {lo: 1200, hi: 1472, max: 1471, maxPassing: 1471, minFailing: 1472, maxTries: 11},
    {lo: 1200, hi: 1472, max: 1000, maxPassing: undefined, minFailing: 1200, maxTries: 2},
    {lo: 1400, hi: 1400, max: 1400, maxPassing: 1400, minFailing: undefined, maxTries: 1},
    {lo: 1400, hi: 1400, max: 1399, maxPassing: undefined, minFailing: 1400, maxTries: 1},
    {lo: 0, hi: 8972, max: 1422, maxPassing: 1422, minFailing: 1423, maxTries: 16},
  ]
  for (const c of cases) {
    it(`[${c.lo}, ${c.hi}] with limit ${c.max}`, async () => {
      const r = await pathMtuBisect(c.lo, c.hi, limit(c.max))
      assert.equal(r.maxPassing, c.maxPassing)
      assert.equal(r.minFailing, c.minFailing)
      assert.ok(r.tried.length <= c.maxTries, `tried ${r.tried.length}`)
      assert.equal(new Set(r.tried.map((t) => t.size)).size, r.tried.length, 'no size tried twice')
      for (const t of r.tried) assert.equal(t.ok, t.size <= c.max)
    })
  }
  it('tries the largest size first', async () => {
    const r = await pathMtuBisect(1200, 1472, limit(1422))
    assert.deepEqual(r.tried.slice(0, 2).map((t) => t.size), [1472, 1200])
  })
  it('runs the tests one after another', async () => {
    let running = 0
    let peak = 0
    await pathMtuBisect(1000, 1500, async (size) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 1))
      running--
      return size <= 1234
    })
    assert.equal(peak, 1)
  })
  it('rejects a bad range', async () => {
    await assert.rejects(pathMtuBisect(1500, 1200, limit(1)), RangeError)
    await assert.rejects(pathMtuBisect(1.5, 1200, limit(1)), RangeError)
  })
})
