import type {Node} from '../../cluster/types.js'

export interface NodeSuspicion {
  name: string
  score: number
  /** What makes the node suspicious, for the report ("NotReady", "NetworkUnavailable"). */
  reasons: string[]
}

const WEIGHTS: Array<{type: string; status: string; score: number; reason: string}> = [
  {type: 'Ready', status: 'False', score: 100, reason: 'NotReady'},
  {type: 'Ready', status: 'Unknown', score: 90, reason: 'Ready=Unknown (kubelet stopped posting status)'},
  {type: 'NetworkUnavailable', status: 'True', score: 80, reason: 'NetworkUnavailable'},
  {type: 'PIDPressure', status: 'True', score: 20, reason: 'PIDPressure'},
  {type: 'MemoryPressure', status: 'True', score: 15, reason: 'MemoryPressure'},
  {type: 'DiskPressure', status: 'True', score: 15, reason: 'DiskPressure'},
]

/**
 * Orders nodes most suspicious first, from what the API says about them: not Ready, routes not configured,
 * pressure, pods stuck creating there (`stuckPods`: node -> count), cordoned. Ties keep name order.
 */
export function rankNodesBySuspicion(nodes: readonly Node[], stuckPods: ReadonlyMap<string, number> = new Map()): NodeSuspicion[] {
  return nodes
    .map((node) => {
      const name = node.metadata?.name ?? '?'
      const reasons: string[] = []
      let score = 0
      const conditions = node.status?.conditions ?? []
      if (!conditions.some((c) => c.type === 'Ready')) {
        score += 90
        reasons.push('no Ready condition')
      }
      for (const w of WEIGHTS) {
        if (conditions.some((c) => c.type === w.type && c.status === w.status)) {
          score += w.score
          reasons.push(w.reason)
        }
      }
      const stuck = stuckPods.get(name) ?? 0
      if (stuck > 0) {
        score += Math.min(60, 10 * stuck)
        reasons.push(`${stuck} pod(s) stuck in ContainerCreating`)
      }
      if (node.spec?.unschedulable) {
        score += 5
        reasons.push('cordoned')
      }
      return {name, score, reasons}
    })
    .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
