import {parseResolvConf} from '../../analysis/dns/resolv-conf.js'
import {getentHostsCommand, parseGetentHosts} from '../../analysis/svc/getent.js'
import {DEFAULT_CLUSTER_DOMAIN, clusterDomainFromSearch, judgeResolution, serviceDnsNames, type ResolutionExpectation} from '../../analysis/svc/names.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import type {Check} from '../../engine/types.js'
import {requireService, serviceRef, sliceSummary} from './facts.js'
import type {SvcTarget} from './target.js'

/** From the client, the Service name resolves to its ClusterIP as a short name, NAME.NS and FQDN. */
export const dnsCheck: Check<SvcTarget> = {
  id: 'svc.dns',
  title: 'Service name resolves',
  layer: 'dns',
  dependsOn: ['svc.service'],
  needsProbe: true,
  symptom: true,
  requires: ({namespace, fromPod}) =>
    fromPod
      ? [{verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}]
      : [{verb: 'create', resource: 'pods', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}],
  async run({view, target, probes}) {
    const service = await requireService(view, target)
    const runner = await probes!.source()
    const resolv = await runner.exec(['cat', '/etc/resolv.conf'])
    const search = resolv.exitCode === 0 ? parseResolvConf(resolv.stdout).search : []
    const domain = target.clusterDomain ?? clusterDomainFromSearch(search, target.namespace) ?? DEFAULT_CLUSTER_DOMAIN
    const names = serviceDnsNames(target.name, target.namespace, domain)
    const kind = serviceKind(service)
    let expectation: ResolutionExpectation
    if (kind === 'ExternalName') expectation = {expected: [], cname: service.spec?.externalName}
    else if (kind === 'headless') {
      const slices = await sliceSummary(view, target, service)
      expectation = {expected: [...new Set(slices.ports.flatMap((p) => p.endpoints.filter((e) => e.ready || service.spec?.publishNotReadyAddresses).map((e) => e.address)))]}
    } else expectation = {expected: service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : [])}

    const lookups = []
    for (const [form, name] of [['short', names.short], ['namespaced', names.namespaced], ['fqdn', names.fqdn]] as const) {
      const exec = await runner.exec(getentHostsCommand(name))
      const parsed = parseGetentHosts(exec.stdout, exec.exitCode, exec.stderr)
      if (parsed.outcome === 'missing-tool') {
        return {status: 'error', summary: `getent is not available in the probe image (${runner.description}); use an image with it: --image nicolaka/netshoot`, details: {probeSource: runner.description}}
      }
      const failed = parsed.outcome === 'not-found' ? 'nxdomain' : parsed.outcome === 'error' ? 'error' : undefined
      lookups.push({form, name, command: exec.command, addresses: parsed.addresses, verdict: judgeResolution(parsed.addresses, expectation, exec.timedOut ? 'error' : failed), timedOut: exec.timedOut})
    }
    const details = {probeSource: runner.description, clusterDomain: domain, search, expected: expectation.expected, ...(expectation.cname ? {cname: expectation.cname} : {}), lookups}
    const objects = [serviceRef(target)]
    const bad = lookups.filter((l) => l.verdict !== 'ok')
    if (bad.length === 0) {
      return {
        status: 'pass',
        summary: `${names.short}, ${names.namespaced} and ${names.fqdn} resolve to ${kind === 'ExternalName' ? `the CNAME target ${expectation.cname}` : lookups[2]!.addresses.join(', ')} from ${runner.description}`,
        objects,
        details,
      }
    }
    const first = bad[0]!
    const fqdnBroken = bad.some((l) => l.form === 'fqdn')
    let summary: string
    let remediation: string
    if (first.verdict === 'wrong-address') {
      summary = `${first.name} resolves to ${first.addresses.join(', ')}, not to ${expectation.expected.join(', ')}: a stale cache, a hosts entry or a search domain answers before the Service`
      remediation = `compare: kubectl -n ${target.namespace} exec <client> -- getent hosts ${names.fqdn}; check /etc/hosts and the search list ${search.join(' ')}`
    } else if (fqdnBroken) {
      const empty = kind === 'headless' && expectation.expected.length === 0
      summary = empty
        ? `${names.fqdn} does not resolve: a headless Service without ready endpoints has no DNS records`
        : `${first.name} does not resolve from ${runner.description} (${first.timedOut ? 'timed out' : first.verdict}), even as FQDN ${names.fqdn}: cluster DNS is not answering for this pod`
      remediation = empty ? 'make the backends ready (see svc.endpoints)' : `kubectl netdiag dns -n ${target.fromPodNamespace ?? target.namespace}${target.fromPod ? ` --from-pod ${target.fromPod}` : ''}`
    } else {
      summary = `${bad.map((l) => l.name).join(' and ')} ${bad.length === 1 ? 'does' : 'do'} not resolve but ${names.fqdn} does: the search list (${search.join(' ') || 'empty'}) lacks ${target.namespace}.svc.${domain}`
      remediation = `use ${names.fqdn} in the client, or fix the pod's dnsPolicy/dnsConfig (ClusterFirst gives the search list ${target.namespace}.svc.${domain} svc.${domain} ${domain})`
    }
    return {status: 'fail', summary, objects, details, remediation}
  },
}
