// Accepting known findings (--ignore, the config file), ordering them by object, and the per-area summaries the
// report's `checks` carry.
import type {ObjectRef} from '../../cluster/types.js'
import {catalogueEntry, type ScanArea} from './catalogue.js'
import type {ScanFinding} from './findings.js'

export interface IgnoreRule {
  code: string
  /** Only this object: Kind/namespace/name or Kind/name (kind case-insensitive). */
  object?: string
  /** Only objects in this namespace. */
  namespace?: string
}

function objectText(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`.toLowerCase()
}

export function ignoreMatches(rule: IgnoreRule, finding: ScanFinding): boolean {
  if (rule.code !== finding.code) return false
  if (rule.namespace !== undefined && finding.object.namespace !== rule.namespace) return false
  if (rule.object !== undefined && objectText(finding.object) !== rule.object.toLowerCase()) return false
  return true
}

/** Each finding with its area, and `ignored` where a rule accepts it. */
export function applyIgnores(findings: readonly ScanFinding[], rules: readonly IgnoreRule[]): ScanFinding[] {
  return findings.map((f) => ({...f, area: areaOf(f), ...(rules.some((r) => ignoreMatches(r, f)) ? {ignored: true} : {})}))
}

const SEVERITY_RANK = {fail: 0, warn: 1} as const

/** Grouped by object (kind, namespace, name), failures before warnings within an object. */
export function sortFindings(findings: readonly ScanFinding[]): ScanFinding[] {
  const key = (f: ScanFinding) => `${f.object.namespace ?? ''}\u0000${f.object.kind}\u0000${f.object.name}`
  return [...findings].sort((a, b) => key(a).localeCompare(key(b)) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.code.localeCompare(b.code))
}

const AREA_OF_CHECK: Array<[string, Exclude<ScanArea, 'scan'>]> = [
  ['svc.', 'services'],
  ['dns.', 'dns'],
  ['node.', 'nodes'],
  ['scan.nodes', 'nodes'],
  ['scan.policies', 'policies'],
  ['ingress.', 'routing'],
  ['route.', 'routing'],
]

export function areaOf(finding: ScanFinding): Exclude<ScanArea, 'scan'> {
  const area = catalogueEntry(finding.code)?.area
  if (area && area !== 'scan') return area
  return AREA_OF_CHECK.find(([prefix]) => finding.checkId.startsWith(prefix))?.[1] ?? 'services'
}

export const AREAS = [
  {area: 'services', id: 'scan.services', title: 'Services', layer: 'service'},
  {area: 'dns', id: 'scan.dns', title: 'Cluster DNS and DNS through policies', layer: 'dns'},
  {area: 'policies', id: 'scan.policies', title: 'Network policies', layer: 'policy'},
  {area: 'nodes', id: 'scan.nodes', title: 'Nodes, CNI and kube-proxy', layer: 'node'},
  {area: 'routing', id: 'scan.routing', title: 'Ingresses and Gateway API routes', layer: 'service'},
] as const

export interface AreaSummary {
  id: string
  title: string
  layer: (typeof AREAS)[number]['layer']
  status: 'pass' | 'warn' | 'fail'
  summary: string
  objects: ObjectRef[]
  details: Record<string, unknown>
}

/** One row per area: its worst counted finding, and how many of each. */
export function areaSummaries(findings: readonly ScanFinding[], scanned: Record<string, number>): AreaSummary[] {
  return AREAS.map(({area, id, title, layer}) => {
    const mine = findings.filter((f) => areaOf(f) === area)
    const counted = mine.filter((f) => !f.ignored)
    const fail = counted.filter((f) => f.severity === 'fail').length
    const warn = counted.filter((f) => f.severity === 'warn').length
    const ignored = mine.length - counted.length
    const what = scanned[area] !== undefined ? `${scanned[area]} ${area === 'dns' ? 'namespace(s)' : area === 'policies' ? 'NetworkPolicy(ies)' : area === 'nodes' ? 'node(s)' : area === 'routing' ? 'Ingress(es) and route(s)' : 'Service(s)'} scanned` : 'scanned'
    const parts = [fail && `${fail} failing`, warn && `${warn} warning`, ignored && `${ignored} ignored`].filter(Boolean)
    const codes = [...new Set(counted.map((f) => f.code))]
    return {
      id,
      title,
      layer,
      status: fail > 0 ? 'fail' : warn > 0 ? 'warn' : 'pass',
      summary: `${what}: ${parts.length ? parts.join(', ') : 'no finding'}${codes.length ? ` (${codes.join(', ')})` : ''}`,
      objects: [],
      details: {scanned: scanned[area] ?? null, fail, warn, ignored, codes},
    }
  })
}
