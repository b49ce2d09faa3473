import {checkPodIpCapacity} from '../../analysis/node/pod-addressing.js'
import type {Finding} from '../../analysis/node/finding.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clusterCni, nodePodCidrs, PODCIDR_IPAM_CNIS, podsOnNodes} from './facts.js'
import {combineNodeFindings} from './per-node.js'
import type {NodeTarget} from './target.js'

/** Pods that hold an address from the node's range: own network namespace, not finished. */
export function podsHoldingIps(pods: readonly Pod[], node: string): number {
  return pods.filter((p) => p.spec?.nodeName === node && !p.spec?.hostNetwork && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length
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
    const [nodes, pods, cni] = await Promise.all([view.listNodes(), podsOnNodes(view, target.nodes), clusterCni(view)])
    if (!PODCIDR_IPAM_CNIS.has(cni.cni)) {
      return {
        status: 'skip',
        skippedBecause: 'not-applicable',
        summary: `CNI ${cni.cni} does not allocate pod IPs from the node's podCIDR${cni.cni === 'unknown' ? ' (as far as the API shows)' : ''}: its own IPAM decides capacity (the node probe reads host-local allocations)`,
      }
    }
    const perNode = target.nodes.map((name) => {
      const node = nodes.find((n) => n.metadata?.name === name)
      const subnets = node ? nodePodCidrs(node) : []
      const running = podsHoldingIps(pods, name)
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
