import type {Check} from '../../engine/types.js'
import {probeAgreementCheck} from '../http-probe.js'
import type {RouteTarget} from './target.js'

/** Whether the HTTP probe agrees with the static route checks (`staticIds`: every check of the plan before the probes). */
export function routeProbeAgreementCheck(staticIds: string[]): Check<RouteTarget> {
  return probeAgreementCheck<RouteTarget>('route', staticIds)
}
