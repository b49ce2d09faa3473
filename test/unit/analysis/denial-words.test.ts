import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {denialSubject} from '../../../src/analysis/network-policy/denial-words.js'

describe('denialSubject', () => {
  it('one isolating policy blocks', () => {
    assert.equal(denialSubject(['shop/default-deny-egress']), 'NetworkPolicy shop/default-deny-egress blocks')
  })
  it('several block only together: none of them allows, so an allow-only policy is not blamed on its own', () => {
    assert.equal(denialSubject(['shop/allow-dns', 'shop/default-deny-egress']), 'NetworkPolicies shop/allow-dns, shop/default-deny-egress isolate the pods and none of them allows')
  })
})
