import {selectActiveCniConfig} from '../../analysis/node/cni-conflist.js'
import {detectCni} from '../../analysis/node/cni-detect.js'
import type {Finding} from '../../analysis/node/finding.js'
import {linkRoles} from '../../analysis/node/link-roles.js'
import {checkMtuConsistency, type Encapsulation} from '../../analysis/node/mtu.js'
import type {Check} from '../../engine/types.js'
import type {NodeFacts} from '../../probes/node.js'
import {clusterCni} from './facts.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** Interface MTUs on the node against the encapsulation: pod MTU <= node MTU - overhead, tunnel device likewise. */
export function judgeNodeMtu(facts: NodeFacts, clusterEncap: Encapsulation): {findings: Finding[]; roles?: Record<string, unknown>} {
  if (!facts.links) return {findings: [{status: 'warn', code: 'mtu.links-unknown', message: `interface list unavailable (${facts.problems.find((p) => p.startsWith('ip')) ?? 'no ip -j -d link output'})`}]}
  const active = selectActiveCniConfig(facts.cniFiles).active
  // The node's own config names the CNI best; the cluster-wide guess fills in the encapsulation.
  const local = active ? detectCni({activeConfig: active}) : undefined
  const encap = clusterEncap !== 'unknown' ? clusterEncap : (local?.encapsulation ?? 'unknown')
  const roles = linkRoles(facts.links, encap)
  if (!roles.uplink) return {findings: [{status: 'warn', code: 'mtu.no-uplink', message: 'cannot tell which interface is the node uplink'}]}
  const findings = checkMtuConsistency({
    nodeMtu: roles.uplink.mtu,
    encap,
    ...(roles.overlay ? {overlayMtu: roles.overlay.mtu} : {}),
    ...(roles.podMtu !== undefined ? {podMtu: roles.podMtu} : {}),
    ...(active?.mtu !== undefined ? {cniMtu: active.mtu} : {}),
  })
  const where = `uplink ${roles.uplink.name} ${roles.uplink.mtu}${roles.overlay ? `, ${roles.overlay.name} ${roles.overlay.mtu}` : ''}${roles.podMtu !== undefined ? `, pod veths ${roles.podMtu}` : ''}`
  return {
    findings: findings.map((f) => (f.status === 'pass' ? {...f, message: `${f.message} (${where})`} : {...f, message: `${f.message} (${where})`})),
    roles: {uplink: roles.uplink.name, uplinkMtu: roles.uplink.mtu, overlay: roles.overlay?.name ?? null, overlayMtu: roles.overlay?.mtu ?? null, podMtu: roles.podMtu ?? null, podInterfaces: roles.podLinks.length, cniMtu: active?.mtu ?? null, encapsulation: encap},
  }
}

export const nodeProbeMtuCheck: Check<NodeTarget> = {
  id: 'node.probe.mtu',
  title: 'Interface MTUs',
  layer: 'cni',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [{verb: 'list', group: 'apps', resource: 'daemonsets'}],
  async run(ctx) {
    const [{probes, unprobed}, cni] = await Promise.all([probeAll(ctx), clusterCni(ctx.view).catch(() => undefined)])
    const interfaces: Record<string, unknown> = {}
    const perNode = probes.map((p) => {
      const judged = judgeNodeMtu(p.facts, cni?.encapsulation ?? 'unknown')
      if (judged.roles) interfaces[p.node] = judged.roles
      return {node: p.node, findings: judged.findings}
    })
    const result = combineNodeFindings(perNode, {what: 'MTU', unprobed})
    return {...result, details: {...result.details, interfaces}}
  },
}
