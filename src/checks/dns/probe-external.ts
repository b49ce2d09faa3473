import type {Check} from '../../engine/types.js'
import {describeLookup, evidence, lookup} from './lookup.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

/** A name outside the cluster: when internal names resolve and this does not, CoreDNS's forwarding is at fault. */
export const probeExternalLookupCheck: Check<DnsTarget> = {
  id: 'dns.probe.external',
  title: 'External lookup',
  layer: 'dns',
  needsProbe: true,
  dependsOn: ['dns.probe.internal'],
  // Its lookup does not depend on what the internal one found: it goes into the same exec batch.
  speculative: true,
  async run(ctx) {
    const name = ctx.target.externalName
    if (!name) return {status: 'skip', summary: 'external lookup disabled (--external-name=none)', skippedBecause: 'not-applicable'}
    const fqdn = name.endsWith('.') ? name : `${name}.`
    const result = await lookup(ctx, {name: fqdn, search: false, timeoutSeconds: 3})
    const details = evidence(result)
    if (result.result?.status === 'NOERROR' && result.result.answers.length > 0) return {status: 'pass', summary: `${name} -> ${describeLookup(result)}`, details}
    const corefile = await ctx.view.getConfigMap(DNS_NAMESPACE, 'coredns').catch(() => undefined)
    const forward = /^\s*(forward|proxy)\s+\.\s+([^{\n]+)/m.exec(corefile?.data?.Corefile ?? '')
    const upstream = forward ? ` (${forward[1]} . ${forward[2].trim()})` : ''
    const nxdomain = result.result?.status === 'NXDOMAIN'
    return {
      status: 'fail',
      summary: nxdomain
        ? `internal names resolve but the upstream of CoreDNS${upstream} says ${name} does not exist (NXDOMAIN): it is not a full recursive resolver, or the name is wrong`
        : `internal names resolve but ${name} does not (${describeLookup(result)}): CoreDNS cannot reach its upstream${upstream}`,
      objects: [{kind: 'ConfigMap', namespace: DNS_NAMESPACE, name: 'coredns'}],
      details: {...details, forward: forward?.[0]?.trim()},
      remediation:
        'check that nodes can resolve (CoreDNS forwards to the node resolv.conf by default), egress from the CoreDNS pods to the upstream on 53, and the CoreDNS logs for "i/o timeout"; for air-gapped clusters use --external-name=none',
    }
  },
}
