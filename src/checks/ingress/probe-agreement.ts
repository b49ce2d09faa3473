import type {Check} from '../../engine/types.js'
import {probeAgreementCheck} from '../http-probe.js'
import type {IngressTarget} from './target.js'

/** Whether the HTTP probe agrees with the static Ingress checks (`staticIds`: every check of the plan before the probes). */
export function ingressProbeAgreementCheck(staticIds: string[]): Check<IngressTarget> {
  return probeAgreementCheck<IngressTarget>('ingress', staticIds)
}
