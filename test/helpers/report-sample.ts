import {buildReport, type Report} from '../../src/report/report.js'

/** A dns report with one check of each status but error, as the renderers' tests use it. */
export function sampleReport(overrides: Partial<Parameters<typeof buildReport>[0]> = {}): Report {
  return buildReport({
    command: 'dns',
    target: {namespace: 'shop'},
    source: 'live',
    cluster: {context: 'prod', server: 'https://10.0.0.1:6443', version: 'v1.32.4'},
    probe: {description: 'debug pod shop/netdiag-1a2b-x on node-1'},
    startedAt: '2026-11-23T01:00:00.000Z',
    durationMs: 4210,
    status: 'fail',
    checks: [
      {id: 'dns.pods', title: 'CoreDNS pods', layer: 'dns', status: 'pass', summary: '2/2 CoreDNS pods ready, 0 restarts', durationMs: 41},
      {
        id: 'dns.policy',
        title: 'NetworkPolicy vs DNS',
        layer: 'policy',
        status: 'fail',
        summary: 'NetworkPolicy shop/default-deny blocks egress 53/UDP and 53/TCP from shop to kube-system/kube-dns',
        objects: [{kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny'}],
        remediation: 'kubectl apply -f allow-dns.yaml',
        durationMs: 3,
      },
      {id: 'dns.probe.internal', title: 'Internal lookup', layer: 'dns', status: 'skip', summary: 'skipped: prerequisite dns.probe.source could not run', skippedBecause: 'dns.probe.source', durationMs: 0},
      {id: 'dns.probe.latency', title: 'Search expansion', layer: 'dns', status: 'warn', summary: 'ndots:5 makes one external lookup cost 10 queries', durationMs: 2},
    ],
    diagnosis: {rootCause: {checkId: 'dns.policy', summary: 'NetworkPolicy shop/default-deny blocks egress', objects: [{kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny'}], remediation: 'kubectl apply -f allow-dns.yaml'}, findings: ['dns.policy', 'dns.probe.latency']},
    ...overrides,
  })
}
