import {LAYERS, type Check, type CheckOutcome} from './types.js'

export interface RootCause {
  checkId: string
  summary: string
  objects: Array<{kind: string; namespace?: string; name: string}>
  remediation?: string
}

export interface Diagnosis {
  rootCause: RootCause | null
  /** Ids of checks that failed or warned, most important first. */
  findings: string[]
}

export type OverallStatus = 'pass' | 'warn' | 'fail' | 'error'

/**
 * The root cause is the most fundamental failure: a check that explains another's failure outranks it (see
 * explainedIds), then causes before symptoms, then the earliest in dependency order (fewest prerequisites),
 * then the lower layer (DNS server down outranks a failed lookup), then plan order. A warning that explains a
 * failure is a candidate too: "this pod resolves through the node" is the cause once its lookups are proven
 * to fail.
 */
export function diagnose(checks: Array<Pick<Check<never>, 'id' | 'dependsOn' | 'symptom'>>, outcomes: CheckOutcome[]): Diagnosis {
  const depth = dependencyDepths(checks)
  const symptom = new Map(checks.map((c) => [c.id, Boolean(c.symptom)]))
  const order = new Map(checks.map((c, i) => [c.id, i]))
  const failed = new Set(outcomes.filter((o) => o.status === 'fail').map((o) => o.id))
  const explainsFailure = (o: CheckOutcome) => explainedIds(o).some((id) => failed.has(id) && id !== o.id)
  const candidates = outcomes.filter((o) => o.status === 'fail' || (o.status === 'warn' && explainsFailure(o)))
  const explained = new Set(candidates.flatMap((o) => explainedIds(o).filter((id) => id !== o.id)))
  const rank = (o: CheckOutcome) => [
    explained.has(o.id) ? 1 : 0,
    symptom.get(o.id) ? 1 : 0,
    depth.get(o.id) ?? 0,
    LAYERS.indexOf(o.layer),
    order.get(o.id) ?? 0,
  ]
  const byImportance = (a: CheckOutcome, b: CheckOutcome) => compareTuples(rank(a), rank(b))
  const ranked = [...candidates].sort(byImportance)
  const warnings = outcomes.filter((o) => o.status === 'warn' && !candidates.includes(o)).sort(byImportance)
  const root = ranked[0]
  return {
    rootCause: root
      ? {checkId: root.id, summary: root.summary, objects: root.objects ?? [], ...(root.remediation ? {remediation: root.remediation} : {})}
      : null,
    findings: [...ranked, ...warnings].map((o) => o.id),
  }
}

/**
 * `details.explains`: ids of checks whose failure this result accounts for (a Corefile that does not parse
 * explains CoreDNS crash-looping; a pod that resolves through the node explains its failed lookups). Declared
 * by the check at run time, because whether it explains anything depends on what it found.
 */
export function explainedIds(outcome: Pick<CheckOutcome, 'details'>): string[] {
  const explains = outcome.details?.explains
  return Array.isArray(explains) ? explains.filter((id): id is string => typeof id === 'string') : []
}

export function overallStatus(outcomes: CheckOutcome[]): OverallStatus {
  if (outcomes.some((o) => o.status === 'fail')) return 'fail'
  if (outcomes.some((o) => o.status === 'error')) return 'error'
  if (outcomes.some((o) => o.status === 'warn')) return 'warn'
  return 'pass'
}

function dependencyDepths(checks: Array<Pick<Check<never>, 'id' | 'dependsOn'>>): Map<string, number> {
  const depth = new Map<string, number>()
  for (const check of checks) {
    depth.set(check.id, Math.max(-1, ...(check.dependsOn ?? []).map((d) => depth.get(d) ?? 0)) + 1)
  }
  return depth
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}
