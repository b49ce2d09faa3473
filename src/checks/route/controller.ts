import type {Check} from '../../engine/types.js'
import {controllerCheck} from '../controller.js'
import {routeController} from './facts.js'
import type {RouteTarget} from './target.js'

/** The controller named by the GatewayClass's spec.controllerName runs. */
export const routeControllerCheck: Check<RouteTarget> = controllerCheck<RouteTarget>('route.controller', ['route.gateway-class'], ({view, target}) => routeController(view, target))
