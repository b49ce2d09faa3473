import {checkPodIpCapacity} from '../../analysis/node/pod-addressing.js'
import type {Finding} from '../../analysis/node/finding.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clusterCni, nodePodCidrs, PODCIDR_IPAM_CNIS, podsOnNodes} from './facts.js'
import {combineNodeFindings} from './per-node.js'
import type {NodeTarget} from './target.js'

/** Per node, the pods that hold an address from its range: own network namespace, not finished. One pass. */
export function podsHoldingIps(pods: readonly Pod[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const p of pods) {
    const node = p.spec?.nodeName
    if (!node || p.spec?.hostNetwork || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue
    counts.set(node, (counts.get(node) ?? 0) + 1)
  }
  return counts
}

/** Can the node's pod range give every schedulable pod an address (host-local IPAM over spec.podCIDR)? */
export const nodeIpamCheck: Check<NodeTarget> = {
  id: 'node.ipam',
  title: 'Pod IP capacity',
  layer: 'cni',
  requires: () => [
    {verb: 'list', resource: 'nodes'},
    {verb: 'list', resource: 'pods'},
    {verb: 'list', group: 'apps', resource: 'daemonsets'},
  ],
  async run({view, target}) {
    // The CNI first: when it keeps its own IPAM, no pod needs to be listed at all.
    const cni = await clusterCni(view)
    if (!PODCIDR_IPAM_CNIS.has(cni.cni)) {
      return {
        status: 'skip',
        skippedBecause: 'not-applicable',
        summary: `CNI ${cni.cni} does not allocate pod IPs from the node's podCIDR${cni.cni === 'unknown' ? ' (as far as the API shows)' : ''}: its own IPAM decides capacity (the node probe reads host-local allocations)`,
      }
    }
    const [nodes, pods] = await Promise.all([view.listNodes(), podsOnNodes(view, target.nodes)])
    const holding = podsHoldingIps(pods)
    const byName = new Map(nodes.map((n) => [n.metadata?.name, n]))
    const perNode = target.nodes.map((name) => {
      const node = byName.get(name)
      const subnets = node ? nodePodCidrs(node) : []
      const running = holding.get(name) ?? 0
      if (!node || subnets.length === 0) {
        const f: Finding = {status: 'warn', code: 'ipam.no-pod-cidr', message: `no spec.podCIDR assigned to ${name}: ${cni.cni} cannot give its pods addresses (kube-controller-manager --allocate-node-cidrs)`}
        return {node: name, findings: node ? [f] : []}
      }
      const allocatable = Number(node.status?.allocatable?.pods ?? NaN)
      const findings = checkPodIpCapacity({node: name, subnets, ...(Number.isFinite(allocatable) ? {allocatablePods: allocatable} : {}), runningPods: running})
      return {node: name, findings}
    })
    return combineNodeFindings(perNode, {what: 'pod IP capacity'})
  },
}
