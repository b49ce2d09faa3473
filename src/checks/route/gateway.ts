import {describeCondition, findCondition, isStale} from '../../analysis/gateway/conditions.js'
import {describeParentRef} from '../../analysis/gateway/route-status.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {combineParents} from './parent-results.js'
import {gatewayRef, parents, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/** Each parentRef names a Gateway that exists, is Accepted and Programmed, with its addresses and listeners. */
export const gatewayCheck: Check<RouteTarget> = {
  id: 'route.gateway',
  title: 'Parent Gateway',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', group: 'gateway.networking.k8s.io', resource: 'gateways', namespace}],
  async run({view, target}) {
    const results = (await parents(view, target)).map((p): CheckResult => {
      const what = describeParentRef(p.ref, target.namespace)
      if (!p.isGateway) return {status: 'warn', summary: `parent ${what} (${p.ref.group}) is not a Gateway: netdiag does not model it, so this parent is unknown`}
      if (p.unknown) return {status: 'warn', summary: `unknown: ${p.unknown}`}
      const ref = gatewayRef(p.namespace, p.ref.name)
      if (!p.gateway) {
        return {
          status: 'fail',
          summary: `Gateway ${p.namespace}/${p.ref.name} does not exist: the route's parentRef points nowhere (Accepted=False NoMatchingParent, or no status at all)`,
          objects: [ref],
          remediation: `kubectl get gateways -A   # then fix spec.parentRefs of ${target.kind} ${target.namespace}/${target.name}`,
        }
      }
      const generation = p.gateway.metadata?.generation
      const accepted = findCondition(p.gateway.status?.conditions, 'Accepted')
      const programmed = findCondition(p.gateway.status?.conditions, 'Programmed')
      const addresses = (p.gateway.status?.addresses ?? []).map((a) => a.value)
      const listeners = (p.gateway.spec?.listeners ?? []).map((l) => `${l.name} ${l.protocol}/${l.port}${l.hostname ? ` ${l.hostname}` : ''}`)
      const details = {gateway: `${p.namespace}/${p.ref.name}`, accepted: accepted ?? null, programmed: programmed ?? null, addresses, listeners}
      const state = `${describeCondition(accepted, 'Accepted')}, ${describeCondition(programmed, 'Programmed')}`
      if (accepted?.status === 'False' || programmed?.status === 'False') {
        return {status: 'fail', summary: `Gateway ${p.namespace}/${p.ref.name}: ${state}`, objects: [ref], details, remediation: `kubectl -n ${p.namespace} describe gateway ${p.ref.name}`}
      }
      if (accepted?.status !== 'True' || programmed?.status !== 'True') {
        return {status: 'warn', summary: `Gateway ${p.namespace}/${p.ref.name} is not reconciled: ${state}; no controller has programmed it`, objects: [ref], details}
      }
      if (isStale(accepted, generation) || isStale(programmed, generation)) {
        return {status: 'warn', summary: `Gateway ${p.namespace}/${p.ref.name}: its conditions describe an older generation than ${generation}: the controller has not caught up`, objects: [ref], details}
      }
      return {
        status: 'pass',
        summary: `Gateway ${p.namespace}/${p.ref.name} is Accepted and Programmed${addresses.length ? ` at ${addresses.join(', ')}` : ', without an address'}; listeners ${listeners.join(', ')}`,
        objects: [ref],
        details,
      }
    })
    return combineParents(results, routeRef(target))
  },
}
