import type {Check} from '../../engine/types.js'
import {describeLookup, evidence, lookup} from './lookup.js'
import type {DnsTarget} from './target.js'

/** A short name (kubernetes.default) through the search list, the way applications ask. */
export const probeSearchLookupCheck: Check<DnsTarget> = {
  id: 'dns.probe.search',
  title: 'Short name via search list',
  layer: 'dns',
  needsProbe: true,
  symptom: true,
  dependsOn: ['dns.probe.internal'],
  // Its lookup does not depend on what the internal one found: it goes into the same exec batch.
  speculative: true,
  async run(ctx) {
    const result = await lookup(ctx, {name: 'kubernetes.default', search: true})
    const details = evidence(result)
    if (result.unsupported) return {status: 'skip', summary: describeLookup(result), skippedBecause: 'not-applicable', details}
    if (result.result?.status === 'NOERROR' && result.result.answers.length > 0) {
      return {status: 'pass', summary: `kubernetes.default -> ${describeLookup(result)} through the search list`, details}
    }
    return {
      status: 'fail',
      summary: `the fully qualified name resolves but the short name kubernetes.default does not (${describeLookup(result)}): the pod's search list is wrong`,
      details,
      remediation: 'compare the pod\'s /etc/resolv.conf search line with <namespace>.svc.<domain> svc.<domain> <domain> (see dns.probe.resolv-conf)',
    }
  },
}
