// From the results of the checks scan reuses (the svc, dns and node runbooks) to findings with catalogue codes:
// the same judgement and the same objects as `svc`/`dns`/`node` name, so a sweep never disagrees with them.
import type {ObjectRef} from '../../cluster/types.js'
import {catalogueEntry, type Severity} from './catalogue.js'

export interface ScanFinding {
  code: string
  severity: Severity
  title: string
  /** The object the finding is about (findings are grouped by it). */
  object: ObjectRef
  /** Every object involved, as the check names them. */
  objects: ObjectRef[]
  summary: string
  evidence: Record<string, unknown>
  fix?: string
  /** The check that proved it (svc.selector...), or scan.policies for scan's own analysis. */
  checkId: string
  /** services, dns, policies or nodes: the report row (checks[].id scan.AREA) it counts in; set by the scan. */
  area?: string
  /** Accepted by --ignore or the config file: reported, never counted. */
  ignored?: boolean
}

/** What the mapper reads of a check result. */
export interface OutcomeLike {
  id: string
  status: 'pass' | 'warn' | 'fail' | 'skip' | 'error'
  summary: string
  objects?: ObjectRef[]
  details?: Record<string, unknown>
  remediation?: string
}

export class UncataloguedError extends Error {}

export function makeFinding(code: string, severity: Severity, parts: Omit<ScanFinding, 'code' | 'severity' | 'title' | 'objects' | 'evidence'> & {objects?: ObjectRef[]; evidence?: Record<string, unknown>}): ScanFinding {
  const entry = catalogueEntry(code)
  if (!entry) throw new UncataloguedError(`finding code ${code} has no catalogue entry`)
  if (!entry.severities.includes(severity)) throw new UncataloguedError(`finding code ${code} is documented as ${entry.severities.join('/')}, not ${severity}`)
  return {
    code,
    severity,
    title: entry.title,
    object: parts.object,
    objects: parts.objects?.length ? parts.objects : [parts.object],
    summary: parts.summary,
    evidence: parts.evidence ?? {},
    ...(parts.fix ? {fix: parts.fix} : {}),
    checkId: parts.checkId,
  }
}

const SVC_TYPE_CODES: Record<string, string> = {
  'externalname.empty': 'svc-externalname-invalid',
  'externalname.ip': 'svc-externalname-invalid',
  'headless.publish-not-ready': 'svc-headless-publish-not-ready',
  'headless.statefulset-service-name': 'svc-statefulset-service-name',
  'selectorless.no-endpoints': 'svc-selectorless-no-endpoints',
  'nodeport.range': 'svc-nodeport-range',
  'loadbalancer.pending': 'svc-loadbalancer-pending',
  'traffic-policy.internal-local': 'svc-traffic-policy-local',
  'traffic-policy.external-local': 'svc-traffic-policy-local',
}

/** One code per check whose whole result is one finding. */
const CHECK_CODES: Record<string, string> = {
  'svc.ip-families': 'svc-ip-family-no-endpoints',
  'dns.pods': 'dns-server-unhealthy',
  'dns.service': 'dns-service-broken',
  'dns.endpoints': 'dns-endpoints-missing',
  'dns.corefile': 'dns-corefile-problem',
  'dns.logs': 'dns-log-errors',
  'dns.nodelocal': 'dns-nodelocal-problem',
  'dns.pod-config': 'dns-pod-config-problem',
  'dns.policy-enforcement': 'policy-not-enforced',
  'node.ready': 'node-not-ready',
  'node.cni': 'node-cni-problem',
  'node.kube-proxy': 'node-kube-proxy-missing',
  'node.cidrs': 'node-cidr-problem',
  'node.ipam': 'node-ipam-exhausted',
  'node.sandbox-errors': 'node-sandbox-errors',
  'ingress.class': 'ingress-class-problem',
  'ingress.controller': 'ingress-controller-missing',
  'ingress.address': 'ingress-no-address',
  'ingress.rule': 'ingress-rule-problem',
  'ingress.annotations': 'ingress-annotation-problem',
  'ingress.tls': 'ingress-tls-problem',
  'ingress.tls.secret': 'ingress-tls-problem',
  'route.gateway-class': 'route-gateway-class-problem',
  'route.gateway': 'route-gateway-problem',
  'route.controller': 'route-controller-missing',
  'route.attach': 'route-not-attached',
  'route.status': 'route-not-accepted',
  'route.match': 'route-match-problem',
  'route.backend-refs': 'route-backend-refs-problem',
}

