import {checkPodIpCapacity} from '../../analysis/node/pod-addressing.js'
import type {Check} from '../../engine/types.js'
import {nodePodCidrs, podsOnNodes} from './facts.js'
import {podsHoldingIps} from './ipam.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** host-local's allocations on disk against the pods that run: exhausted ranges and leaked addresses. */
export const nodeProbeIpamCheck: Check<NodeTarget> = {
  id: 'node.probe.ipam',
  title: 'Pod IP allocations',
  layer: 'cni',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [
    {verb: 'list', resource: 'nodes'},
    {verb: 'list', resource: 'pods'},
  ],
  async run(ctx) {
    const [{probes, unprobed}, nodes, pods] = await Promise.all([probeAll(ctx), ctx.view.listNodes(), podsOnNodes(ctx.view, ctx.target.nodes)])
    const holding = podsHoldingIps(pods)
    const perNode = probes
      .filter((p) => Object.keys(p.facts.ipamAllocations).length > 0)
      .map((p) => {
        const node = nodes.find((n) => n.metadata?.name === p.node)
        const allocatable = Number(node?.status?.allocatable?.pods ?? NaN)
        return {
          node: p.node,
          findings: Object.entries(p.facts.ipamAllocations).flatMap(([network, ips]) =>
            checkPodIpCapacity({
              node: `${p.node} (network ${network})`,
              subnets: node ? nodePodCidrs(node) : [],
              allocatedIps: ips,
              runningPods: holding.get(p.node) ?? 0,
              ...(Number.isFinite(allocatable) ? {allocatablePods: allocatable} : {}),
            }),
          ),
        }
      })
    if (perNode.length === 0 && probes.length > 0) {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no host-local allocations under /var/lib/cni/networks or a dataDir in the CNI config: the CNI keeps its own IPAM state'}
    }
    return combineNodeFindings(perNode, {what: 'pod IP allocations', unprobed})
  },
}
