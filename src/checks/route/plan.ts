import type {Check} from '../../engine/types.js'
import {backendChecks} from '../backends.js'
import {attachCheck} from './attach.js'
import {backendRefsCheck} from './backend-refs.js'
import {routeControllerCheck} from './controller.js'
import {routeBackends} from './facts.js'
import {gatewayCheck} from './gateway.js'
import {gatewayClassCheck} from './gateway-class.js'
import {matchCheck} from './match.js'
import {routePolicyCheck} from './policy.js'
import {routeProbeAgreementCheck} from './probe-agreement.js'
import {routeProbeHttpCheck} from './probe-http.js'
import {routeProbeSourceCheck} from './probe-source.js'
import {statusCheck} from './status.js'
import type {RouteTarget} from './target.js'

/**
 * `kubectl netdiag route`: the GatewayClass before the Gateway (a class nobody accepts explains a Gateway nobody
 * programs), the listeners before the status that reports on them, then the rule, the backendRefs and the
 * backend Services (the svc checks), then policy from the controller; then, live, the request itself and
 * whether it agrees with all of that.
 */
export function routePlan(): Check<RouteTarget>[] {
  const staticChecks: Check<RouteTarget>[] = [
    gatewayClassCheck,
    gatewayCheck,
    routeControllerCheck,
    attachCheck,
    statusCheck,
    matchCheck,
    backendRefsCheck,
    ...backendChecks<RouteTarget>('route', routeBackends, ['route.match', 'route.backend-refs']),
    routePolicyCheck,
  ]
  return [...staticChecks, routeProbeSourceCheck, routeProbeHttpCheck, routeProbeAgreementCheck(staticChecks.map((c) => c.id))]
}