/** Every check id the mapper knows: a sweep that runs another one is a bug the unit tests catch. */
export const MAPPED_CHECKS = new Set(['svc.service', 'svc.type', 'svc.selector', 'svc.ports', 'svc.endpoints', 'dns.policy', ...Object.keys(CHECK_CODES)])

/**
 * The findings one check result makes about `subject` (a Service, a Namespace, the cluster DNS Service, a node).
 * pass and skip make none; an unknown (details.unknown) is `unknown-missing-data`, never the failure it could hide.
 */
export function findingsFromOutcome(outcome: OutcomeLike, subject: ObjectRef): ScanFinding[] {
  if (outcome.status === 'pass' || outcome.status === 'skip') return []
  const base = {object: subject, objects: outcome.objects ?? [], summary: outcome.summary, evidence: outcome.details ?? {}, checkId: outcome.id, ...(outcome.remediation ? {fix: outcome.remediation} : {})}
  if (outcome.status === 'error') return [makeFinding('check-error', 'fail', base)]
  const severity: Severity = outcome.status
  const details = outcome.details ?? {}
  // details.unknown from unknownWithout; "unknown offline: ..." from checks that only a live run can settle.
  if (details.unknown || (severity === 'warn' && outcome.id !== 'dns.policy' && /^unknown\b/.test(outcome.summary))) return [makeFinding('unknown-missing-data', 'warn', base)]
  if (!MAPPED_CHECKS.has(outcome.id)) throw new UncataloguedError(`no finding code for check ${outcome.id}`)
  switch (outcome.id) {
    case 'svc.service':
      return [makeFinding('check-error', 'fail', base)]
    case 'svc.selector':
      return [makeFinding(details.nearest ? 'svc-selector-no-match' : 'svc-pods-not-running', severity, base)]
    case 'svc.ports':
      if (severity === 'warn') return [makeFinding('svc-targetport-undeclared', 'warn', base)]
      return [makeFinding(details.ports ? 'svc-targetport-unresolved' : 'svc-no-ports', 'fail', base)]
    case 'svc.endpoints':
      if (details.publishNotReadyAddresses) return [makeFinding('svc-publish-not-ready', severity, base)]
      return [makeFinding(severity === 'fail' ? 'svc-no-ready-endpoints' : 'svc-endpoints-not-ready', severity, base)]
    case 'svc.type': {
      const inner = (Array.isArray(details.findings) ? details.findings : []) as Array<{status: string; code: string; message: string}>
      const bad = inner.filter((f) => f.status === severity)
      if (bad.length === 0) return [makeFinding('svc-type-problem', severity, base)]
      return bad.map((f) => makeFinding(SVC_TYPE_CODES[f.code] ?? 'svc-type-problem', severity, {...base, summary: f.message, evidence: {...base.evidence, typeCode: f.code}}))
    }
    case 'dns.policy': {
      if (severity === 'fail' || /decorative/.test(outcome.summary)) return [makeFinding('dns-egress-blocked', severity, base)]
      if (/^unknown:/.test(outcome.summary)) return [makeFinding('dns-policy-unknown', 'warn', base)]
      return [makeFinding('policy-not-enforced', 'warn', base)]
    }
  }
  const code = CHECK_CODES[outcome.id]!
  const nodes = details.nodes as Record<string, {status?: string; findings?: Array<{status: string; code: string; message: string}>}> | undefined
  if (outcome.id.startsWith('node.') && nodes && typeof nodes === 'object') {
    // One finding per node and inner problem, so --ignore and JUnit can name the node.
    const perNode = Object.entries(nodes).flatMap(([node, result]) =>
      (result.findings ?? [])
        .filter((f) => f.status === 'fail' || f.status === 'warn')
        .map((f) => makeFinding(code, f.status as Severity, {...base, object: {kind: 'Node', name: node}, objects: [{kind: 'Node', name: node}], summary: `node ${node}: ${f.message}`, evidence: {nodeCode: f.code}})),
    )
    if (perNode.length > 0) return perNode
  }
  return [makeFinding(code, severity, base)]
}
