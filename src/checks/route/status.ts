import {attachToGateway} from '../../analysis/gateway/attach.js'
import {describeCondition, findCondition, isStale} from '../../analysis/gateway/conditions.js'
import {describeParentRef, parentStatuses, ROUTE_REASONS} from '../../analysis/gateway/route-status.js'
import {namespaceLabels} from '../../analysis/network-policy.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {combineParents} from './parent-results.js'
import {gatewayRef, parents, requireRoute, routeController, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/**
 * What the controller wrote in status.parents: Accepted and ResolvedRefs with their standard reasons. Status
 * written for an older generation, or by a controller that is not running now, is stale; a status that
 * contradicts route.attach is itself a finding.
 */
export const statusCheck: Check<RouteTarget> = {
  id: 'route.status',
  title: 'Route status',
  layer: 'service',
  dependsOn: ['route.gateway'],
  requires: ({namespace, kind}) => [{verb: 'get', group: 'gateway.networking.k8s.io', resource: `${kind.toLowerCase()}s`, namespace}, {verb: 'list', resource: 'pods'}],
  async run({view, target: t}) {
    const [route, list, controller, namespace] = await Promise.all([requireRoute(view, t), parents(view, t), routeController(view, t), view.getNamespace(t.namespace)])
    const generation = route.metadata?.generation
    const running = controller.pods?.ready.length ? true : controller.known ? false : undefined
    const results = list.map((p): CheckResult => {
      const what = describeParentRef(p.ref, t.namespace)
      const objects = p.isGateway ? [gatewayRef(p.namespace, p.ref.name)] : []
      const entries = parentStatuses(route, p.ref)
      if (entries.length === 0) {
        return {
          status: 'warn',
          summary: `no controller has written status for parent ${what}: the route is not reconciled${controller.controllerName ? ` (is ${controller.controllerName} running? see route.controller)` : ''}`,
          objects,
          details: {parent: what, entries: []},
        }
      }
      const entry = entries[0]!
      const accepted = findCondition(entry.conditions, 'Accepted')
      const resolved = findCondition(entry.conditions, 'ResolvedRefs')
      const details = {parent: what, controllerName: entry.controllerName, accepted: accepted ?? null, resolvedRefs: resolved ?? null}
      const meaning = (c: typeof accepted) => (c?.reason && ROUTE_REASONS[c.reason] ? ` — ${ROUTE_REASONS[c.reason]}` : '')
      const stale: string[] = []
      if (isStale(accepted, generation) || isStale(resolved, generation)) stale.push(`written for an older generation than ${generation}`)
      if (running === false && entry.controllerName === controller.controllerName) stale.push(`written by ${entry.controllerName}, which is not running now`)
      const staleText = stale.length ? ` (stale: ${stale.join('; ')})` : ''
      if (accepted?.status === 'False' || resolved?.status === 'False') {
        const bad = accepted?.status === 'False' ? accepted : resolved
        return {
          status: stale.length ? 'warn' : 'fail',
          summary: `${t.kind} ${t.namespace}/${t.name} on ${what}: ${describeCondition(bad, bad === accepted ? 'Accepted' : 'ResolvedRefs')}${meaning(bad)}${staleText}`,
          objects,
          details,
          remediation: `kubectl -n ${t.namespace} get ${t.kind.toLowerCase()} ${t.name} -o jsonpath='{.status.parents}'`,
        }
      }
      if (accepted?.status === 'True' && p.gateway) {
        const ours = attachToGateway(p.gateway, p.ref, {kind: t.kind, namespace: t.namespace, namespaceLabels: namespace ? namespaceLabels(namespace) : namespaceLabels(t.namespace), ...(route.spec?.hostnames ? {hostnames: route.spec.hostnames} : {})})
        if (ours.outcome === 'not-attached') {
          return {status: 'warn', summary: `contradiction: ${entry.controllerName} reports Accepted=True on ${what}, but the objects say ${ours.reason} (${ours.message})${staleText}`, objects, details}
        }
      }
      if (stale.length) return {status: 'warn', summary: `status on ${what} says ${describeCondition(accepted, 'Accepted')}, ${describeCondition(resolved, 'ResolvedRefs')}, but it is stale: ${stale.join('; ')}`, objects, details}
      if (accepted?.status !== 'True') return {status: 'warn', summary: `on ${what}: ${describeCondition(accepted, 'Accepted')}${meaning(accepted)}`, objects, details}
      return {status: 'pass', summary: `${entry.controllerName} reports Accepted=True, ${describeCondition(resolved, 'ResolvedRefs')} on ${what}`, objects, details}
    })
    return combineParents(results, routeRef(t))
  },
}
