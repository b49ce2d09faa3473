import type {Check} from '../../engine/types.js'
import {controllerCheck} from '../controller.js'
import {ingressController} from './facts.js'
import type {IngressTarget} from './target.js'

/** The controller named by the IngressClass's spec.controller runs: its pods, by the well-known controllers' labels. */
export const ingressControllerCheck: Check<IngressTarget> = controllerCheck<IngressTarget>('ingress.controller', ['ingress.class'], ({view, target}) => ingressController(view, target))
