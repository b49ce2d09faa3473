import type {Check} from '../../engine/types.js'
import {probeSourceCheck} from '../probe-source.js'
import type {IngressTarget} from './target.js'

/** The debug pod the HTTP probe runs in (in the Ingress's namespace). */
export const ingressProbeSourceCheck: Check<IngressTarget> = probeSourceCheck<IngressTarget>('ingress.probe.source', 'service')
