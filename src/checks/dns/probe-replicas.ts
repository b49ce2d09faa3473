import type {Check} from '../../engine/types.js'
import {clusterDomainOf, dnsPods} from './facts.js'
import {describeLookup, evidence, lookup, SOURCE_CHECK} from './lookup.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

/** Each CoreDNS pod asked directly: one bad replica makes a fraction of lookups fail, which is hard to see otherwise. */
export const probeReplicasCheck: Check<DnsTarget> = {
  id: 'dns.probe.replicas',
  title: 'Each CoreDNS replica',
  layer: 'dns',
  needsProbe: true,
  // A replica that does not answer is an effect; a policy that isolates it (dns.policy) is the cause.
  symptom: true,
  dependsOn: [SOURCE_CHECK],
  requires: () => [{verb: 'list', resource: 'pods', namespace: DNS_NAMESPACE}],
  async run(ctx) {
    const domain = await clusterDomainOf(ctx.view, ctx.target.clusterDomain)
    const pods = (await dnsPods(ctx.view)).filter((p) => p.status?.podIP && p.status.phase === 'Running')
    if (pods.length === 0) return {status: 'skip', summary: 'no running CoreDNS pod with an IP', skippedBecause: 'dns.pods'}
    const name = `kubernetes.default.svc.${domain}`
    const answers = await Promise.all(
      pods.map(async (pod) => ({pod: pod.metadata!.name!, node: pod.spec?.nodeName, ip: pod.status!.podIP!, lookup: await lookup(ctx, {name, server: pod.status!.podIP!, search: false})})),
    )
    const bad = answers.filter((a) => a.lookup.result?.status !== 'NOERROR')
    const details = {replicas: answers.map((a) => ({pod: a.pod, node: a.node, ip: a.ip, ...evidence(a.lookup)}))}
    const times = answers.map((a) => a.lookup.result?.queryTimeMs).filter((t): t is number => t !== undefined)
    if (bad.length === 0) {
      return {status: 'pass', summary: `all ${answers.length} CoreDNS replicas answer (${times.length ? `${Math.min(...times)}-${Math.max(...times)} ms` : 'ok'})`, details}
    }
    const list = bad.map((b) => `${b.pod} (${b.ip} on ${b.node ?? '?'}): ${describeLookup(b.lookup)}`).join('; ')
    const objects = bad.map((b) => ({kind: 'Pod', namespace: DNS_NAMESPACE, name: b.pod}))
    if (bad.length < answers.length) {
      return {
        status: 'fail',
        summary: `${bad.length} of ${answers.length} CoreDNS replicas do not answer: ${list}; about ${Math.round((100 * bad.length) / answers.length)}% of lookups fail or retry`,
        objects,
        details,
        remediation: replicaRemediation(bad, ctx.result('dns.policy')?.details?.cutOffReplicas),
      }
    }
    return {status: 'fail', summary: `no CoreDNS replica answers when asked directly: ${list}`, objects, details, remediation: 'pod-to-pod traffic to the CoreDNS pods is dropped: check NetworkPolicies and the CNI (kubectl netdiag path)'}
  },
}

/** Never "delete the pod": name the policy that isolates it when dns.policy found one, else where to look. */
function replicaRemediation(bad: Array<{pod: string; node?: string}>, cutOff: unknown): string {
  const isolated = Array.isArray(cutOff) ? bad.filter((b) => cutOff.includes(`${DNS_NAMESPACE}/${b.pod}`)) : []
  if (isolated.length > 0) return `a NetworkPolicy isolates ${isolated.map((b) => b.pod).join(', ')} (see dns.policy for the policy and the fix)`
  return `find out why ${bad.map((b) => b.pod).join(', ')} does not answer: its log (kubectl -n ${DNS_NAMESPACE} logs ${bad[0]!.pod}), the policies that select it (dns.policy), and the pod network to node ${[...new Set(bad.map((b) => b.node ?? '?'))].join(', ')} (kubectl netdiag node)`
}
