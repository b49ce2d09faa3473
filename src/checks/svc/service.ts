import {rankCandidates} from '../../analysis/label-difference.js'
import {DEFAULT_CLUSTER_DOMAIN} from '../../analysis/svc/names.js'
import {describeServicePort} from '../../analysis/svc/service-ports.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import type {Service} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {serviceOf, serviceRef} from './facts.js'
import type {SvcTarget} from './target.js'

/** The Service exists in the namespace; if not, where a Service of that name does exist, and how to address it. */
export const serviceCheck: Check<SvcTarget> = {
  id: 'svc.service',
  title: 'Service exists',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', resource: 'services', namespace}],
  async run({view, target}) {
    const service = await serviceOf(view, target)
    const ref = serviceRef(target)
    const name = `${target.namespace}/${target.name}`
    if (service) {
      const ports = (service.spec?.ports ?? []).map(describeServicePort)
      const kind = serviceKind(service)
      const address = kind === 'ExternalName' ? `CNAME to ${service.spec?.externalName}` : kind === 'headless' ? 'headless (no ClusterIP)' : `ClusterIP ${service.spec?.clusterIP}`
      return {
        status: 'pass',
        summary: `Service ${name} exists: ${address.startsWith(kind) ? address : `${kind}, ${address}`}${ports.length ? `, ports ${ports.join(', ')}` : ', no ports'}`,
        objects: [ref],
        details: {type: service.spec?.type ?? 'ClusterIP', clusterIP: service.spec?.clusterIP, clusterIPs: service.spec?.clusterIPs, ports, selector: service.spec?.selector ?? null},
      }
    }
    const [elsewhere, here] = await Promise.all([
      view.listServices(undefined, {fieldSelector: `metadata.name=${target.name}`}).then(
        (list) => list.filter((s) => s.metadata?.namespace !== target.namespace),
        () => undefined,
      ),
      view.listServices(target.namespace).catch(() => undefined),
    ])
    const domain = target.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN
    if (elsewhere && elsewhere.length > 0) {
      const namespaces = elsewhere.map((s) => s.metadata?.namespace ?? '').sort()
      const first = namespaces[0]
      return {
        status: 'fail',
        summary: `Service ${name} does not exist, but ${namespaces.map((ns) => `${ns}/${target.name}`).join(', ')} does: from ${target.namespace}, address it as ${target.name}.${first} (${target.name}.${first}.svc.${domain}); the short name ${target.name} only resolves inside ${first}`,
        objects: [ref, ...elsewhere.map((s) => ({kind: 'Service', namespace: s.metadata?.namespace ?? '', name: target.name}))],
        details: {namespaces, addresses: namespaces.map((ns) => `${target.name}.${ns}.svc.${domain}`)},
        remediation: `point the client at ${target.name}.${first} (or ${target.name}.${first}.svc.${domain}), or diagnose that one: kubectl netdiag svc ${target.name} -n ${first}`,
      }
    }
    const similar = here ? nearestNames(target.name, here) : []
    return {
      status: 'fail',
      summary: `Service ${name} does not exist${elsewhere ? ' in any namespace' : ' (other namespaces could not be searched)'}${similar.length ? `; Services in ${target.namespace} with similar names: ${similar.join(', ')}` : ''}`,
      objects: [ref],
      details: {similar, searchedAllNamespaces: elsewhere !== undefined},
      remediation: similar.length ? `check the name the client uses: kubectl -n ${target.namespace} get service ${similar[0]}` : `list the Services: kubectl get services -A | grep ${target.name}`,
    }
  },
}

// Edit-distance ranking of names, reusing the label ranking (a name is a one-label candidate).
function nearestNames(name: string, services: Service[]): string[] {
  const candidates = services.map((s) => ({name: s.metadata?.name ?? '', labels: {name: s.metadata?.name ?? ''}}))
  return rankCandidates({matchLabels: {name}}, candidates, {limit: 3, minScore: 0.7}).map((d) => d.candidate.name)
}
