import {parseResolvConf} from '../../analysis/dns/resolv-conf.js'
import {FAMILY_RECORD, familiesToQuery, familyOf, judgeFamilyRecord, serviceFamilies, type FamilyRecordVerdict, type IpFamilyName} from '../../analysis/svc/ip-families.js'
import {getentHostsCommand, parseGetentHosts} from '../../analysis/svc/getent.js'
import {DEFAULT_CLUSTER_DOMAIN, clusterDomainFromSearch, judgeResolution, serviceDnsNames, type ResolutionExpectation} from '../../analysis/svc/names.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import type {Check, CheckResult, ProbeRunner} from '../../engine/types.js'
import type {Service} from '../../cluster/types.js'
import {digCommand, parseDnsLookup} from '../../probes/dns.js'
import {anchorJobAccess} from '../probe-source.js'
import {requireService, serviceRef, sliceSummary} from './facts.js'
import type {SvcTarget} from './target.js'

/** Each getent: long enough for the resolver's own retry (timeout 5s, attempts 2 in glibc's defaults would be 10s). */
const LOOKUP_TIMEOUT_MS = 11_000

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
      : [{verb: 'create', resource: 'pods', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}, ...anchorJobAccess(namespace)],
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

    // In parallel and each bounded: a lookup that hangs (a truncated answer whose TCP retry is dropped) must
    // not hold the others, and the FQDN's answer is what the verdict needs first.
    const forms = [['short', names.short], ['namespaced', names.namespaced], ['fqdn', names.fqdn]] as const
    const execs = await Promise.all(forms.map(([, name]) => runner.exec(getentHostsCommand(name), {timeoutMs: LOOKUP_TIMEOUT_MS})))
    const lookups = []
    for (const [i, [form, name]] of forms.entries()) {
      const exec = execs[i]!
      const parsed = parseGetentHosts(exec.stdout, exec.exitCode, exec.stderr)
      if (parsed.outcome === 'missing-tool') {
        return {status: 'error', summary: `getent is not available in the probe image (${runner.description}); use an image with it: --image nicolaka/netshoot`, details: {probeSource: runner.description}}
      }
      const failed = parsed.outcome === 'not-found' ? 'nxdomain' : parsed.outcome === 'error' ? 'error' : undefined
      lookups.push({form, name, command: exec.command, addresses: parsed.addresses, verdict: judgeResolution(parsed.addresses, expectation, exec.timedOut ? 'error' : failed), timedOut: exec.timedOut})
    }
    const records = kind === 'ExternalName' ? [] : await familyRecords(runner, names.fqdn, service, kind === 'headless' ? expectation.expected : undefined, target.ipFamily)
    const details = {probeSource: runner.description, clusterDomain: domain, search, expected: expectation.expected, ...(expectation.cname ? {cname: expectation.cname} : {}), lookups, ...(records.length ? {records} : {})}
    const objects = [serviceRef(target)]
    const bad = lookups.filter((l) => l.verdict !== 'ok')
    if (bad.length === 0) {
      const badRecord = records.find((r) => r.verdict !== 'ok')
      if (badRecord) return familyRecordFailure(badRecord, names.fqdn, runner.description, details, objects, target)
      const perFamily = records.length ? ` (${records.map((r) => `${r.type} ${r.answers.join(', ')}`).join('; ')})` : ''
      return {
        status: 'pass',
        summary: `${names.short}, ${names.namespaced} and ${names.fqdn} resolve to ${kind === 'ExternalName' ? `the CNAME target ${expectation.cname}` : lookups[2]!.addresses.join(', ')} from ${runner.description}${perFamily}`,
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
    } else if (fqdnBroken && kind === 'ExternalName') {
      return explainExternalName(runner, names.fqdn, expectation.cname!, details, objects, target)
    } else if (fqdnBroken && kind === 'headless' && expectation.expected.length > 0) {
      const truncation = await udpTruncation(runner, names.fqdn)
      if (truncation) return truncatedAnswer(names.fqdn, expectation.expected.length, truncation, {...details, udp: truncation}, objects, target)
      summary = `${first.name} does not resolve from ${runner.description} (${first.timedOut ? 'timed out' : first.verdict}), even as FQDN ${names.fqdn}: cluster DNS is not answering for this pod`
      remediation = `kubectl netdiag dns -n ${target.namespace}${target.fromPod ? ` --from-pod ${target.fromPod}` : ''}`
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

type Details = Record<string, unknown>
type Objects = Array<{kind: string; namespace?: string; name: string}>

interface FamilyRecord {
  family: IpFamilyName
  type: 'A' | 'AAAA'
  command: string
  status: string
  answers: string[]
  expected: string[]
  verdict: FamilyRecordVerdict | 'not-testable'
  excerpt?: string
}

/**
 * getent returns one family (glibc asks AAAA first, then A): a dual-stack Service, or a client of one family
 * (--ip-family), needs each family's record asked for by type. A headless Service's expected addresses are its
 * ready endpoints of that family; a ClusterIP Service's, its ClusterIP of that family (none: the record must be
 * missing, and that is the client's failure).
 */
async function familyRecords(runner: ProbeRunner, fqdn: string, service: Service, headlessAddresses: string[] | undefined, wanted?: IpFamilyName): Promise<FamilyRecord[]> {
  const families = serviceFamilies(service)
  return Promise.all(
    familiesToQuery(families, wanted).map(async (family) => {
      const type = FAMILY_RECORD[family]
      const expected = headlessAddresses ? headlessAddresses.filter((a) => familyOf(a) === family) : families.clusterIps[family] ? [families.clusterIps[family]!] : []
      const exec = await runner.exec(digCommand({name: fqdn, type, search: false}), {timeoutMs: 6000})
      if (exec.exitCode === 127) return {family, type, command: exec.command, status: 'not-testable', answers: [], expected, verdict: 'not-testable' as const}
      const result = parseDnsLookup('dig', exec)
      return {family, type, command: exec.command, status: result.status, answers: result.answers, expected, verdict: judgeFamilyRecord({family, expected, status: result.status, answers: result.answers}), excerpt: result.excerpt}
    }),
  )
}

function familyRecordFailure(r: FamilyRecord, fqdn: string, probe: string, details: Details, objects: Objects, target: SvcTarget): CheckResult {
  if (r.verdict === 'not-testable') {
    return {status: 'warn', summary: `unknown: whether ${fqdn} has its ${r.type} record: the probe image has no dig to ask for it by type (getent returns one family only); --image nicolaka/netshoot would settle it`, objects, details}
  }
  const missing = r.expected.length === 0
  const said = r.verdict === 'failed' ? r.status : r.verdict === 'no-record' ? `NOERROR, no ${r.type} record` : `${r.type} ${r.answers.join(', ')}`
  return {
    status: 'fail',
    summary:
      r.verdict === 'wrong-address' && !missing
        ? `${fqdn} answers ${r.type} ${r.answers.join(', ')} from ${probe}, not its ${r.family} address ${r.expected.join(', ')}`
        : `${fqdn} has no ${r.type} record from ${probe} (${said}): ${r.family} clients get no address for the Service${missing ? `, which has no ${r.family} address (see svc.ip-families)` : `, although its ${r.family} address is ${r.expected.join(', ')}`}`,
    objects,
    details,
    remediation: missing
      ? `kubectl -n ${target.namespace} get service ${target.name} -o jsonpath='{.spec.ipFamilyPolicy} {.spec.ipFamilies}'`
      : `dig ${r.type} ${fqdn} from the client; kubectl netdiag dns -n ${target.fromPodNamespace ?? target.namespace}${target.fromPod ? ` --from-pod ${target.fromPod}` : ''}`,
  }
}

/**
 * An ExternalName Service is a CNAME: when the name does not resolve, ask cluster DNS for the record itself.
 * A CNAME in the answer proves cluster DNS answers and the target is what fails; no answer at all leaves
 * cluster DNS as the suspect.
 */
async function explainExternalName(runner: ProbeRunner, fqdn: string, cname: string, details: Details, objects: Objects, target: SvcTarget): Promise<CheckResult> {
  const [record, targetLookup] = await Promise.all([
    runner.exec(digCommand({name: fqdn, type: 'A', search: false}), {timeoutMs: 6000}),
    runner.exec(getentHostsCommand(cname), {timeoutMs: LOOKUP_TIMEOUT_MS}),
  ])
  const dig = record.exitCode === 127 ? undefined : parseDnsLookup('dig', record)
  const answered = dig?.records.find((r) => r.type === 'CNAME' && r.data.replace(/\.$/, '') === cname.replace(/\.$/, ''))
  const targetResult = parseGetentHosts(targetLookup.stdout, targetLookup.exitCode, targetLookup.stderr)
  const targetFails = targetResult.outcome !== 'resolved'
  const how = targetLookup.timedOut ? 'timed out' : targetResult.outcome === 'not-found' ? 'not found' : 'lookup error'
  const evidence = {...details, cnameQuery: {command: record.command, status: dig?.status, records: dig?.records, excerpt: dig?.excerpt}, targetLookup: {command: targetLookup.command, outcome: targetResult.outcome, timedOut: targetLookup.timedOut}}
  const fix = `point spec.externalName at a name that resolves (kubectl -n ${target.namespace} patch svc ${target.name} -p '{"spec":{"externalName":"NAME"}}'), or make ${cname} resolvable through the Corefile's forward/upstream servers`
  if (answered && targetFails) {
    return {
      status: 'fail',
      summary: `cluster DNS answers ${fqdn} with the CNAME ${cname} (ExternalName), but ${cname} itself does not resolve (${how}) from ${runner.description}: the ExternalName target is what fails`,
      objects,
      details: evidence,
      remediation: fix,
    }
  }
  if (answered) {
    return {
      status: 'fail',
      summary: `cluster DNS answers ${fqdn} with the CNAME ${cname}, and ${cname} resolves on its own, yet the Service name does not resolve through the pod's resolver: compare the search list and ndots (${(details.search as string[]).join(' ')})`,
      objects,
      details: evidence,
      remediation: `kubectl -n ${target.namespace} exec <client> -- getent hosts ${fqdn}`,
    }
  }
  const digSaid = dig ? `${dig.status}${dig.error ? ` (${dig.error})` : ''}` : 'not asked: no dig in the probe image'
  return {
    status: 'fail',
    summary: `${fqdn} (ExternalName for ${cname}) does not resolve from ${runner.description} and cluster DNS returned no CNAME for it (${digSaid})${targetFails ? `; ${cname} does not resolve either (${how})` : ''}: cluster DNS is not answering for this pod`,
    objects,
    details: evidence,
    remediation: `kubectl netdiag dns -n ${target.namespace}${target.fromPod ? ` --from-pod ${target.fromPod}` : ''}`,
  }
}

/** A UDP query that keeps a truncated answer: says whether the records fit a datagram at all. */
async function udpTruncation(runner: ProbeRunner, fqdn: string): Promise<{command: string; records: number} | undefined> {
  const exec = await runner.exec(digCommand({name: fqdn, type: 'A', search: false, keepTruncated: true}), {timeoutMs: 6000})
  if (exec.exitCode === 127) return undefined
  const result = parseDnsLookup('dig', exec)
  return result.truncated ? {command: exec.command, records: result.answers.length} : undefined
}

function truncatedAnswer(fqdn: string, endpoints: number, udp: {command: string; records: number}, details: Details, objects: Objects, target: SvcTarget): CheckResult {
  return {
    status: 'fail',
    summary: `the answer for ${fqdn} (${endpoints} endpoint addresses) does not fit a UDP datagram (truncated, ${udp.records} records in the UDP reply) and the resolver's retry over TCP gets no answer: DNS over TCP to cluster DNS is blocked or broken for this pod`,
    objects,
    details: {...details, explains: ['svc.connect']},
    remediation: `allow egress to kube-dns on 53/TCP as well as 53/UDP (kubectl netdiag dns -n ${target.namespace}${target.fromPod ? ` --from-pod ${target.fromPod}` : ''} names the policy)`,
  }
}
