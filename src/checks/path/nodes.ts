import {ipInCidr} from '../../analysis/cidr.js'
import type {Node} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clusterCni, condition, internalIps, isNodeReady, nodePodCidrs, nodeRef, PODCIDR_IPAM_CNIS} from '../node/facts.js'
import {podIps, requirePathPods} from './facts.js'
import type {PathTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

const ENCAP_NAME: Record<string, string> = {vxlan: 'VXLAN', ipip: 'IP-in-IP', geneve: 'Geneve', wireguard: 'WireGuard', none: 'native routing', unknown: 'unknown encapsulation'}

/** The nodes under the two pods: Ready, routes configured, pod CIDRs and addresses; the CNI and its per-packet overhead. */
export const pathNodesCheck: Check<PathTarget> = {
  id: 'path.nodes',
  title: 'Nodes and CNI',
  layer: 'node',
  dependsOn: ['path.pods'],
  requires: () => [
    {verb: 'list', resource: 'nodes'},
    {verb: 'list', group: 'apps', resource: 'daemonsets'},
  ],
  async run({view, target}) {
    const noNodes = unknownWithout(view, [{kind: 'Node'}], 'whether the nodes under the two pods are Ready')
    if (noNodes) return noNodes
    const {a, b} = await requirePathPods(view, target)
    const names = [...new Set([a.spec?.nodeName, b.spec?.nodeName].filter((n): n is string => typeof n === 'string'))]
    const [cni, nodes] = await Promise.all([clusterCni(view), Promise.all(names.map((n) => view.getNode(n)))])
    const overhead = cni.overheadBytes
    const cniText = `CNI ${cni.cni} (${ENCAP_NAME[cni.encapsulation]}${overhead !== undefined && overhead > 0 ? `, ${overhead} bytes per packet between nodes` : ''})`
    const problems: string[] = []
    const warnings: string[] = []
    const perNode = names.map((name, i) => {
      const node = nodes[i] as Node | undefined
      if (!node) {
        problems.push(`node ${name} does not exist (the pod is orphaned)`)
        return {name, exists: false}
      }
      const ready = isNodeReady(node)
      const ready_ = condition(node, 'Ready')
      if (!ready) problems.push(`node ${name} is NotReady (${ready_?.reason ?? 'no Ready condition'}${ready_?.message ? `: ${ready_.message}` : ''})`)
      const unavailable = condition(node, 'NetworkUnavailable')
      if (unavailable?.status === 'True') problems.push(`node ${name} has NetworkUnavailable=True (${unavailable.reason ?? ''}${unavailable.message ? `: ${unavailable.message}` : ''}): the routes for its pod network are not configured`)
      const cidrs = nodePodCidrs(node)
      const pods = [a, b].filter((p) => p.spec?.nodeName === name && !p.spec?.hostNetwork)
      if (PODCIDR_IPAM_CNIS.has(cni.cni) && cidrs.length > 0) {
        for (const pod of pods) {
          const outside = podIps(pod).filter((ip) => !cidrs.some((c) => ipInCidr(ip, c)))
          if (outside.length > 0) warnings.push(`pod ${pod.metadata?.namespace}/${pod.metadata?.name} has ${outside.join(', ')}, outside node ${name}'s podCIDR ${cidrs.join(', ')}: ${cni.cni} routes that range to ${name}, so replies may go elsewhere`)
        }
      }
      return {name, exists: true, ready, networkUnavailable: unavailable?.status === 'True', podCIDRs: cidrs, internalIPs: internalIps(node), kubelet: node.status?.nodeInfo?.kubeletVersion}
    })
    const details = {cni: cni.cni, encapsulation: cni.encapsulation, overheadBytes: overhead ?? null, enforcesNetworkPolicy: cni.enforcesNetworkPolicy, evidence: cni.evidence, nodes: perNode}
    const objects = names.map(nodeRef)
    if (problems.length > 0) {
      return {status: 'fail', summary: `${problems.join('; ')}; ${cniText}`, objects, details, remediation: `kubectl describe node ${names.join(' ')}; then kubectl netdiag node ${names[0]}`}
    }
    const nodeText = perNode.map((n) => `${n.name} Ready (podCIDR ${(n.podCIDRs ?? []).join(', ') || 'none'}, ${(n.internalIPs ?? []).join(', ') || 'no InternalIP'})`).join(', ')
    // An unlisted CNI (e.g. the plain bridge plugin) is not a fault on the path: say so, do not warn.
    const status = warnings.length > 0 ? 'warn' : 'pass'
    const unknown = cni.cni === 'unknown' ? '; the CNI could not be identified from DaemonSets or node annotations (run kubectl netdiag node to read the CNI config on the node)' : ''
    return {status, summary: `${cniText}; ${nodeText}${warnings.length ? `; ${warnings.join('; ')}` : ''}${unknown}`, objects, details}
  },
}
