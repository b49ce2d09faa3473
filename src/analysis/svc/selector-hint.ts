// "Service shop/backend selects app=backend-api but no pod in shop matches; pods of Deployment shop/backend
// carry app=backend" — the sentence and the patch that would make the Service select the nearest pods.
import type {LabelSelector} from '../../cluster/types.js'
import type {SelectorDifference} from '../label-difference.js'
import {formatLabelSelector} from '../labels.js'

function subject(d: SelectorDifference): string {
  const c = d.candidate
  const ns = c.namespace ? `${c.namespace}/` : ''
  if (c.kind === undefined || c.kind === 'Pod') return `pod ${ns}${c.name}`
  return `pods of ${c.kind} ${ns}${c.name}`
}

/** What the nearest candidate has instead: "carry app=backend", "carry app=backend and no tier label". */
export function differenceClause(d: SelectorDifference): string {
  const parts = [
    ...d.mismatched.map((m) => (m.operator === 'In' ? `${m.key}=${m.have}` : `${m.key}=${m.have} (excluded by the selector)`)),
    ...d.missingKeys.map((k) => `no ${k} label`),
    ...d.forbiddenKeys.map((k) => `a ${k} label the selector forbids`),
  ]
  const text = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
  return `${subject(d)} ${d.candidate.kind === 'Pod' || d.candidate.kind === undefined ? 'carries' : 'carry'} ${text}`
}

const RUNNER_UP_MARGIN = 0.05

export function selectorMismatchSummary(service: string, namespace: string, selector: LabelSelector, nearest: readonly SelectorDifference[]): string {
  const head = `Service ${service} selects ${formatLabelSelector(selector)} but no pod in ${namespace} matches`
  if (nearest.length === 0) return `${head}, and no pod runs in ${namespace} at all`
  // A runner-up is named only when it is about as near as the best: otherwise it is noise next to the answer.
  const shown = nearest.slice(0, 2).filter((d, i) => i === 0 || d.score >= nearest[0]!.score - RUNNER_UP_MARGIN)
  return `${head}; ${shown.map(differenceClause).join('; ')}`
}

/**
 * A JSON merge patch of spec.selector that makes the Service select the nearest candidate: mismatched
 * values take the candidate's, keys it lacks are removed (null). Undefined when the difference is not
 * about plain key=value labels (matchExpressions cannot appear in a Service selector anyway).
 */
export function selectorPatch(nearest: SelectorDifference): Record<string, string | null> | undefined {
  if (nearest.forbiddenKeys.length > 0) return undefined
  if (nearest.mismatched.some((m) => m.operator !== 'In')) return undefined
  const patch: Record<string, string | null> = {}
  for (const m of nearest.mismatched) patch[m.key] = m.have
  for (const k of nearest.missingKeys) patch[k] = null
  return Object.keys(patch).length > 0 ? patch : undefined
}
