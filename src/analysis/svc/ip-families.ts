// A Service's IP families (spec.ipFamilyPolicy, spec.ipFamilies, spec.clusterIPs) against its endpoints and its
// pods, and against the family a client uses. Semantics from the Kubernetes docs (Concepts > Services > IPv4/IPv6
// dual-stack, https://kubernetes.io/docs/concepts/services-networking/dual-stack/): ipFamilyPolicy defaults to
// SingleStack (the cluster's first service range); ipFamilies[i] is the family of clusterIPs[i]; the
// EndpointSlice controller writes one slice per family the Service has (addressType IPv4/IPv6), with each pod's
// address of that family, so a family whose pods have no such address has no endpoints.
import {ipFamily} from '../cidr.js'
import type {Pod, Service} from '../../cluster/types.js'
import type {EndpointRecord} from './endpoint-slices.js'

export type IpFamilyName = 'IPv4' | 'IPv6'

export const FAMILY_RECORD: Record<IpFamilyName, 'A' | 'AAAA'> = {IPv4: 'A', IPv6: 'AAAA'}

export function familyOf(address: string): IpFamilyName | undefined {
  const f = ipFamily(address)
  return f === 4 ? 'IPv4' : f === 6 ? 'IPv6' : undefined
}

export interface ServiceFamilies {
  /** spec.ipFamilyPolicy as set; SingleStack when unset (the API default). */
  policy: string
  families: IpFamilyName[]
  /** The ClusterIP of each family (none for headless and ExternalName Services). */
  clusterIps: Partial<Record<IpFamilyName, string>>
}

/** The Service's families: spec.ipFamilies, else (objects written before 1.20, trimmed fixtures) its ClusterIPs' families. */
export function serviceFamilies(service: Service): ServiceFamilies {
  const spec = service.spec ?? {}
  const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None')
  const clusterIps: ServiceFamilies['clusterIps'] = {}
  for (const ip of ips) {
    const f = familyOf(ip)
    if (f && !clusterIps[f]) clusterIps[f] = ip
  }
  const declared = (spec.ipFamilies ?? []).filter((f): f is IpFamilyName => f === 'IPv4' || f === 'IPv6')
  const families = declared.length > 0 ? [...new Set(declared)] : (Object.keys(clusterIps) as IpFamilyName[])
  return {policy: spec.ipFamilyPolicy ?? 'SingleStack', families, clusterIps}
}

/** A pod's addresses: status.podIPs, else status.podIP. */
export function podAddressList(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean)
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP)
  return ips
}

/** Ready endpoints per family, counted once per endpoint (a port's list holds each address once). */
export function readyByFamily(endpoints: readonly EndpointRecord[]): Record<IpFamilyName, number> {
  const counts: Record<IpFamilyName, number> = {IPv4: 0, IPv6: 0}
  for (const e of endpoints) {
    const f = familyOf(e.address)
    if (e.ready && f) counts[f]++
  }
  return counts
}

export interface FamilyJudgement {
  status: 'pass' | 'fail'
  summary: string
  remediation?: string
  /** The family at fault: the Service lacks it (`missing`), or has it without ready endpoints (`no-endpoints`). */
  fault?: {family: IpFamilyName; reason: 'missing' | 'no-endpoints'}
}

export interface FamilyInput {
  /** "shop/backend". */
  name: string
  /** The Service's FQDN, for the record a client of the missing family asks for. */
  fqdn: string
  namespace: string
  service: string
  families: ServiceFamilies
  headless: boolean
  /** Ready endpoints per family over the ports in scope (the fewest of any port). */
  ready: Record<IpFamilyName, number>
  /** Whether any endpoint at all is ready: without one, svc.endpoints has the verdict. */
  anyReady: boolean
  /** Families the backend pods have addresses in, and one address of each as evidence. */
  podAddresses: Partial<Record<IpFamilyName, string>>
  /** --ip-family: the family the client uses. */
  wanted?: IpFamilyName
}

const describeFamilies = (f: ServiceFamilies, headless: boolean) =>
  f.families.map((family) => `${family} ${headless ? '' : (f.clusterIps[family] ?? 'no ClusterIP')}`.trim()).join(', ')

/**
 * A client of family F reaches the Service only if the Service has F (a ClusterIP and DNS record of F) and
 * ready endpoints of F. A family the client asked about (--ip-family) that the Service lacks is a failure; so is
 * a family the Service has whose EndpointSlice holds no ready endpoint while another family's does.
 */
