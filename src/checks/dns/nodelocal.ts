import {nodesWithoutCache} from '../../analysis/dns/nodelocal.js'
import type {Node, Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {NODELOCAL_SELECTOR, nodeLocalCache} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** NodeLocal DNSCache: present? healthy on every node? which link-local IP does it answer on? */
export const nodeLocalDnsCheck: Check<DnsTarget> = {
  id: 'dns.nodelocal',
  title: 'NodeLocal DNSCache',
  layer: 'dns',
  requires: () => [
    {verb: 'list', group: 'apps', resource: 'daemonsets', namespace: DNS_NAMESPACE},
    {verb: 'list', resource: 'pods', namespace: DNS_NAMESPACE},
    {verb: 'list', resource: 'nodes'},
  ],
  async run({view}) {
    const unknown = unknownWithout(view, [{kind: 'DaemonSet', namespace: DNS_NAMESPACE}], 'whether NodeLocal DNSCache runs')
    if (unknown) return unknown
    const cache = await nodeLocalCache(view)
    // Not "pods query kube-dns directly": a pod's dnsConfig or a kubelet's clusterDNS may still name a cache address.
    if (!cache) return {status: 'pass', summary: `NodeLocal DNSCache is not installed (no node-local-dns DaemonSet in ${DNS_NAMESPACE})`, details: {installed: false}}
    const {ds, address} = cache
    const ref = {kind: 'DaemonSet', namespace: DNS_NAMESPACE, name: ds.metadata!.name!}
    const shown = address.ip ?? 'an unknown address'
    const desired = ds.status?.desiredNumberScheduled ?? 0
    const ready = ds.status?.numberReady ?? 0
    const [nodes, cachePods] = await Promise.all([view.listNodes().catch(() => undefined as Node[] | undefined), view.listPods(DNS_NAMESPACE, {labelSelector: NODELOCAL_SELECTOR}).catch(() => undefined as Pod[] | undefined)])
    const uncovered = nodes && cachePods ? nodesWithoutCache(nodes, cachePods) : undefined
    const details = {installed: true, daemonSet: ref.name, ...(address.ip ? {localIP: address.ip} : {}), localIPSource: address.source, desired, ready, unavailable: ds.status?.numberUnavailable ?? 0, ...(uncovered ? {nodesWithoutCache: uncovered} : {})}
    if (ready < desired) {
      return {
        status: 'fail',
        summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} is ready on ${ready} of ${desired} nodes: pods on the others send DNS to ${shown}, where nothing answers`,
        objects: [ref],
        details,
        remediation: `kubectl -n ${DNS_NAMESPACE} get pods -l ${NODELOCAL_SELECTOR} -o wide; kubectl -n ${DNS_NAMESPACE} logs ds/${ref.name}`,
      }
    }
    if (uncovered && uncovered.length > 0) {
      // The DaemonSet is "complete" but does not cover every node (nodeSelector, affinity, an untolerated taint).
      // Whether pods there use the cache depends on their kubelet's clusterDNS: dns.probe.resolv-conf settles it.
      return {
        status: 'warn',
        summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} has no ready pod on ${uncovered.join(', ')} (ready on ${ready}/${desired} scheduled): pods there whose nameserver is ${shown} get no answer`,
        objects: [ref, ...uncovered.map((name) => ({kind: 'Node', name}))],
        details,
        remediation: `kubectl -n ${DNS_NAMESPACE} get ds ${ref.name} -o jsonpath='{.spec.template.spec.nodeSelector}{.spec.template.spec.affinity}{.spec.template.spec.tolerations}'   # why it skips ${uncovered.join(', ')}`,
      }
    }
    if (!address.ip) {
      return {status: 'warn', summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} is ready on ${ready}/${desired} nodes, but its address is unknown (${address.source}): whether pods use it cannot be checked`, objects: [ref], details}
    }
    return {status: 'pass', summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} answers on ${address.ip} (${address.source}), ready on ${ready}/${desired} nodes`, objects: [ref], details}
  },
}
