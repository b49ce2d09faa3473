import {detectCni, type CniDetection} from '../../analysis/node/cni-detect.js'
import {localIPArg, mountedConfigMap, nodeLocalAddress, type NodeLocalAddress} from '../../analysis/dns/nodelocal.js'
import type {DaemonSet, Pod, Service} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {DEFAULT_CLUSTER_DOMAIN, DNS_NAMESPACE, DNS_SELECTOR, DNS_SERVICE} from './target.js'

// Lookups several DNS checks share; the view caches them, so each is one API call per run.

export function dnsPods(view: ClusterView): Promise<Pod[]> {
  return view.listPods(DNS_NAMESPACE, {labelSelector: DNS_SELECTOR})
}

/** The cluster DNS Service: kube-dns by name, else any kube-system Service selecting k8s-app=kube-dns. */
export async function dnsService(view: ClusterView): Promise<Service | undefined> {
  const byName = await view.getService(DNS_NAMESPACE, DNS_SERVICE)
  if (byName) return byName
  const labelled = await view.listServices(DNS_NAMESPACE, {labelSelector: DNS_SELECTOR})
  return labelled.find((s) => s.spec?.selector?.['k8s-app'] === 'kube-dns') ?? labelled[0]
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
}

export function podRef(pod: Pod) {
  return {kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '?'}
}

/** CoreDNS keeps its config in ConfigMap kube-system/coredns (kube-dns clusters have none). */
export function corefileConfigMap(view: ClusterView) {
  return view.getConfigMap(DNS_NAMESPACE, 'coredns')
}

/** --cluster-domain, else the zone of the Corefile's kubernetes plugin, else cluster.local. */
export async function clusterDomainOf(view: ClusterView, explicit?: string): Promise<string> {
  if (explicit) return explicit.replace(/\.$/, '')
  const configMap = await corefileConfigMap(view).catch(() => undefined)
  const corefile = configMap?.data?.Corefile
  if (corefile) {
    const {parseCorefile, findPlugins} = await import('../../analysis/dns/corefile.js')
    for (const server of parseCorefile(corefile).servers) {
      for (const plugin of findPlugins(server, 'kubernetes')) {
        const zone = (plugin.args.length > 0 ? plugin.args : server.keys.map((k) => k.zone)).find((z) => !/arpa\.?$/.test(z) && z !== '.')
        if (zone) return zone.replace(/\.$/, '')
      }
    }
  }
  return DEFAULT_CLUSTER_DOMAIN
}

/** The CNI as DaemonSets and node annotations show it: what both DNS policy checks judge enforcement by. */
export function cniFromApi(view: ClusterView): Promise<CniDetection> {
  // Once per view: a sweep asks for every namespace, and the answer is the cluster's.
  let known = cnis.get(view)
  if (!known) {
    known = Promise.all([view.listDaemonSets(undefined), view.listNodes()]).then(([daemonSets, nodes]) => detectCni({daemonSets, nodes}))
    cnis.set(view, known)
  }
  return known
}
const cnis = new WeakMap<ClusterView, Promise<CniDetection>>()

export const NODELOCAL_SELECTOR = 'k8s-app=node-local-dns'

/** NodeLocal DNSCache's DaemonSet and the address it answers on; undefined when it is not installed. */
export async function nodeLocalCache(view: ClusterView): Promise<{ds: DaemonSet; address: NodeLocalAddress} | undefined> {
  const ds = (await view.listDaemonSets(DNS_NAMESPACE)).find((d) => d.metadata?.name === 'node-local-dns' || d.metadata?.labels?.['k8s-app'] === 'node-local-dns')
  if (!ds) return undefined
  // node-cache names its address in -localip; a cache without it (CoreDNS itself) says so in its Corefile's bind
  const configMapName = localIPArg(ds) ? undefined : mountedConfigMap(ds)
  const corefile = configMapName ? (await view.getConfigMap(DNS_NAMESPACE, configMapName).catch(() => undefined))?.data?.Corefile : undefined
  return {ds, address: nodeLocalAddress(ds, corefile !== undefined ? {configMap: configMapName!, text: corefile} : undefined)}
}
