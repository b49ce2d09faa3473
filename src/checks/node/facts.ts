import {detectCni, type CniDetection} from '../../analysis/node/cni-detect.js'
import type {ConfigMap, DaemonSet, Node, Pod} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import type {CheckContext, ProbeFactory, ProbeRunner} from '../../engine/types.js'
import {nodeProbeCommand, parseNodeSections, readNodeFacts, type NodeFacts} from '../../probes/node.js'

// Lookups the node and path checks share. The view caches API calls; these cache what is derived from them.

export interface ClusterCni extends CniDetection {
  /** The DaemonSets that run the pod network or its policy engine. */
  agents: DaemonSet[]
}

const CONFIG_MAPS: Record<string, string[]> = {
  cilium: ['cilium-config'],
  flannel: ['kube-flannel-cfg'],
  canal: ['kube-flannel-cfg', 'canal-config'],
  calico: ['calico-config'],
  antrea: ['antrea-config'],
}

const detections = new WeakMap<ClusterView, Promise<ClusterCni>>()

/** The CNI from the DaemonSets and node annotations, refined by its ConfigMap when readable (best effort). */
export function clusterCni(view: ClusterView): Promise<ClusterCni> {
  let detection = detections.get(view)
  if (!detection) {
    detection = detect(view)
    detections.set(view, detection)
  }
  return detection
}

async function detect(view: ClusterView): Promise<ClusterCni> {
  const [daemonSets, nodes] = await Promise.all([view.listDaemonSets(undefined), view.listNodes()])
  const first = detectCni({daemonSets, nodes})
  const agents = daemonSets.filter((ds) => {
    const one = detectCni({daemonSets: [ds]})
    return one.cni !== 'unknown' || one.policyEngines.length > 0
  })
  const agent = agents.find((ds) => detectCni({daemonSets: [ds]}).cni === first.cni)
  const names = CONFIG_MAPS[first.cni] ?? []
  if (!agent || names.length === 0) return {...first, agents}
  const namespace = agent.metadata?.namespace ?? 'kube-system'
  const configMaps = (await Promise.all(names.map((name) => view.getConfigMap(namespace, name).catch(() => undefined)))).filter((c): c is ConfigMap => c !== undefined)
  return {...(configMaps.length > 0 ? detectCni({daemonSets, nodes, configMaps}) : first), agents}
}

/** The pods on the target nodes: a field-selected list for one node, else every pod (one list beats one per node). */
export function podsOnNodes(view: ClusterView, nodes: readonly string[]): Promise<Pod[]> {
  return nodes.length === 1 ? view.listPods(undefined, {fieldSelector: `spec.nodeName=${nodes[0]}`}) : view.listPods(undefined)
}

export function nodeRef(name: string) {
  return {kind: 'Node', name}
}

export function podRef(pod: Pod) {
  return {kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '?'}
}

export function condition(node: Node, type: string): {status?: string; reason?: string; message?: string} | undefined {
  return (node.status?.conditions ?? []).find((c) => c.type === type)
}

export function isNodeReady(node: Node): boolean {
  return condition(node, 'Ready')?.status === 'True'
}

export function internalIps(node: Node): string[] {
  return (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address)
}

export function nodePodCidrs(node: Node): string[] {
  return node.spec?.podCIDRs?.length ? [...node.spec.podCIDRs] : node.spec?.podCIDR ? [node.spec.podCIDR] : []
}

/** CNIs whose IPAM hands out addresses from the node's spec.podCIDR (host-local usePodCidr or flannel's lease). */
export const PODCIDR_IPAM_CNIS = new Set(['flannel', 'canal', 'kindnet', 'bridge', 'ptp', 'kube-router'])

// ------------------------------------------------------------------------------------------ node probes

/** How many node debug pods start and run at once. */
export const NODE_PROBE_CONCURRENCY = 4

export interface NodeProbe {
  node: string
  runner: ProbeRunner
  facts: NodeFacts
  command: string
  exitCode: number
  durationMs: number
}

interface ProbeCache {
  limit: <R>(task: () => Promise<R>) => Promise<R>
  nodes: Map<string, Promise<NodeProbe>>
}

const probeCaches = new WeakMap<ProbeFactory, ProbeCache>()

function semaphore(size: number) {
  let active = 0
  const queue: Array<() => void> = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= size) await new Promise<void>((resolve) => queue.push(resolve))
    active++
    try {
      return await task()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}

function nonce(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, 'x') + Date.now().toString(36)
}

/**
 * Starts the node debug pod and runs the read-only node script once per node and run, at most
 * NODE_PROBE_CONCURRENCY nodes at a time; every node check reads the same facts.
 */
export function nodeProbe(ctx: CheckContext<unknown>, node: string): Promise<NodeProbe> {
  const probes = ctx.probes!
  let cache = probeCaches.get(probes)
  if (!cache) {
    cache = {limit: semaphore(NODE_PROBE_CONCURRENCY), nodes: new Map()}
    probeCaches.set(probes, cache)
  }
  let probe = cache.nodes.get(node)
  if (!probe) {
    probe = cache.limit(async () => {
      const started = Date.now()
      const runner = await probes.node(node)
      const id = nonce().replace(/[^A-Za-z0-9]/g, '')
      const command = nodeProbeCommand({nonce: id})
      const exec = await runner.exec(command, {timeoutMs: 30_000})
      const facts = readNodeFacts(parseNodeSections(exec.stdout, id))
      if (exec.timedOut) facts.problems.push('the node script timed out: some facts are missing')
      return {node, runner, facts, command: 'sh -c <node script>', exitCode: exec.exitCode, durationMs: Date.now() - started}
    })
    cache.nodes.set(node, probe)
  }
  return probe
}
