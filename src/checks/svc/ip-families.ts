import {familyOf, judgeServiceFamilies, podAddressList, readyByFamily, serviceFamilies, type IpFamilyName} from '../../analysis/svc/ip-families.js'
import {DEFAULT_CLUSTER_DOMAIN, serviceDnsNames} from '../../analysis/svc/names.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import type {Check} from '../../engine/types.js'
import {requireService, selectedPods, serviceRef, sliceSummary, slicesAndPodsAccess} from './facts.js'
import type {SvcTarget} from './target.js'

/** ipFamilyPolicy and ipFamilies against the client's family (--ip-family) and each family's ready endpoints. */
export const ipFamiliesCheck: Check<SvcTarget> = {
  id: 'svc.ip-families',
  title: 'IP families',
  layer: 'service',
  dependsOn: ['svc.service'],
  requires: slicesAndPodsAccess,
  async run({view, target}) {
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    const kind = serviceKind(service)
    if (kind === 'ExternalName') return {status: 'skip', skippedBecause: 'not-applicable', summary: 'ExternalName Service: a CNAME has no IP family of its own', objects: [ref]}
    const families = serviceFamilies(service)
    const lacksSlices = view.lacks?.('EndpointSlice', target.namespace) !== undefined
    const [slices, pods] = await Promise.all([lacksSlices ? undefined : sliceSummary(view, target, service), selectedPods(view, target, service)])
    const ready: Record<IpFamilyName, number> = {IPv4: Infinity, IPv6: Infinity}
    for (const port of slices?.ports ?? []) {
      const counts = readyByFamily(port.endpoints)
      for (const f of ['IPv4', 'IPv6'] as const) ready[f] = Math.min(ready[f], counts[f])
    }
    for (const f of ['IPv4', 'IPv6'] as const) if (ready[f] === Infinity) ready[f] = 0
    const anyReady = (slices?.ports ?? []).some((p) => p.endpoints.some((e) => e.ready))
    const podAddresses: Partial<Record<IpFamilyName, string>> = {}
    for (const pod of pods) {
      for (const ip of podAddressList(pod)) {
        const f = familyOf(ip)
        if (f) podAddresses[f] ??= ip
      }
    }
    const judgement = judgeServiceFamilies({
      name: `${target.namespace}/${target.name}`,
      fqdn: serviceDnsNames(target.name, target.namespace, target.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).fqdn,
      namespace: target.namespace,
      service: target.name,
      families,
      headless: kind === 'headless',
      ready,
      anyReady,
      podAddresses,
      ...(target.ipFamily ? {wanted: target.ipFamily} : {}),
    })
    const details = {
      ipFamilyPolicy: families.policy,
      ipFamilies: families.families,
      clusterIPs: families.clusterIps,
      ...(slices ? {readyEndpoints: Object.fromEntries(families.families.map((f) => [f, ready[f]])), addressTypes: slices.addressTypes} : {}),
      podAddressFamilies: Object.keys(podAddresses).sort(),
      ...(target.ipFamily ? {clientFamily: target.ipFamily} : {}),
      ...(judgement.status === 'fail' ? {explains: ['svc.dns', 'svc.connect']} : {}),
    }
    const objects = [ref, ...(judgement.fault?.reason === 'no-endpoints' && slices ? slices.slices.map((s) => ({kind: 'EndpointSlice', namespace: target.namespace, name: s})) : [])]
    return {status: judgement.status, summary: judgement.summary, objects, details, ...(judgement.remediation ? {remediation: judgement.remediation} : {})}
  },
}
