// Calico's selector language, cases from docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {CalicoSelectorError, parseCalicoSelector} from '../../../src/analysis/policy/adapters/calico-selector.js'

const labels = {app: 'frontend', tier: 'web', 'projectcalico.org/namespace': 'shop', version: 'v1.2.3'}

const CASES: Array<[string, boolean]> = [
  ["app == 'frontend'", true],
  ['app == "backend"', false],
  ["app != 'backend'", true],
  ["missing != 'x'", true], // "k != 'v'" also matches endpoints without k
  ['has(tier)', true],
  ['!has(tier)', false],
  ["tier in {'web', 'api'}", true],
  ["tier not in {'web'}", false],
  ["missing not in {'a'}", true],
  ["version contains '1.2'", true],
  ["version starts with 'v1'", true],
  ["version ends with '.4'", false],
  ["missing contains 'x'", false],
  ['all()', true],
  ['global()', false],
  ['', true],
  ["app == 'frontend' && tier == 'api' || has(version)", true], // && binds tighter than ||
  ["app == 'frontend' && (tier == 'api' || has(nothing))", false],
  ["!(app == 'backend') && projectcalico.org/namespace == 'shop'", true],
]

describe('Calico selector grammar', () => {
  for (const [selector, expected] of CASES) {
    it(`${JSON.stringify(selector)} -> ${expected}`, () => assert.equal(parseCalicoSelector(selector)(labels), expected))
  }
  for (const bad of ["app = 'x'", "app =~ 'x'", "app == x", "tier in {'a' 'b'}", "has(app", "app == 'x' &&", "app like 'x'", "'unterminated"]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseCalicoSelector(bad), CalicoSelectorError))
  }
})
