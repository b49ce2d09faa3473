import type {Check} from '../../engine/types.js'
import {connectCheck} from './connect.js'
import {dnsCheck} from './dns.js'
import {endpointsCheck} from './endpoints.js'
import {ipFamiliesCheck} from './ip-families.js'
import {kubeProxyCheck} from './kube-proxy.js'
import {policyCheck} from './policy.js'
import {portsCheck} from './ports.js'
import {selectorCheck} from './selector.js'
import {serviceCheck} from './service.js'
import type {SvcTarget} from './target.js'
import {typeCheck} from './type.js'

/**
 * `kubectl netdiag svc`, in runbook order. Ports precede endpoints so that, when a named targetPort leaves
 * a port without endpoints, the cause (ports) outranks its effect (endpoints) at equal depth.
 */
export function svcPlan(): Check<SvcTarget>[] {
  return [serviceCheck, typeCheck, selectorCheck, portsCheck, endpointsCheck, ipFamiliesCheck, policyCheck, kubeProxyCheck, dnsCheck, connectCheck]
}
