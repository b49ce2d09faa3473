import type {Check} from '../../engine/types.js'
import {controllerPolicyCheck} from '../controller-policy.js'
import {ingressBackends, ingressController} from './facts.js'
import type {IngressTarget} from './target.js'

/** NetworkPolicy from the ingress controller's pods to the backend pods, both directions. */
export const ingressPolicyCheck: Check<IngressTarget> = controllerPolicyCheck<IngressTarget>(
  'ingress.policy',
  ['ingress.controller', 'ingress.backend.port'],
  ({view, target}) => ingressController(view, target),
  ingressBackends,
)
