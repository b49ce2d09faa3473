import type {SnapshotKind} from '../cluster/types.js'
import type {ClusterView} from '../cluster/view.js'
import type {CheckResult} from '../engine/types.js'

/** A kind of object a check reads, and where (undefined: cluster-scoped, or every namespace). */
export interface DataNeed {
  kind: SnapshotKind
  namespace?: string
}

/**
 * Unknown instead of wrong: when the input lacks data the check needs (a snapshot without kube-system, a kind it
 * does not carry), the answer is a `warn` saying "unknown", what is missing and what would settle it, with no
 * objects and no remediation, since both would be built on missing data. Undefined when everything is there.
 *
 * `question` is what the check could not answer: "whether CoreDNS runs".
 */
export function unknownWithout(view: ClusterView, needs: DataNeed[], question: string): CheckResult | undefined {
  const gaps = needs.map((need) => view.lacks?.(need.kind, need.namespace)).filter((gap) => gap !== undefined)
  if (gaps.length === 0) return undefined
  const missing = mergeByNamespace([...new Set(gaps.map((g) => g.missing))])
  const settle = [...new Set(gaps.map((g) => g.settle))]
  return {
    status: 'warn',
    summary: `unknown: ${question}: ${missing.join("; ")}; ${settle.join(", or ")} would settle it`,
    details: {unknown: {missing, settle}},
  }
}

/** "no Pod in namespace kube-system" and "no Deployment in namespace kube-system" read as one: "no Pod or Deployment in ...". */
function mergeByNamespace(missing: string[]): string[] {
  const groups = new Map<string, string[]>()
  const merged: string[] = []
  for (const text of missing) {
    const match = /^(.* no )(\w+)( in namespace \S+)$/.exec(text)
    if (!match) {
      merged.push(text)
      continue
    }
    const key = `${match[1]}\u0000${match[3]}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(match[2]!)
  }
  for (const [key, kinds] of groups) {
    const [head, tail] = key.split('\u0000')
    merged.push(`${head}${kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : kinds[0]}${tail}`)
  }
  return merged
}
