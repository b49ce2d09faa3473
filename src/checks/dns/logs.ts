import {analyzeCorednsLogs} from '../../analysis/dns/coredns-logs.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {dnsPods} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

const LOG_WINDOW_SECONDS = 600

/** The last ten minutes of each CoreDNS pod's log against known failure signatures. */
export const corednsLogsCheck: Check<DnsTarget> = {
  id: 'dns.logs',
  title: 'CoreDNS logs',
  layer: 'dns',
  liveOnly: true,
  requires: () => [{verb: 'get', resource: 'pods', subresource: 'log', namespace: DNS_NAMESPACE}],
  async run({view}) {
    const pods = (await dnsPods(view)).filter((p) => p.status?.phase === 'Running')
    if (pods.length === 0) return {status: 'skip', summary: 'no running CoreDNS pod to read logs from', skippedBecause: 'not-applicable'}
    const logs = await Promise.all(
      pods.map(async (pod) => {
        const name = pod.metadata!.name!
        const current = await view.podLogs(DNS_NAMESPACE, name, {sinceSeconds: LOG_WINDOW_SECONDS, tailLines: 2000}).catch(() => '')
        // A crashed container's last words (a Corefile parse error) are in its previous log, not the current one.
        const previous = crashed(pod) ? await view.podLogs(DNS_NAMESPACE, name, {previous: true, tailLines: 2000}).catch(() => '') : ''
        return {pod: name, text: [previous, current].filter(Boolean).join('\n'), previousRead: previous !== ''}
      }),
    )
    const perPod = logs.map(({pod, text}) => ({pod, analysis: analyzeCorednsLogs(text)}))
    const matches = perPod.flatMap(({pod, analysis}) => analysis.matches.map((m) => ({...m, pod})))
    const worst = matches.find((m) => m.severity === 'fail') ?? matches.find((m) => m.severity === 'warn')
    const details = {previousLogsRead: logs.filter((l) => l.previousRead).map((l) => l.pod), windowSeconds: LOG_WINDOW_SECONDS, linesScanned: perPod.reduce((n, p) => n + p.analysis.linesScanned, 0), matches}
    const objects = pods.map((p) => ({kind: 'Pod', namespace: DNS_NAMESPACE, name: p.metadata!.name!}))
    if (!worst) return {status: 'pass', summary: `no known error signature in the last ${LOG_WINDOW_SECONDS / 60} minutes of ${pods.length} CoreDNS pod(s)`, objects, details}
    return {
      status: worst.severity === 'fail' ? 'fail' : 'warn',
      summary: `${worst.message} (pod ${worst.pod}, ${worst.count}x: "${worst.example.slice(0, 160)}")`,
      objects: [{kind: 'Pod', namespace: DNS_NAMESPACE, name: worst.pod}],
      details,
      remediation: worst.remediation,
    }
  },
}

function crashed(pod: Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some((c) => (c.restartCount ?? 0) > 0 || c.lastState?.terminated !== undefined)
}
