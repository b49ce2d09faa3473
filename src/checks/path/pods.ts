import {ipFamily} from '../../analysis/cidr.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {podRef} from '../node/facts.js'
import {pathPods, podIps, refOf} from './facts.js'
import type {PathTarget} from './target.js'

interface PodState {
  name: string
  problem?: string
  warning?: string
  ips: string[]
  families: number[]
  node?: string
  hostNetwork: boolean
}

function waitingReason(pod: Pod): string | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const waiting = statuses.find((s) => s.state?.waiting?.reason)
  if (waiting) return `${waiting.name}: ${waiting.state!.waiting!.reason}${waiting.state!.waiting!.message ? ` (${waiting.state!.waiting!.message.split('\n')[0]})` : ''}`
  const unscheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False')
  return unscheduled ? `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? ''}`.trim() : pod.status?.reason ?? undefined
}

function stateOf(name: string, pod: Pod | undefined): PodState {
  if (!pod) return {name, problem: `pod ${name} does not exist`, ips: [], families: [], hostNetwork: false}
  const ips = podIps(pod)
  const state: PodState = {
    name,
    ips,
    families: [...new Set(ips.map((ip) => ipFamily(ip)).filter((f): f is 4 | 6 => f !== undefined))],
    ...(pod.spec?.nodeName ? {node: pod.spec.nodeName} : {}),
    hostNetwork: pod.spec?.hostNetwork === true,
  }
  const phase = pod.status?.phase ?? 'Unknown'
  if (phase !== 'Running') {
    const why = waitingReason(pod)
    state.problem = `pod ${name} is ${phase}${why ? ` (${why})` : ''}`
  } else if (ips.length === 0) {
    state.problem = `pod ${name} is Running but has no IP address yet`
  } else if (pod.metadata?.deletionTimestamp) {
    state.warning = `pod ${name} is terminating`
  } else if (!(pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) {
    state.warning = `pod ${name} is not Ready (direct pod traffic does not need readiness, but the process may not listen yet)`
  }
  return state
}

function describe(s: PodState): string {
  return `${s.name} (${s.ips.join(', ') || 'no IP'}${s.node ? `, node ${s.node}` : ''}${s.hostNetwork ? ', hostNetwork' : ''})`
}

/** Both pods exist and run, with addresses in a common family; same node or not; hostNetwork on either side. */
export const pathPodsCheck: Check<PathTarget> = {
  id: 'path.pods',
  title: 'Both pods',
  layer: 'pod-network',
  requires: ({from, to}) => [...new Set([refOf(from).namespace, refOf(to).namespace])].map((namespace) => ({verb: 'get', resource: 'pods', namespace})),
  async run({view, target}) {
    const {a, b} = await pathPods(view, target)
    const sa = stateOf(target.from, a)
    const sb = stateOf(target.to, b)
    const objects = [a, b].filter((p): p is Pod => p !== undefined).map(podRef)
    const sameNode = sa.node !== undefined && sa.node === sb.node
    const common = sa.families.filter((f) => sb.families.includes(f))
    const details = {
      from: {pod: target.from, ips: sa.ips, node: sa.node ?? null, hostNetwork: sa.hostNetwork, phase: a?.status?.phase ?? null},
      to: {pod: target.to, ips: sb.ips, node: sb.node ?? null, hostNetwork: sb.hostNetwork, phase: b?.status?.phase ?? null},
      sameNode,
      families: common.map((f) => `IPv${f}`),
    }
    const problems = [sa.problem, sb.problem].filter(Boolean)
    if (problems.length > 0) {
      return {
        status: 'fail',
        summary: problems.join('; '),
        objects,
        details,
        remediation: `kubectl describe pod ${problems.length === 1 && sb.problem ? `-n ${refOf(target.to).namespace} ${refOf(target.to).name}` : `-n ${refOf(target.from).namespace} ${refOf(target.from).name}`}`,
      }
    }
    if (common.length === 0) {
      return {
        status: 'fail',
        summary: `${target.from} has only IPv${sa.families.join('/IPv')} and ${target.to} only IPv${sb.families.join('/IPv')}: they share no address family, so they cannot talk directly`,
        objects,
        details,
        remediation: 'run the pods with a common address family (dual-stack cluster, or the same ipFamilies)',
      }
    }
    const wanted = target.ipFamily ? Number(target.ipFamily.slice(3)) : undefined
    if (wanted && !common.includes(wanted)) {
      const lacking = [sa, sb].filter((s) => !s.families.includes(wanted))
      return {
        status: 'fail',
        summary: `${lacking.map(describe).join(' and ')} ${lacking.length > 1 ? 'have' : 'has'} no ${target.ipFamily} address: the pods cannot talk over ${target.ipFamily}${common.length ? ` (they share IPv${common.join('/IPv')})` : ''}`,
        objects: lacking.map((s) => objects.find((o) => `${o.namespace}/${o.name}` === s.name)).filter((o) => o !== undefined),
        details,
        remediation: `give the pods ${target.ipFamily} addresses (a dual-stack pod network: the CNI's IPAM needs a range of each family), or probe over IPv${common[0] ?? 4}`,
      }
    }
    const where = sameNode ? `both on node ${sa.node}` : 'on different nodes'
    const host = [sa, sb].filter((s) => s.hostNetwork).map((s) => s.name)
    const hostNote = host.length > 0 ? `; ${host.join(' and ')} ${host.length > 1 ? 'use' : 'uses'} hostNetwork: its traffic carries the node's address, so NetworkPolicies do not apply to it the way they do to pod-network pods` : ''
    const warnings = [sa.warning, sb.warning].filter(Boolean)
    const summary = `${describe(sa)} -> ${describe(sb)}: both Running, ${where}, ${common.map((f) => `IPv${f}`).join(' and ')}${target.ipFamily ? `; probing over ${target.ipFamily}` : ''}${hostNote}${warnings.length ? `; ${warnings.join('; ')}` : ''}`
    return {status: warnings.length > 0 ? 'warn' : 'pass', summary, objects, details}
  },
}
