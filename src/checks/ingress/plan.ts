import type {Check} from '../../engine/types.js'
import {backendChecks} from '../backends.js'
import {addressCheck} from './address.js'
import {annotationsCheck} from './annotations.js'
import {classCheck} from './class.js'
import {conflictCheck} from './conflict.js'
import {ingressControllerCheck} from './controller.js'
import {ingressBackends} from './facts.js'
import {ingressPolicyCheck} from './policy.js'
import {ingressProbeAgreementCheck} from './probe-agreement.js'
import {ingressProbeHttpCheck} from './probe-http.js'
import {ingressProbeSourceCheck} from './probe-source.js'
import {ruleCheck} from './rule.js'
import type {IngressTarget} from './target.js'
import {tlsCheck} from './tls.js'
import {tlsSecretCheck} from './tls-secret.js'

/**
 * `kubectl netdiag ingress`, in the order a request travels: the class and its controller, the address, the
 * rule for the host and path, TLS, then the backend Service (the svc checks), then policy from the controller;
 * then, live, the request itself and whether it agrees with all of that.
 */
export function ingressPlan(): Check<IngressTarget>[] {
  const staticChecks: Check<IngressTarget>[] = [
    classCheck,
    ingressControllerCheck,
    addressCheck,
    ruleCheck,
    conflictCheck,
    annotationsCheck,
    tlsCheck,
    tlsSecretCheck,
    ...backendChecks<IngressTarget>('ingress', ingressBackends, ['ingress.rule']),
    ingressPolicyCheck,
  ]
  return [...staticChecks, ingressProbeSourceCheck, ingressProbeHttpCheck, ingressProbeAgreementCheck(staticChecks.map((c) => c.id))]
}
