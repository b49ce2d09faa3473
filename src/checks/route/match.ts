import {effectiveHostnames, servesHost} from '../../analysis/gateway/hostnames.js'
import {selectListeners} from '../../analysis/gateway/attach.js'
import {requestHost} from '../../analysis/ingress/hostnames.js'
import type {Check} from '../../engine/types.js'
import {parents, requireRoute, routeMatch, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/** The host is one the route serves (its hostnames within its listeners'), and which rule a plain request for the path takes. */
export const matchCheck: Check<RouteTarget> = {
  id: 'route.match',
  title: 'Rule for the host and path',
  layer: 'service',
  requires: ({namespace, kind}) => [{verb: 'get', group: 'gateway.networking.k8s.io', resource: `${kind.toLowerCase()}s`, namespace}],
  async run({view, target}) {
    const route = await requireRoute(view, target)
    const ref = routeRef(target)
    const name = `${target.kind} ${target.namespace}/${target.name}`
    const rules = route.spec?.rules ?? []
    if (rules.length === 0) return {status: 'fail', summary: `${name} has no rules: it routes nothing`, objects: [ref]}
    let hostNote = ''
    if (target.host !== undefined) {
      const host = requestHost(target.host)
      const gatewayListeners = (await parents(view, target)).flatMap((p) => (p.gateway ? selectListeners(p.gateway, p.ref) : []))
      const perListener = gatewayListeners.length ? gatewayListeners.map((l) => effectiveHostnames(l.hostname, route.spec?.hostnames)) : [route.spec?.hostnames?.length ? route.spec.hostnames : undefined]
      if (!perListener.some((h) => servesHost(h, host))) {
        const served = [...new Set(perListener.flatMap((h) => h ?? ['*']))]
        return {
          status: 'fail',
          summary: `${name} does not serve host ${host}: its hostnames within its listeners are ${served.join(', ') || 'none'}`,
          objects: [ref],
          details: {host, served},
          remediation: `add ${host} to spec.hostnames (and to a listener hostname that contains it), or use a host it serves`,
        }
      }
      hostNote = `host ${host} is served; `
    }
    const match = await routeMatch(view, target)
    if (!match) {
      return {status: 'pass', summary: `${hostNote}${name} has ${rules.length} rule(s) (pass --path or --url to check one request)`, objects: [ref], details: {rules: rules.length}}
    }
    const conditional = match.conditional.length ? `; not taken by a plain request: ${match.conditional.join('; ')}` : ''
    switch (match.outcome) {
      case 'matched':
        return {status: 'pass', summary: `${hostNote}${target.kind === 'GRPCRoute' ? 'a call of' : 'a plain GET of'} ${target.path} takes ${match.chosen.describe}${conditional}`, objects: [ref], details: {rule: match.chosen.rule, match: match.chosen.match ?? null, conditional: match.conditional}}
      case 'no-match':
        return {
          status: 'fail',
          summary: `${hostNote}${match.reason} in ${name}: the Gateway answers 404${conditional}`,
          objects: [ref],
          details: {reason: match.reason, conditional: match.conditional},
          remediation: `add a match for ${target.path} (PathPrefix matches whole path elements): kubectl -n ${target.namespace} edit ${target.kind.toLowerCase()} ${target.name}`,
        }
      case 'undecidable':
        return {status: 'warn', summary: `${hostNote}not decidable: ${match.reason}`, objects: [ref], details: {reason: match.reason}}
    }
  },
}
