import {ipInCidr} from '../../analysis/cidr.js'
import {clusterCidrsFromControllerManager, serviceCidrsFromApiServer} from '../../analysis/node/control-plane-flags.js'
import {kubeProxySettingsFromConfigMap} from '../../analysis/node/kube-proxy-config.js'
import {checkAddressOverlaps} from '../../analysis/node/pod-addressing.js'
import type {Check} from '../../engine/types.js'
import {internalIps, nodePodCidrs} from './facts.js'
import type {NodeTarget} from './target.js'

/** Pod, Service and node address ranges do not overlap (the IP-planning rule). */
export const nodeCidrsCheck: Check<NodeTarget> = {
  id: 'node.cidrs',
  title: 'Pod / Service / node CIDRs',
  layer: 'cni',
  requires: () => [
    {verb: 'list', resource: 'nodes'},
    {verb: 'get', resource: 'configmaps', namespace: 'kube-system'},
    {verb: 'get', resource: 'services', namespace: 'default'},
  ],
  async run({view}) {
    const [nodes, proxyConfig, apiServers, controllerManagers, kubernetes] = await Promise.all([
      view.listNodes(),
      view.getConfigMap('kube-system', 'kube-proxy').catch(() => undefined),
      view.listPods('kube-system', {labelSelector: 'component=kube-apiserver'}).catch(() => []),
      view.listPods('kube-system', {labelSelector: 'component=kube-controller-manager'}).catch(() => []),
      view.getService('default', 'kubernetes').catch(() => undefined),
    ])
    const clusterCidrs = [...new Set([...clusterCidrsFromControllerManager(controllerManagers), ...(proxyConfig ? [kubeProxySettingsFromConfigMap(proxyConfig)?.clusterCIDR] : [])].flatMap((c) => (c ? c.split(',') : [])).map((c) => c.trim()))]
    const nodeCidrs = [...new Set(nodes.flatMap(nodePodCidrs))]
    const serviceCidrs = serviceCidrsFromApiServer(apiServers)
    const nodeIps = nodes.flatMap((n) => internalIps(n).map((ip) => ({node: n.metadata?.name ?? '?', ip})))
    const podCidrs = [...clusterCidrs, ...nodeCidrs.filter((c) => !clusterCidrs.includes(c))]
    const findings = checkAddressOverlaps({podCidrs, serviceCidrs, nodeIps})
    // Without the apiserver flag, the kubernetes Service's ClusterIP (the range's first address) still tells on an overlap.
    const apiIp = kubernetes?.spec?.clusterIP
    if (serviceCidrs.length === 0 && apiIp) {
      const inside = podCidrs.find((c) => ipInCidr(apiIp, c))
      if (inside) {
        findings.unshift({
          status: 'fail',
          code: 'cidr.service-ip-in-pod-range',
          message: `Service ClusterIP ${apiIp} (default/kubernetes) is inside pod CIDR ${inside}: the Service range overlaps the pod range`,
          remediation: 'choose disjoint pod and Service ranges (this needs a cluster rebuild or a CNI IP pool migration)',
        })
      }
    }
    const bad = findings.filter((f) => f.status !== 'pass')
    const details = {podCidrs, clusterCidrs, nodeCidrs, serviceCidrs, serviceCidrSource: serviceCidrs.length ? 'kube-apiserver --service-cluster-ip-range' : apiIp ? `unknown; kubernetes Service IP ${apiIp} checked` : 'unknown', nodeIps: nodeIps.length, findings}
    if (bad.length === 0) {
      const known = serviceCidrs.length ? `Service CIDR ${serviceCidrs.join(', ')}` : `Service CIDR not visible (managed control plane?)${apiIp ? `; kubernetes Service IP ${apiIp} is outside the pod ranges` : ''}`
      return {status: 'pass', summary: `pod CIDRs ${clusterCidrs.length ? clusterCidrs.join(', ') : nodeCidrs.slice(0, 3).join(', ') + (nodeCidrs.length > 3 ? ', ...' : '') || '(none assigned)'}, ${known} and ${nodeIps.length} node address(es) do not overlap`, details}
    }
    const worst = bad.find((f) => f.status === 'fail') ?? bad[0]!
    return {status: worst.status, summary: `${worst.message}${bad.length > 1 ? ` (+${bad.length - 1} more)` : ''}`, details, ...(worst.remediation ? {remediation: worst.remediation} : {})}
  },
}
