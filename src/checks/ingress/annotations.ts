import {routingAnnotations} from '../../analysis/ingress/annotations.js'
import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/** Controller annotations that change routing (rewrite-target, backend-protocol, redirects...), named when present. */
export const annotationsCheck: Check<IngressTarget> = {
  id: 'ingress.annotations',
  title: 'Routing annotations',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', group: 'networking.k8s.io', resource: 'ingresses', namespace}],
  async run({view, target}) {
    const found = routingAnnotations(await requireIngress(view, target))
    if (found.length === 0) return {status: 'pass', summary: 'no controller annotation that changes routing', objects: [ingressRef(target)], details: {annotations: []}}
    return {
      status: 'pass',
      summary: `annotations that change routing: ${found.map((a) => `${a.key}=${a.value} (${a.effect})`).join('; ')}`,
      objects: [ingressRef(target)],
      details: {annotations: found},
    }
  },
}
