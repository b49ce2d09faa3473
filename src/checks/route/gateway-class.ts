import {describeCondition, findCondition} from '../../analysis/gateway/conditions.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {combineParents} from './parent-results.js'
import {GATEWAY_API_VERSION, parents, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/** Each parent Gateway's GatewayClass exists and a controller has Accepted it. */
export const gatewayClassCheck: Check<RouteTarget> = {
  id: 'route.gateway-class',
  title: 'GatewayClass accepted',
  layer: 'service',
  requires: ({namespace}) => [
    {verb: 'get', group: 'gateway.networking.k8s.io', resource: 'gateways', namespace},
    {verb: 'get', group: 'gateway.networking.k8s.io', resource: 'gatewayclasses'},
  ],
  async run({view, target}) {
    const results = (await parents(view, target)).map((p): CheckResult => {
      if (p.unknown) return {status: 'warn', summary: `unknown: ${p.unknown}`}
      if (!p.gateway) return {status: 'skip', skippedBecause: 'not-applicable', summary: `no Gateway ${p.namespace}/${p.ref.name} (see route.gateway)`}
      const className = p.gateway.spec?.gatewayClassName ?? ''
      const ref = {kind: 'GatewayClass', name: className, apiVersion: GATEWAY_API_VERSION}
      if (!p.gatewayClass) {
        return {
          status: 'fail',
          summary: `Gateway ${p.namespace}/${p.ref.name} names GatewayClass ${className}, which does not exist: no controller programs it`,
          objects: [ref],
          remediation: 'kubectl get gatewayclasses   # then set spec.gatewayClassName of the Gateway to one that exists and is Accepted',
        }
      }
      const accepted = findCondition(p.gatewayClass.status?.conditions, 'Accepted')
      const controller = p.gatewayClass.spec?.controllerName
      const details = {gatewayClass: className, controllerName: controller, accepted: accepted ?? null}
      if (accepted?.status === 'True') return {status: 'pass', summary: `GatewayClass ${className} is Accepted by ${controller}`, objects: [ref], details}
      if (accepted?.status === 'False') {
        return {status: 'fail', summary: `GatewayClass ${className} is not accepted: ${describeCondition(accepted, 'Accepted')}`, objects: [ref], details, remediation: `kubectl describe gatewayclass ${className}`}
      }
      return {
        status: 'warn',
        summary: `GatewayClass ${className} (controller ${controller}) has ${accepted ? `Accepted=${accepted.status}` : 'no Accepted condition'}: no controller for ${controller} has reconciled it (is one running?)`,
        objects: [ref],
        details,
      }
    })
    return combineParents(results, routeRef(target))
  },
}
