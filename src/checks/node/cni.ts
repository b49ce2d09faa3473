import type {Finding} from '../../analysis/node/finding.js'
import {matchesSelector, type Labels} from '../../analysis/labels.js'
import type {DaemonSet, Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clusterCni} from './facts.js'
import {combineNodeFindings} from './per-node.js'
import type {NodeTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

function selects(ds: DaemonSet, labels: Labels | undefined): boolean {
  return ds.spec?.selector !== undefined && matchesSelector(ds.spec.selector, labels)
}

function podProblem(pod: Pod): string | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const waiting = statuses.find((s) => s.state?.waiting?.reason)
  if (waiting) return `${waiting.name} ${waiting.state!.waiting!.reason} (${waiting.restartCount ?? 0} restarts)`
  if (pod.status?.phase !== 'Running') return `phase ${pod.status?.phase ?? 'Unknown'}`
  const notReady = (pod.status?.containerStatuses ?? []).find((s) => !s.ready)
  return notReady ? `container ${notReady.name} not ready (${notReady.restartCount ?? 0} restarts)` : undefined
}

/** Which CNI runs the pod network, and whether its agent pod runs on each node. */
export const nodeCniCheck: Check<NodeTarget> = {
  id: 'node.cni',
  title: 'CNI agent',
  layer: 'cni',
  requires: () => [
    {verb: 'list', group: 'apps', resource: 'daemonsets'},
    {verb: 'list', resource: 'nodes'},
    {verb: 'list', resource: 'pods'},
  ],
  async run({view, target}) {
    const unknown = unknownWithout(view, [{kind: 'DaemonSet'}], 'which CNI runs and whether its agent is up')
    if (unknown) return unknown
    const cni = await clusterCni(view)
    const namespaces = [...new Set(cni.agents.map((ds) => ds.metadata?.namespace ?? 'kube-system'))]
    const pods = (await Promise.all(namespaces.map((ns) => view.listPods(ns)))).flat()
    const podsByNode = new Map<string, typeof pods>()
    for (const p of pods) {
      const node = p.spec?.nodeName ?? ''
      const group = podsByNode.get(node)
      if (group) group.push(p)
      else podsByNode.set(node, [p])
    }
    const overhead = cni.overheadBytes !== undefined && cni.overheadBytes > 0 ? `, ${cni.overheadBytes} bytes per packet` : ''
    const headline = `CNI ${cni.cni} (${cni.encapsulation}${overhead}; NetworkPolicy ${cni.enforcesNetworkPolicy === true ? `enforced by ${cni.policyEngines.join(', ')}` : cni.enforcesNetworkPolicy === false ? 'not enforced' : 'enforcement unknown'})`
    const perNode = target.nodes.map((node) => {
      const findings: Finding[] = []
      for (const ds of cni.agents) {
        const name = `${ds.metadata?.namespace}/${ds.metadata?.name}`
        const mine = (podsByNode.get(node) ?? []).filter((p) => p.metadata?.namespace === ds.metadata?.namespace && selects(ds, p.metadata?.labels))
        if (mine.length === 0) {
          findings.push({
            status: 'fail',
            code: 'cni.agent-missing',
            message: `no pod of DaemonSet ${name} runs on ${node}: pods there get no network (check the DaemonSet's nodeSelector and tolerations)`,
            remediation: `kubectl -n ${ds.metadata?.namespace} describe daemonset ${ds.metadata?.name}`,
          })
          continue
        }
        const broken = mine.map((p) => ({pod: p, problem: podProblem(p)})).find((x) => x.problem)
        if (broken) {
          findings.push({
            status: 'fail',
            code: 'cni.agent-unhealthy',
            message: `CNI agent pod ${broken.pod.metadata?.namespace}/${broken.pod.metadata?.name} on ${node}: ${broken.problem}: new pods there cannot be wired`,
            remediation: `kubectl -n ${broken.pod.metadata?.namespace} logs ${broken.pod.metadata?.name} --all-containers --previous`,
          })
        } else findings.push({status: 'pass', code: 'cni.agent-ready', message: `${mine[0]!.metadata?.namespace}/${mine[0]!.metadata?.name} ready`})
      }
      if (cni.agents.length === 0) {
        findings.push({status: 'pass', code: 'cni.no-agent', message: cni.cni === 'unknown' ? 'no known CNI agent DaemonSet: the CNI is configured on the nodes only (the node probe reads the runtime\'s CNI config dir)' : `${cni.cni} runs without an agent DaemonSet`})
      }
      return {node, findings}
    })
    const result = combineNodeFindings(perNode, {what: 'CNI agents'})
    return {
      ...result,
      summary: `${headline}; ${result.summary}`,
      details: {...result.details, cni: cni.cni, encapsulation: cni.encapsulation, overheadBytes: cni.overheadBytes ?? null, policyEngines: cni.policyEngines, evidence: cni.evidence, agents: cni.agents.map((ds) => `${ds.metadata?.namespace}/${ds.metadata?.name}`)},
    }
  },
}
