import type {Check} from '../../engine/types.js'
import {controllerPolicyCheck} from '../controller-policy.js'
import {routeBackends, routeController} from './facts.js'
import type {RouteTarget} from './target.js'

/** NetworkPolicy from the Gateway controller's data-plane pods to the backend pods. */
export const routePolicyCheck: Check<RouteTarget> = controllerPolicyCheck<RouteTarget>('route.policy', ['route.controller', 'route.backend.port'], ({view, target}) => routeController(view, target), routeBackends)
