import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/** status.loadBalancer: the address the controller published for the Ingress. */
export const addressCheck: Check<IngressTarget> = {
  id: 'ingress.address',
  title: 'Published address',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', group: 'networking.k8s.io', resource: 'ingresses', namespace}],
  async run({view, target}) {
    const ingress = await requireIngress(view, target)
    const addresses = (ingress.status?.loadBalancer?.ingress ?? []).map((a) => a.ip ?? a.hostname).filter((a): a is string => Boolean(a))
    if (addresses.length === 0) {
      return {
        status: 'warn',
        summary: `Ingress ${target.namespace}/${target.name} has no address in status.loadBalancer: no controller has admitted it, or the controller does not publish status (its Service of type LoadBalancer may lack an external IP)`,
        objects: [ingressRef(target)],
        details: {addresses: []},
        remediation: `kubectl -n ${target.namespace} describe ingress ${target.name}   # Events show whether a controller synced it`,
      }
    }
    return {status: 'pass', summary: `Ingress ${target.namespace}/${target.name} is published at ${addresses.join(', ')}`, objects: [ingressRef(target)], details: {addresses}}
  },
}
