// Is something programming Service IPs on the nodes that matter: kube-proxy pods on those nodes, or a
// replacement (Cilium kube-proxy replacement, Calico eBPF, kube-router's service proxy, Antrea proxyAll).
import type {ConfigMap, DaemonSet, Pod} from '../../cluster/types.js'
import {isPodReady, podNotReadyReason} from './pod-readiness.js'

export interface ProxyReplacement {
  name: 'cilium' | 'calico-ebpf' | 'kube-router' | 'antrea'
  /** The object and setting that says so. */
  evidence: string
}

function containers(ds: DaemonSet) {
  return ds.spec?.template?.spec?.containers ?? []
}

function args(ds: DaemonSet): string[] {
  return containers(ds).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
}

function env(ds: DaemonSet, name: string): string | undefined {
  for (const c of containers(ds)) {
    const value = c.env?.find((e) => e.name === name)?.value
    if (value !== undefined) return value
  }
  return undefined
}

function dsRef(ds: DaemonSet): string {
  return `DaemonSet ${ds.metadata?.namespace}/${ds.metadata?.name}`
}

/**
 * A kube-proxy replacement, from DaemonSets (any namespace given) and ConfigMaps (cilium-config,
 * antrea-config). Cilium's `kube-proxy-replacement` is "true" (since 1.14) or "strict" (before); "partial"
 * and "false" leave Services to kube-proxy.
 */
export function detectProxyReplacement(daemonSets: readonly DaemonSet[], configMaps: readonly ConfigMap[]): ProxyReplacement | undefined {
  const ciliumConfig = configMaps.find((cm) => cm.metadata?.name === 'cilium-config')
  const kpr = ciliumConfig?.data?.['kube-proxy-replacement']
  if (kpr === 'true' || kpr === 'strict') {
    return {name: 'cilium', evidence: `ConfigMap ${ciliumConfig!.metadata?.namespace}/cilium-config has kube-proxy-replacement: "${kpr}"`}
  }
  for (const ds of daemonSets) {
    const flag = args(ds).find((a) => /^--kube-proxy-replacement=(true|strict)$/.test(a))
    if (flag) return {name: 'cilium', evidence: `${dsRef(ds)} runs with ${flag}`}
    if (/^(calico-node)$/.test(ds.metadata?.name ?? '') && /^true$/i.test(env(ds, 'FELIX_BPFENABLED') ?? '')) {
      return {name: 'calico-ebpf', evidence: `${dsRef(ds)} sets FELIX_BPFENABLED=true (Calico eBPF dataplane)`}
    }
    const router = args(ds).find((a) => /^--run-service-proxy(=true)?$/.test(a))
    if (router) return {name: 'kube-router', evidence: `${dsRef(ds)} runs with ${router}`}
  }
  const antrea = configMaps.find((cm) => /^antrea-config/.test(cm.metadata?.name ?? ''))
  const agentConf = antrea?.data?.['antrea-agent.conf'] ?? ''
  if (/^\s*proxyAll:\s*true\s*$/m.test(agentConf)) return {name: 'antrea', evidence: `ConfigMap ${antrea!.metadata?.namespace}/${antrea!.metadata?.name} sets antreaProxy proxyAll: true`}
  return undefined
}

export interface NodeProxyState {
  node: string
  /** The kube-proxy pod on that node, if any. */
  pod?: string
  ready: boolean
  reason?: string
}

/** The kube-proxy pod on each node of interest, and whether it is ready. */
export function kubeProxyOnNodes(pods: readonly Pod[], nodes: readonly string[]): NodeProxyState[] {
  const byNode = new Map<string, Pod>()
  for (const pod of pods) {
    const node = pod.spec?.nodeName
    if (!node) continue
    const current = byNode.get(node)
    // Prefer the ready one when a rollout leaves two.
    if (!current || (!isPodReady(current) && isPodReady(pod))) byNode.set(node, pod)
  }
  return [...new Set(nodes)].sort().map((node) => {
    const pod = byNode.get(node)
    if (!pod) return {node, ready: false, reason: 'no kube-proxy pod on this node'}
    const reason = podNotReadyReason(pod)
    return {node, pod: pod.metadata?.name ?? '', ready: reason === undefined, ...(reason ? {reason: reason.message} : {})}
  })
}
