import {attachToGateway} from '../../analysis/gateway/attach.js'
import {namespaceLabels} from '../../analysis/network-policy.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {combineParents} from './parent-results.js'
import {gatewayRef, parents, requireRoute, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/** Whether the route may attach, from the objects: sectionName/port, allowedRoutes namespaces and kinds, hostnames. */
export const attachCheck: Check<RouteTarget> = {
  id: 'route.attach',
  title: 'Listeners allow the route',
  layer: 'service',
  dependsOn: ['route.gateway'],
  requires: ({namespace}) => [{verb: 'get', resource: 'namespaces'}, {verb: 'get', group: 'gateway.networking.k8s.io', resource: 'gateways', namespace}],
  async run({view, target}) {
    const [route, list, namespace] = await Promise.all([requireRoute(view, target), parents(view, target), view.getNamespace(target.namespace)])
    const labels = namespace ? namespaceLabels(namespace) : namespaceLabels(target.namespace)
    const results = list.map((p): CheckResult => {
      if (!p.gateway) return {status: 'skip', skippedBecause: 'not-applicable', summary: `no Gateway ${p.namespace}/${p.ref.name} to attach to`}
      const a = attachToGateway(p.gateway, p.ref, {kind: target.kind, namespace: target.namespace, namespaceLabels: labels, ...(route.spec?.hostnames ? {hostnames: route.spec.hostnames} : {})})
      const objects = [gatewayRef(p.namespace, p.ref.name)]
      const details = {gateway: `${p.namespace}/${p.ref.name}`, outcome: a.outcome, reason: a.reason ?? null, listeners: a.listeners}
      if (a.outcome === 'attached') return {status: 'pass', summary: a.message, objects, details}
      if (a.outcome === 'unknown') return {status: 'warn', summary: a.message, objects, details}
      const remediation =
        a.reason === 'NotAllowedByListeners'
          ? `allow namespace ${target.namespace} on the listener (allowedRoutes.namespaces.from: All, or a Selector matching its labels): kubectl -n ${p.namespace} edit gateway ${p.ref.name}`
          : a.reason === 'NoMatchingListenerHostname'
            ? `make spec.hostnames of the route intersect a listener hostname (kubectl -n ${target.namespace} edit ${target.kind.toLowerCase()} ${target.name})`
            : `fix sectionName/port of the parentRef to name a listener of Gateway ${p.namespace}/${p.ref.name}`
      return {status: 'fail', summary: `${a.reason}: ${a.message}`, objects, details, remediation}
    })
    return combineParents(results, routeRef(target))
  },
}
