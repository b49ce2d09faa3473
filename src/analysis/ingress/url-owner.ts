// Which Ingresses and HTTPRoutes serve a URL, from the objects alone: an Ingress whose rules send host+path to a
// backend (a rule, not only its defaultBackend, which catches every host), an HTTPRoute whose hostnames include
// the host (a route without hostnames takes whatever its listeners allow: a weaker claim) and whose rules match
// the path. Controllers merge the Ingresses of one host (ingress-nginx, Traefik): the most specific matching
// path across them wins (Exact over Prefix, then the longer path), so only equally specific claims conflict.
// Several claims are reported as they are; the caller does not pick one silently.
import type {HTTPRoute, Ingress} from '../../cluster/types.js'
import {servesHost} from '../gateway/hostnames.js'
import {matchRoute} from '../gateway/route-match.js'
import {matchIngress} from './rule-match.js'

export interface UrlClaim {
  kind: 'Ingress' | 'HTTPRoute'
  namespace: string
  name: string
  /** `hostname`: the object names the host (or a wildcard covering it); `any-host`: it names no host at all. */
  strength: 'hostname' | 'any-host'
  /** What matched: "rules[0].http.paths[1]", "rules[2]". */
  via: string
  /** Ingress only: how specific the matched path is (Exact first, then length), to merge Ingresses as controllers do. */
  specificity?: number
}

export function urlClaims(ingresses: Ingress[], routes: HTTPRoute[], host: string, path: string): UrlClaim[] {
  const claims: UrlClaim[] = []
  for (const ing of ingresses) {
    const m = matchIngress(ing, host, path)
    if (m.outcome !== 'path' && m.outcome !== 'undecidable') continue
    const rule = m.outcome === 'path' ? m.chosen.rule : m.candidates[0]?.rule
    const named = rule !== undefined && (ing.spec?.rules?.[rule]?.host ?? '') !== ''
    const specificity = m.outcome === 'path' ? (m.chosen.pathType === 'Exact' ? 1e6 : 0) + m.chosen.value.length : 0
    claims.push({kind: 'Ingress', namespace: ing.metadata?.namespace ?? '', name: ing.metadata?.name ?? '', strength: named ? 'hostname' : 'any-host', via: m.outcome === 'path' ? `rules[${m.chosen.rule}].http.paths[${m.chosen.path}]` : 'undecidable paths', specificity})
  }
  for (const route of routes) {
    const hostnames = route.spec?.hostnames
    if (!servesHost(hostnames?.length ? hostnames : undefined, host)) continue
    const m = matchRoute({...route, kind: 'HTTPRoute'} as HTTPRoute, path)
    if (m.outcome !== 'matched') continue
    claims.push({kind: 'HTTPRoute', namespace: route.metadata?.namespace ?? '', name: route.metadata?.name ?? '', strength: hostnames?.length ? 'hostname' : 'any-host', via: `rules[${m.chosen.rule}]`})
  }
  return claims
}

/**
 * The claims that count: those naming the host, else (only when none does) the host-less ones; among Ingresses,
 * only the most specific path (the one a merging controller sends the request to).
 */
export function strongestClaims(claims: UrlClaim[]): UrlClaim[] {
  const named = claims.filter((c) => c.strength === 'hostname')
  const pool = named.length > 0 ? named : claims
  const best = Math.max(...pool.filter((c) => c.kind === 'Ingress').map((c) => c.specificity ?? 0))
  return pool.filter((c) => c.kind !== 'Ingress' || (c.specificity ?? 0) === best)
}
