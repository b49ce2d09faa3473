// One scan run: the sweep over the cluster's view (and, with --with, over the what-if view), the findings
// accepted by --ignore, the flows a what-if flips, assembled into the report.
import {sortFindings, applyIgnores, areaSummaries, type IgnoreRule} from '../analysis/scan/result.js'
import {whatIfDiff, type FlowEntry} from '../analysis/whatif/diff.js'
import {OverlayClusterView} from '../cluster/overlay-view.js'
import type {ClusterInfo} from '../cluster/types.js'
import type {ClusterView} from '../cluster/view.js'
import {overallStatus} from '../engine/diagnose.js'
import type {CheckOutcome} from '../engine/types.js'
import {buildReport, type Report, type ScanSection} from '../report/report.js'
import type {WhatIf} from '../what-if.js'
import {sweep, type SweepResult} from '../checks/scan/sweep.js'
import {flowVerdicts} from '../checks/scan/verdicts.js'
import {groupOf, kindInfo} from '../analysis/whatif/identity.js'

export interface ScanInput {
  view: ClusterView
  cluster: ClusterInfo
  /** undefined: every namespace. */
  namespace?: string
  ignores: IgnoreRule[]
  overlay?: WhatIf
  timeoutMs: number
}

export async function runScan(input: ScanInput): Promise<Report> {
  const startedAt = new Date()
  const options = {noProbe: true, timeoutMs: input.timeoutMs}
  const allNamespaces = input.namespace === undefined
  const scope = {namespace: input.namespace}
  const base = new OverlayClusterView(input.view, {allNamespaces})
  const before = await sweep(base, scope, options)
  let result: SweepResult = before
  let whatIf: ScanSection['whatIf']
  if (input.overlay) {
    const changed = new OverlayClusterView(input.view, {...input.overlay, allNamespaces})
    result = await sweep(changed, scope, options)
    const namespaces = [...new Set([...before.namespaces, ...result.namespaces])].sort()
    const flowScope = {namespaces, touched: touchedNamespaces(input.overlay)}
    const [flowsBefore, flowsAfter] = await Promise.all([flowVerdicts(base, flowScope), flowVerdicts(changed, flowScope)])
    const diff = whatIfDiff({
      findingsBefore: applyIgnores(before.findings, input.ignores),
      findingsAfter: applyIgnores(result.findings, input.ignores),
      flowsBefore: flowsBefore.flows,
      flowsAfter: flowsAfter.flows,
    })
    whatIf = {
      ...changed.notes,
      flips: diff.flips,
      findings: diff.findings,
      regressions: diff.regressions,
      flowsEvaluated: Math.max(flowsBefore.flows.length, flowsAfter.flows.length),
      truncated: flowsBefore.truncated || flowsAfter.truncated,
    }
  }
  const findings = sortFindings(applyIgnores(result.findings, input.ignores))
  const scanned = {services: result.counts.services, routing: result.counts.routes, dns: result.counts.namespaces, policies: result.counts.networkPolicies, nodes: result.counts.nodes}
  const durationMs = Date.now() - startedAt.getTime()
  const checks: CheckOutcome[] = areaSummaries(findings, scanned).map((a) => ({...a, durationMs}))
  const counted = findings.filter((f) => !f.ignored)
  const root = counted.find((f) => f.severity === 'fail')
  const scan: ScanSection = {
    scope: {namespaces: allNamespaces ? 'all' : [input.namespace!]},
    scanned,
    counts: {fail: counted.filter((f) => f.severity === 'fail').length, warn: counted.filter((f) => f.severity === 'warn').length, ignored: findings.length - counted.length},
    findings,
    ...(whatIf ? {whatIf} : {}),
  }
  return buildReport({
    command: 'scan',
    target: allNamespaces ? {allNamespaces: true} : {namespace: input.namespace},
    source: input.view.source,
    cluster: input.cluster,
    startedAt: startedAt.toISOString(),
    durationMs,
    status: overallStatus(checks),
    checks,
    diagnosis: {
      rootCause: root ? {checkId: root.checkId, summary: root.summary, objects: root.objects, ...(root.fix ? {remediation: root.fix} : {})} : null,
      findings: checks.filter((c) => c.status === 'fail').concat(checks.filter((c) => c.status === 'warn')).map((c) => c.id),
    },
    scan,
  })
}

/** The namespaces an overlay changes; undefined (all) when it changes a cluster-scoped object. */
function touchedNamespaces(overlay: WhatIf): Set<string> | undefined {
  const touched = new Set<string>()
  const ids = [
    ...overlay.objects.map((o) => ({group: groupOf(o.object.apiVersion), kind: o.object.kind, namespace: o.object.metadata.namespace, name: o.object.metadata.name})),
    ...overlay.deletions,
  ]
  for (const id of ids) {
    if (id.kind === 'Namespace') touched.add(id.name)
    else if (id.namespace) touched.add(id.namespace)
    else if (kindInfo(id.group, id.kind)) return undefined
  }
  return touched
}

export type {FlowEntry}
