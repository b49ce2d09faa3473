import type {ClusterInfo} from '../cluster/types.js'
import type {Diagnosis, OverallStatus} from '../engine/diagnose.js'
import type {CheckOutcome} from '../engine/types.js'
import type {ScanFinding} from '../analysis/scan/findings.js'
import type {FindingChange, VerdictFlip} from '../analysis/whatif/diff.js'

export const REPORT_API_VERSION = 'netdiag/v1'

/** The JSON contract of `-o json` (schema/report.schema.json). */
export interface Report {
  apiVersion: typeof REPORT_API_VERSION
  kind: 'Report'
  command: string
  target: Record<string, unknown>
  source: 'live' | 'snapshot'
  cluster: ClusterInfo
  /** Where probes ran, and any ephemeral container we added (they cannot be removed). */
  probe?: {description: string; ephemeralContainers?: Array<{namespace: string; pod: string; container: string}>}
  startedAt: string
  durationMs: number
  status: OverallStatus
  checks: Array<CheckOutcome & {objects: NonNullable<CheckOutcome['objects']>; details: NonNullable<CheckOutcome['details']>}>
  diagnosis: Diagnosis
  /** `scan` only: the findings (and, with --with, what the what-if changes). */
  scan?: ScanSection
}

/** The `scan` part of the report (schema/report.schema.json: definitions.scan). */
export interface ScanSection {
  scope: {namespaces: 'all' | string[]}
  scanned: Record<string, number>
  counts: {fail: number; warn: number; ignored: number}
  findings: ScanFinding[]
  whatIf?: {
    applied: string[]
    deleted: string[]
    notAnalysed: string[]
    flips: VerdictFlip[]
    findings: FindingChange[]
    regressions: number
    flowsEvaluated: number
    truncated: boolean
  }
}

export function buildReport(input: Omit<Report, 'apiVersion' | 'kind' | 'checks'> & {checks: CheckOutcome[]}): Report {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'Report',
    command: input.command,
    target: input.target,
    source: input.source,
    cluster: input.cluster,
    ...(input.probe ? {probe: input.probe} : {}),
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    status: input.status,
    checks: input.checks.map((c) => ({
      id: c.id,
      title: c.title,
      layer: c.layer,
      status: c.status,
      summary: c.summary,
      objects: c.objects ?? [],
      details: c.details ?? {},
      ...(c.remediation ? {remediation: c.remediation} : {}),
      ...(c.skippedBecause ? {skippedBecause: c.skippedBecause} : {}),
      durationMs: c.durationMs,
    })),
    diagnosis: input.diagnosis,
    ...(input.scan ? {scan: input.scan} : {}),
  }
}
