import type {Check} from '../../engine/types.js'
import {probeSourceCheck} from '../probe-source.js'
import type {RouteTarget} from './target.js'

/** The debug pod the HTTP probe runs in (in the route's namespace). */
export const routeProbeSourceCheck: Check<RouteTarget> = probeSourceCheck<RouteTarget>('route.probe.source', 'service')
