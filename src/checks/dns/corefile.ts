import {parseCorefile} from '../../analysis/dns/corefile.js'
import {lintCorefile} from '../../analysis/dns/corefile-lint.js'
import type {Check} from '../../engine/types.js'
import {clusterDomainOf, corefileConfigMap, dnsPods} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** Lints the Corefile: kubernetes plugin and zone, loops to loopback upstreams, missing loop/cache/health/ready. */
export const corefileCheck: Check<DnsTarget> = {
  id: 'dns.corefile',
  title: 'Corefile',
  layer: 'dns',
  requires: () => [{verb: 'get', resource: 'configmaps', namespace: DNS_NAMESPACE}],
  async run({view, target}) {
    const unknown = unknownWithout(view, [{kind: 'ConfigMap', namespace: DNS_NAMESPACE}], 'what the Corefile says')
    if (unknown) return unknown
    const configMap = await corefileConfigMap(view)
    const ref = {kind: 'ConfigMap', namespace: DNS_NAMESPACE, name: 'coredns'}
    const text = configMap?.data?.Corefile
    if (!configMap || text === undefined) {
      const pods = await dnsPods(view)
      const images = pods.flatMap((p) => p.spec?.containers ?? []).map((c) => c.image ?? '')
      if (images.some((i) => /k8s-dns-kube-dns|kubedns/.test(i))) {
        return {status: 'skip', summary: 'cluster DNS is kube-dns, which has no Corefile', skippedBecause: 'not-applicable'}
      }
      return {status: configMap ? 'fail' : 'warn', summary: configMap ? 'ConfigMap kube-system/coredns has no Corefile key: CoreDNS cannot start' : 'ConfigMap kube-system/coredns not found: cannot lint the Corefile', objects: [ref]}
    }
    const parsed = parseCorefile(text)
    const clusterDomain = await clusterDomainOf(view, target.clusterDomain)
    const pods = await dnsPods(view)
    const version = pods.flatMap((p) => p.spec?.containers ?? []).map((c) => /:v?(\d+\.\d+\.\d+)/.exec(c.image ?? '')?.[1]).find(Boolean)
    const findings = [
      ...parsed.errors.map((e) => ({severity: 'fail' as const, code: 'syntax', line: e.line, message: e.message, remediation: 'fix the Corefile syntax; CoreDNS refuses to start with it'})),
      ...lintCorefile(parsed, {clusterDomain, corednsVersion: version}),
    ]
    const worst = findings.find((f) => f.severity === 'fail') ?? findings.find((f) => f.severity === 'warn')
    const details = {clusterDomain, corednsVersion: version, servers: parsed.servers.map((s) => s.keys.map((k) => k.raw).join(' ')), findings}
    if (!worst) {
      return {status: 'pass', summary: `Corefile serves ${details.servers.join('; ')} with the kubernetes plugin for ${clusterDomain}${findings.length ? ` (${findings.length} note(s))` : ''}`, objects: [ref], details}
    }
    const others = findings.filter((f) => f !== worst && f.severity !== 'info').length
    // CoreDNS exits at start on a Corefile it cannot load: with pods restarting, this is why they crash.
    const unloadable = findings.some((f) => f.severity === 'fail' && (f.code === 'syntax' || /-removed$/.test(f.code)))
    const crashing = pods.some((p) => (p.status?.containerStatuses ?? []).some((c) => (c.restartCount ?? 0) > 0 || c.state?.waiting?.reason === 'CrashLoopBackOff'))
    return {
      status: worst.severity === 'fail' ? 'fail' : 'warn',
      summary: `Corefile line ${worst.line}: ${worst.message}${others ? ` (+${others} more)` : ''}${unloadable && crashing ? ': the CoreDNS pods crash because they cannot load it' : ''}`,
      objects: [ref],
      details: unloadable && crashing ? {...details, explains: ['dns.pods', 'dns.endpoints', 'dns.service', 'dns.logs']} : details,
      remediation: withEditCommand(worst.remediation),
    }
  },
}

/** The edit command goes on the first line, so a snippet on the lines below stays pasteable as it is. */
function withEditCommand(remediation: string): string {
  const [first, ...snippet] = remediation.split('\n')
  return [`${first} (kubectl -n ${DNS_NAMESPACE} edit configmap coredns)`, ...snippet].join('\n')
}