export function judgeServiceFamilies(input: FamilyInput): FamilyJudgement {
  const {families, wanted, name} = input
  const stack = `${families.policy} (${describeFamilies(families, input.headless) || 'no families'})`
  if (wanted && !families.families.includes(wanted)) {
    const record = FAMILY_RECORD[wanted]
    const podAddress = input.podAddresses[wanted]
    const pods = podAddress
      ? `its pods have ${wanted} addresses (${podAddress}), but the Service was created ${families.policy === 'SingleStack' ? 'SingleStack' : `with ipFamilies ${families.families.join(', ')}`}`
      : `its pods have no ${wanted} address either: the pod network gives them none`
    return {
      status: 'fail',
      fault: {family: wanted, reason: 'missing'},
      summary: `Service ${name} is ${stack}: it has no ${wanted} ${input.headless ? 'endpoints' : 'ClusterIP'}, so ${input.fqdn} has no ${record} record and ${wanted} clients cannot reach it; ${pods}`,
      remediation: podAddress
        ? `kubectl -n ${input.namespace} patch service ${input.service} -p '{"spec":{"ipFamilyPolicy":"PreferDualStack"}}'   # adds the ${wanted} ClusterIP (the cluster needs a ${wanted} service range; RequireDualStack fails if it has none)`
        : `give the pods ${wanted} addresses (a dual-stack pod network and service range), or have the client use ${families.families.join('/')}`,
    }
  }
  const judged = wanted ? [wanted] : families.families
  const lacking = input.anyReady ? judged.filter((f) => input.ready[f] === 0) : []
  if (lacking.length > 0) {
    const f = lacking[0]!
    const others = families.families.filter((o) => o !== f).map((o) => `${o}: ${input.ready[o]} ready`)
    const podAddress = input.podAddresses[f]
    return {
      status: 'fail',
      fault: {family: f, reason: 'no-endpoints'},
      summary: `Service ${name} is ${stack}, but its ${f} ${input.headless ? 'name' : `ClusterIP ${families.clusterIps[f]}`} has no ready ${f} endpoint${others.length ? ` (${others.join(', ')})` : ''}: ${f} clients ${input.headless ? `get no ${FAMILY_RECORD[f]} record` : 'are refused'}; ${podAddress ? `its pods have ${f} addresses (${podAddress}) that the ${f} EndpointSlice does not list` : `its pods have no ${f} address`}`,
      remediation: podAddress
        ? `kubectl -n ${input.namespace} get endpointslices -l kubernetes.io/service-name=${input.service} -o wide   # the ${f} slice; kube-controller-manager writes it`
        : `give the pods ${f} addresses (dual-stack pod network), or make the Service SingleStack ${families.families.find((o) => o !== f) ?? ''}`.trim(),
    }
  }
  const counts = input.anyReady ? families.families.map((f) => `${input.ready[f]} ready ${f} endpoint(s)`).join(', ') : ''
  const unused = (['IPv4', 'IPv6'] as const).filter((f) => !families.families.includes(f) && input.podAddresses[f])
  const note = unused.length && !wanted ? `; its pods also have ${unused.join('/')} addresses, which it does not serve (${unused.map((f) => FAMILY_RECORD[f]).join('/')} lookups of ${input.fqdn} get no answer; --ip-family ${unused[0]} diagnoses such clients)` : ''
  return {status: 'pass', summary: `Service ${name} is ${stack}${counts ? `: ${counts}` : ''}${note}`}
}

export interface FamilyRecordLookup {
  family: IpFamilyName
  /** What the answer must include: the family's ClusterIP, or a headless Service's ready endpoints of the family. */
  expected: string[]
  status: string
  answers: string[]
}

export type FamilyRecordVerdict = 'ok' | 'no-record' | 'wrong-address' | 'failed'

/** One A or AAAA query of the Service's FQDN against what its family should answer. */
export function judgeFamilyRecord(l: FamilyRecordLookup): FamilyRecordVerdict {
  if (l.status !== 'NOERROR') return 'failed'
  if (l.answers.length === 0) return 'no-record'
  if (l.expected.length === 0) return 'wrong-address'
  return l.answers.some((a) => l.expected.includes(a)) ? 'ok' : 'wrong-address'
}

/** The families whose record svc.dns asks for: the client's, else every family of a dual-stack Service (one family is what getent proves). */
export function familiesToQuery(families: ServiceFamilies, wanted?: IpFamilyName): IpFamilyName[] {
  if (wanted) return [wanted]
  return families.families.length > 1 ? families.families : []
}
