import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {LabelSelector} from '../../../src/cluster/types.js'
import {
  LabelSelectorSyntaxError,
  compileSelector,
  formatLabelSelector,
  formatLabels,
  isEmptySelector,
  labelsKey,
  matchesSelector,
  parseLabelSelector,
  selectorProblems,
} from '../../../src/analysis/labels.js'

const pod = {app: 'web', tier: 'frontend', env: 'prod'}

describe('matchesSelector', () => {
  const cases: [string, LabelSelector | null | undefined, Record<string, string> | undefined, boolean][] = [
    ['null matches nothing', null, pod, false],
    ['undefined matches nothing', undefined, pod, false],
    ['{} matches everything', {}, pod, true],
    ['{} matches an object without labels', {}, undefined, true],
    ['empty matchLabels and matchExpressions match everything', {matchLabels: {}, matchExpressions: []}, pod, true],
    ['matchLabels equal', {matchLabels: {app: 'web'}}, pod, true],
    ['matchLabels different value', {matchLabels: {app: 'api'}}, pod, false],
    ['matchLabels missing key', {matchLabels: {team: 'a'}}, pod, false],
    ['matchLabels all must match', {matchLabels: {app: 'web', tier: 'backend'}}, pod, false],
    ['matchLabels against no labels', {matchLabels: {app: 'web'}}, undefined, false],
    ['matchLabels empty value matches empty value', {matchLabels: {canary: ''}}, {canary: ''}, true],
    ['matchLabels empty value does not match absence', {matchLabels: {canary: ''}}, {}, false],
    ['In hit', {matchExpressions: [{key: 'env', operator: 'In', values: ['prod', 'staging']}]}, pod, true],
    ['In miss', {matchExpressions: [{key: 'env', operator: 'In', values: ['dev']}]}, pod, false],
    ['In absent key', {matchExpressions: [{key: 'zone', operator: 'In', values: ['a']}]}, pod, false],
    ['NotIn hit', {matchExpressions: [{key: 'env', operator: 'NotIn', values: ['prod']}]}, pod, false],
    ['NotIn other value', {matchExpressions: [{key: 'env', operator: 'NotIn', values: ['dev']}]}, pod, true],
    ['NotIn absent key matches', {matchExpressions: [{key: 'zone', operator: 'NotIn', values: ['a']}]}, pod, true],
    ['Exists present', {matchExpressions: [{key: 'tier', operator: 'Exists'}]}, pod, true],
    ['Exists absent', {matchExpressions: [{key: 'zone', operator: 'Exists'}]}, pod, false],
    ['Exists with empty value', {matchExpressions: [{key: 'canary', operator: 'Exists'}]}, {canary: ''}, true],
    ['DoesNotExist absent matches', {matchExpressions: [{key: 'zone', operator: 'DoesNotExist'}]}, pod, true],
    ['DoesNotExist present', {matchExpressions: [{key: 'app', operator: 'DoesNotExist'}]}, pod, false],
    ['DoesNotExist on no labels', {matchExpressions: [{key: 'app', operator: 'DoesNotExist'}]}, undefined, true],
    [
      'matchLabels AND matchExpressions both hold',
      {matchLabels: {app: 'web'}, matchExpressions: [{key: 'env', operator: 'In', values: ['prod']}]},
      pod,
      true,
    ],
    [
      'matchLabels AND matchExpressions: expression fails',
      {matchLabels: {app: 'web'}, matchExpressions: [{key: 'env', operator: 'NotIn', values: ['prod']}]},
      pod,
      false,
    ],
    ['invalid: In without values matches nothing', {matchExpressions: [{key: 'app', operator: 'In', values: []}]}, pod, false],
    ['invalid: NotIn without values matches nothing', {matchExpressions: [{key: 'x', operator: 'NotIn'}]}, pod, false],
    ['invalid: Exists with values matches nothing', {matchExpressions: [{key: 'app', operator: 'Exists', values: ['web']}]}, pod, false],
    ['invalid: unknown operator matches nothing', {matchExpressions: [{key: 'app', operator: 'Equals', values: ['web']}]}, pod, false],
    ['inherited keys are not labels', {matchExpressions: [{key: 'toString', operator: 'Exists'}]}, {}, false],
  ]
  for (const [name, selector, labels, expected] of cases) {
    it(name, () => {
      assert.equal(matchesSelector(selector, labels), expected)
      assert.equal(compileSelector(selector)(labels), expected)
    })
  }
})

describe('isEmptySelector and selectorProblems', () => {
  it('tells empty from null', () => {
    assert.equal(isEmptySelector({}), true)
    assert.equal(isEmptySelector({matchLabels: {}}), true)
    assert.equal(isEmptySelector(null), false)
    assert.equal(isEmptySelector(undefined), false)
    assert.equal(isEmptySelector({matchLabels: {a: 'b'}}), false)
  })
  it('lists what the API server would reject', () => {
    assert.deepEqual(
      selectorProblems({
        matchExpressions: [
          {key: 'a', operator: 'In', values: []},
          {key: 'b', operator: 'Exists', values: ['x']},
          {key: 'c', operator: 'Bogus'},
          {key: 'd', operator: 'DoesNotExist'},
        ],
      }),
      ['a: operator In needs at least one value', 'b: operator Exists takes no values', 'c: unknown operator "Bogus"'],
    )
  })
})

