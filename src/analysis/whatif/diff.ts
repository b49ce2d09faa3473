// What a what-if changes: findings that appear or disappear (or change severity), and reachability verdicts
// that flip. Pure: two lists in, the differences out.
import type {ScanFinding} from '../scan/findings.js'

export interface FlowEntry {
  /** "svc shop/backend:80/TCP from shop pods app=frontend" */
  flow: string
  /** allowed | denied | unknown | no backend | ... */
  verdict: string
  /** The deciding objects, in words: "NetworkPolicy shop/lockdown". */
  decidedBy: string
}

export interface VerdictFlip {
  flow: string
  before: string
  after: string
  beforeDecidedBy: string
  afterDecidedBy: string
  /** One line: "svc shop/backend:80/TCP from shop pods app=frontend: allowed → denied by NetworkPolicy shop/lockdown" */
  text: string
}

export interface FindingChange {
  change: 'appeared' | 'disappeared' | 'severity'
  finding: ScanFinding
  before?: ScanFinding
}

export interface WhatIfDiff {
  flips: VerdictFlip[]
  findings: FindingChange[]
  /** Something a CI gate should stop on: a verdict flip, or a finding that appears or gets worse. */
  regressions: number
}

function findingKey(f: ScanFinding): string {
  return `${f.code}|${f.object.kind}|${f.object.namespace ?? ''}|${f.object.name}|${f.checkId}`
}

/** Ignored findings count on neither side: an accepted finding that appears is still accepted. */
export function diffFindings(before: readonly ScanFinding[], after: readonly ScanFinding[]): FindingChange[] {
  const counted = (list: readonly ScanFinding[]) => new Map(list.filter((f) => !f.ignored).map((f) => [findingKey(f), f]))
  const a = counted(before)
  const b = counted(after)
  const changes: FindingChange[] = []
  for (const [key, finding] of b) {
    const old = a.get(key)
    if (!old) changes.push({change: 'appeared', finding})
    else if (old.severity !== finding.severity) changes.push({change: 'severity', finding, before: old})
  }
  for (const [key, finding] of a) if (!b.has(key)) changes.push({change: 'disappeared', finding})
  return changes
}

export function diffFlows(before: readonly FlowEntry[], after: readonly FlowEntry[]): VerdictFlip[] {
  const old = new Map(before.map((f) => [f.flow, f]))
  const flips: VerdictFlip[] = []
  for (const entry of after) {
    const previous = old.get(entry.flow)
    const was = previous?.verdict ?? 'absent'
    if (was === entry.verdict) continue
    const by = (verdict: string, decidedBy: string) => `${verdict}${decidedBy && verdict !== 'absent' ? ` by ${decidedBy}` : ''}`
    flips.push({
      flow: entry.flow,
      before: was,
      after: entry.verdict,
      beforeDecidedBy: previous?.decidedBy ?? '',
      afterDecidedBy: entry.decidedBy,
      text: `${entry.flow}: ${by(was, was === 'allowed' ? '' : (previous?.decidedBy ?? ''))} → ${by(entry.verdict, entry.decidedBy)}`,
    })
  }
  const now = new Set(after.map((f) => f.flow))
  for (const entry of before) {
    if (!now.has(entry.flow)) flips.push({flow: entry.flow, before: entry.verdict, after: 'absent', beforeDecidedBy: entry.decidedBy, afterDecidedBy: '', text: `${entry.flow}: ${entry.verdict} → absent (the Service or the client pods are gone)`})
  }
  return flips
}

export function whatIfDiff(input: {findingsBefore: readonly ScanFinding[]; findingsAfter: readonly ScanFinding[]; flowsBefore: readonly FlowEntry[]; flowsAfter: readonly FlowEntry[]}): WhatIfDiff {
  const findings = diffFindings(input.findingsBefore, input.findingsAfter)
  const flips = diffFlows(input.flowsBefore, input.flowsAfter)
  // A new flow (a new Service or client) that is allowed is no regression; every other flip is one to review.
  const regressing = flips.filter((f) => !(f.before === 'absent' && f.after === 'allowed'))
  const worse = findings.filter((c) => c.change === 'appeared' || (c.change === 'severity' && c.finding.severity === 'fail'))
  return {flips, findings, regressions: regressing.length + worse.length}
}
