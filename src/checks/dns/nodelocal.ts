import type {DaemonSet} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

export const NODELOCAL_DEFAULT_IP = '169.254.20.10'

/** NodeLocal DNSCache: present? healthy on every node? which link-local IP does it answer on? */
export const nodeLocalDnsCheck: Check<DnsTarget> = {
  id: 'dns.nodelocal',
  title: 'NodeLocal DNSCache',
  layer: 'dns',
  requires: () => [{verb: 'list', group: 'apps', resource: 'daemonsets', namespace: DNS_NAMESPACE}],
  async run({view}) {
    const unknown = unknownWithout(view, [{kind: 'DaemonSet', namespace: DNS_NAMESPACE}], 'whether NodeLocal DNSCache runs')
    if (unknown) return unknown
    const daemonSets = await view.listDaemonSets(DNS_NAMESPACE)
    const ds = daemonSets.find((d) => d.metadata?.name === 'node-local-dns' || d.metadata?.labels?.['k8s-app'] === 'node-local-dns')
    // Not "pods query kube-dns directly": a pod's dnsConfig or a kubelet's clusterDNS may still name a cache address.
    if (!ds) return {status: 'pass', summary: `NodeLocal DNSCache is not installed (no node-local-dns DaemonSet in ${DNS_NAMESPACE})`, details: {installed: false}}
    const ref = {kind: 'DaemonSet', namespace: DNS_NAMESPACE, name: ds.metadata!.name!}
    const localIP = nodeLocalIP(ds)
    const desired = ds.status?.desiredNumberScheduled ?? 0
    const ready = ds.status?.numberReady ?? 0
    const details = {installed: true, localIP, desired, ready, unavailable: ds.status?.numberUnavailable ?? 0}
    if (ready < desired) {
      return {
        status: 'fail',
        summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} is ready on ${ready} of ${desired} nodes: pods on the others send DNS to ${localIP}, where nothing answers`,
        objects: [ref],
        details,
        remediation: `kubectl -n ${DNS_NAMESPACE} get pods -l k8s-app=node-local-dns -o wide; kubectl -n ${DNS_NAMESPACE} logs ds/${ref.name}`,
      }
    }
    return {status: 'pass', summary: `NodeLocal DNSCache ${ref.namespace}/${ref.name} answers on ${localIP}, ready on ${ready}/${desired} nodes`, objects: [ref], details}
  },
}

/** The -localip argument of node-cache (it may list the kube-dns ClusterIP too: the first is the link-local one). */
export function nodeLocalIP(ds: DaemonSet): string {
  const args = (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
  for (let i = 0; i < args.length; i++) {
    const match = /^-?-localip(?:=(.*))?$/.exec(args[i])
    if (match) return (match[1] ?? args[i + 1] ?? NODELOCAL_DEFAULT_IP).split(',')[0].trim()
  }
  return NODELOCAL_DEFAULT_IP
}
