// Backends grouped so that one ingress evaluation answers for many pods: pods with the same namespace,
// labels, declared ports and host networking get the same ingress verdict (ingress rules look at the
// destination only through its labels and named ports), so 300 replicas cost one evaluation. Egress of the
// client is not grouped: ipBlock peers look at each backend's IP.
import type {Pod} from '../../cluster/types.js'
import {declaredPorts} from '../ports.js'

export interface BackendGroup {
  /** The pod evaluated on behalf of the group. */
  representative: Pod
  pods: Pod[]
}

function stableLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

export function groupBackends(pods: readonly Pod[]): BackendGroup[] {
  const groups = new Map<string, BackendGroup>()
  for (const pod of pods) {
    const ports = declaredPorts(pod)
      .map((p) => `${p.name ?? ''}:${p.containerPort}/${p.protocol}`)
      .sort()
      .join(',')
    const key = `${pod.metadata?.namespace}|${stableLabels(pod.metadata?.labels)}|${ports}|${pod.spec?.hostNetwork === true}`
    const group = groups.get(key)
    if (group) group.pods.push(pod)
    else groups.set(key, {representative: pod, pods: [pod]})
  }
  return [...groups.values()]
}
