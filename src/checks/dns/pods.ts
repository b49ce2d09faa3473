import {analyzeCorednsLogs} from '../../analysis/dns/coredns-logs.js'
import {analyzeCorednsPods} from '../../analysis/dns/coredns-pods.js'
import type {Pod} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import type {Check} from '../../engine/types.js'
import {dnsPods} from './facts.js'
import {DNS_NAMESPACE, DNS_SELECTOR, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** The cluster DNS Deployment and its pods: replicas, readiness, restarts, crash reasons, spread, images. */
export const dnsPodsCheck: Check<DnsTarget> = {
  id: 'dns.pods',
  title: 'CoreDNS pods',
  layer: 'dns',
  requires: () => [
    {verb: 'list', resource: 'pods', namespace: DNS_NAMESPACE},
    {verb: 'list', group: 'apps', resource: 'deployments', namespace: DNS_NAMESPACE},
    {verb: 'list', resource: 'nodes'},
  ],
  async run({view}) {
    const unknown = unknownWithout(view, [{kind: 'Pod', namespace: DNS_NAMESPACE}, {kind: 'Deployment', namespace: DNS_NAMESPACE}], 'whether CoreDNS runs')
    if (unknown) return unknown
    const [pods, deployments, nodes] = await Promise.all([dnsPods(view), view.listDeployments(DNS_NAMESPACE, {labelSelector: DNS_SELECTOR}), view.listNodes()])
    const deployment = deployments.find((d) => d.metadata?.name === 'coredns') ?? deployments[0]
    const schedulable = nodes.filter((n) => !n.spec?.unschedulable).length
    const verdict = analyzeCorednsPods({deployment, pods, nodeCount: schedulable})
    let summary = verdict.summary
    let crash: {signature: string; remediation: string} | undefined
    if (verdict.status === 'fail' && view.source === 'live') {
      crash = await crashLogSignature(view, pods)
      if (crash) summary = `${summary}; the logs say: ${crash.signature}`
    }
    // We have read the crash log already: its fix comes first, "read the log" second.
    const remediation = [crash?.remediation, verdict.remediation].filter(Boolean).join('; ')
    return {
      status: verdict.status,
      summary,
      objects: verdict.objects,
      details: {...verdict.details, ...(crash ? {crashSignature: crash.signature} : {})},
      ...(remediation ? {remediation} : {}),
    }
  },
}

/** For crash-looping pods, the first known signature in the previous container's log ("plugin/loop: Loop detected"). */
async function crashLogSignature(view: ClusterView, pods: Pod[]): Promise<{signature: string; remediation: string} | undefined> {
  const restarted = pods.filter((p) => (p.status?.containerStatuses ?? []).some((c) => (c.restartCount ?? 0) > 0)).slice(0, 3)
  for (const pod of restarted) {
    const log = await view.podLogs(DNS_NAMESPACE, pod.metadata!.name!, {previous: true, tailLines: 200}).catch(() => '')
    const match = analyzeCorednsLogs(log).matches.find((m) => m.severity !== 'info')
    if (match) return {signature: `${match.message} (${pod.metadata!.name}: "${match.example.slice(0, 160)}")`, remediation: match.remediation}
  }
  return undefined
}
