import type {ClusterView} from '../cluster/view.js'
import type {CheckStatus} from '../engine/types.js'

// What checks derive from API objects, computed once per view (one view per run) however many checks ask.
const memo = new WeakMap<ClusterView, Map<string, Promise<unknown>>>()

export function oncePerView<T>(view: ClusterView, key: string, compute: () => Promise<T>): Promise<T> {
  let cache = memo.get(view)
  if (!cache) memo.set(view, (cache = new Map()))
  let value = cache.get(key) as Promise<T> | undefined
  if (!value) cache.set(key, (value = compute()))
  return value
}

/** Check statuses from least to most severe, for combining one result per backend or per parent. */
export const SEVERITY: CheckStatus[] = ['skip', 'pass', 'warn', 'error', 'fail']

export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'skip')
}