describe('parseLabelSelector', () => {
  const cases: [string, LabelSelector][] = [
    ['', {}],
    ['  ', {}],
    ['app=web', {matchLabels: {app: 'web'}}],
    ['app==web', {matchLabels: {app: 'web'}}],
    ['app = web', {matchLabels: {app: 'web'}}],
    ['app=', {matchLabels: {app: ''}}],
    ['app!=web', {matchExpressions: [{key: 'app', operator: 'NotIn', values: ['web']}]}],
    ['env in (prod, staging)', {matchExpressions: [{key: 'env', operator: 'In', values: ['prod', 'staging']}]}],
    ['env notin (dev)', {matchExpressions: [{key: 'env', operator: 'NotIn', values: ['dev']}]}],
    ['env in(a,a)', {matchExpressions: [{key: 'env', operator: 'In', values: ['a']}]}],
    ['tier', {matchExpressions: [{key: 'tier', operator: 'Exists'}]}],
    ['!canary', {matchExpressions: [{key: 'canary', operator: 'DoesNotExist'}]}],
    [
      'k8s-app=kube-dns,app.kubernetes.io/name in (coredns,kube-dns),!legacy,zone',
      {
        matchLabels: {'k8s-app': 'kube-dns'},
        matchExpressions: [
          {key: 'app.kubernetes.io/name', operator: 'In', values: ['coredns', 'kube-dns']},
          {key: 'legacy', operator: 'DoesNotExist'},
          {key: 'zone', operator: 'Exists'},
        ],
      },
    ],
    ['a=b,a=c', {matchLabels: {a: 'b'}, matchExpressions: [{key: 'a', operator: 'In', values: ['c']}]}],
  ]
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseLabelSelector(input), expected))
  }

  it('!= matches objects without the key, like the API', () => {
    assert.equal(matchesSelector(parseLabelSelector('env!=prod'), {app: 'x'}), true)
    assert.equal(matchesSelector(parseLabelSelector('env!=prod'), {env: 'prod'}), false)
  })

  const bad = ['a in ()', 'a in (x', 'a)', 'a>1', 'a<1', 'a=b,', ',a', '=b', 'a=b c', 'a in (x y)', 'a ~ b']
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseLabelSelector(input), LabelSelectorSyntaxError))
  }
})

describe('formatLabelSelector', () => {
  const cases: [LabelSelector, string][] = [
    [{}, ''],
    [{matchLabels: {app: 'web'}}, 'app=web'],
    [{matchLabels: {tier: 'fe', app: 'web'}}, 'app=web,tier=fe'],
    [{matchExpressions: [{key: 'env', operator: 'In', values: ['staging', 'prod']}]}, 'env in (prod,staging)'],
    [{matchExpressions: [{key: 'env', operator: 'NotIn', values: ['dev', 'ci']}]}, 'env notin (ci,dev)'],
    [{matchExpressions: [{key: 'env', operator: 'NotIn', values: ['dev']}]}, 'env!=dev'],
    [{matchExpressions: [{key: 'x', operator: 'Exists'}, {key: 'a', operator: 'DoesNotExist'}]}, '!a,x'],
  ]
  for (const [selector, expected] of cases) {
    it(expected || '{}', () => assert.equal(formatLabelSelector(selector), expected))
  }

  const roundTrips = ['app=web', 'app=web,env in (prod,staging),!legacy,tier', 'env notin (ci,dev)', 'a!=b']
  for (const text of roundTrips) {
    it(`round-trips ${text}`, () => assert.equal(formatLabelSelector(parseLabelSelector(text)), text))
  }

  it('formats label sets sorted', () => assert.equal(formatLabels({b: '2', a: '1'}), '{a=1, b=2}'))
})

describe('labelsKey', () => {
  // [name, a, b, same key?]
  const cases: [string, Record<string, string>, Record<string, string>, boolean][] = [
    ['order does not matter', {a: '1', b: '2'}, {b: '2', a: '1'}, true],
    ['no labels equal no labels', {}, {}, true],
    ['another value', {a: '1'}, {a: '2'}, false],
    ['another key', {a: '1'}, {b: '1'}, false],
    ['a subset', {a: '1'}, {a: '1', b: '2'}, false],
    ['separators inside a value cannot forge a pair', {a: '1;b=2'}, {a: '1', b: '2'}, false],
    ['key and value boundary is unambiguous', {'a=b': 'c'}, {a: 'b=c'}, false],
    ['empty value differs from a missing label', {a: ''}, {}, false],
  ]
  for (const [name, a, b, same] of cases) it(name, () => assert.equal(labelsKey(a) === labelsKey(b), same))

  it('is the labels in the order of Object.keys().sort(), whatever their order and number (the in-place sort and the large-map fallback)', () => {
    const keys = ['tier', 'app', 'app.kubernetes.io/name', 'B', 'a', 'pod-template-hash', 'z/é', 'app.kubernetes.io/part-of', '10', '9']
    const expected = (labels: Record<string, string>) => Object.keys(labels).sort().map((k) => `${k.length}:${k}=${labels[k]!.length}:${labels[k]}`).join(';') + (Object.keys(labels).length ? ';' : '')
    for (let n = 0; n <= 40; n++) {
      const names = Array.from({length: n}, (_, i) => `${keys[(i * 7) % keys.length]}${Math.floor(i / keys.length) || ''}`)
      const labels = Object.fromEntries(names.map((k, i) => [k, `v${i}`]))
      assert.equal(labelsKey(labels), expected(labels), `${n} labels`)
    }
  })
})
