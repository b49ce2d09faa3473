// NodeLocal DNSCache (k8s.io/dns cmd/node-cache): which address pods reach it on, and which nodes it covers.
import type {DaemonSet, Node, Pod} from '../../cluster/types.js'
import {ipInCidr} from '../cidr.js'
import {parseCorefile} from './corefile.js'

export interface NodeLocalAddress {
  /** The link-local address the cache listens on; undefined when nothing says which. */
  ip?: string
  /** Where the address was read: `-localip on node-cache`, `bind in ConfigMap kube-system/node-local-dns`. */
  source: string
}

const LINK_LOCAL = '169.254.0.0/16'

function containerArgs(ds: DaemonSet): string[] {
  return (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
}

/** node-cache's -localip (`169.254.20.10,10.96.0.10`: the first is the link-local one), or undefined. */
export function localIPArg(ds: DaemonSet): string | undefined {
  const args = containerArgs(ds)
  for (let i = 0; i < args.length; i++) {
    const match = /^--?localip(?:=(.*))?$/.exec(args[i]!)
    if (match) return (match[1] ?? args[i + 1] ?? '').split(',')[0]!.trim() || undefined
  }
  return undefined
}

/** The first link-local address a `bind` directive of the cache's Corefile names (CoreDNS run as the cache). */
export function corefileBindAddress(corefile: string): string | undefined {
  for (const server of parseCorefile(corefile).servers) {
    for (const d of server.directives) {
      if (d.name !== 'bind') continue
      const ip = d.args.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a) && ipInCidr(a, LINK_LOCAL))
      if (ip) return ip
    }
  }
  return undefined
}

/** The ConfigMap the DaemonSet's pods mount (node-cache's is `node-local-dns`). */
export function mountedConfigMap(ds: DaemonSet): string | undefined {
  return (ds.spec?.template?.spec?.volumes ?? []).map((v) => v.configMap?.name).find((n): n is string => Boolean(n))
}

/**
 * The cache's address: node-cache's -localip, else a link-local `bind` in the Corefile it mounts; never a
 * default (169.254.20.10 is upstream's example, kubespray uses 169.254.25.10).
 */
export function nodeLocalAddress(ds: DaemonSet, corefile?: {configMap: string; text: string}): NodeLocalAddress {
  const arg = localIPArg(ds)
  if (arg) return {ip: arg, source: '-localip on node-cache'}
  const bound = corefile ? corefileBindAddress(corefile.text) : undefined
  if (bound) return {ip: bound, source: `bind in ConfigMap ${ds.metadata?.namespace}/${corefile!.configMap} (Corefile)`}
  return {source: corefile ? `no -localip and no link-local bind in ConfigMap ${ds.metadata?.namespace}/${corefile.configMap}` : 'no -localip on node-cache and its Corefile was not readable'}
}

function podReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** Nodes (by name, in the order given) that have no Ready cache pod: pods there get no answer from the cache address. */
export function nodesWithoutCache(nodes: readonly Node[], cachePods: readonly Pod[]): string[] {
  const covered = new Set(cachePods.filter(podReady).map((p) => p.spec?.nodeName))
  return nodes.map((n) => n.metadata?.name).filter((n): n is string => Boolean(n) && !covered.has(n))
}
