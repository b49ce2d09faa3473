// Gateway API hostnames (apis/v1/httproute_types.go, Hostnames; conformance/tests/httproute-hostname-intersection.go):
// `*.example.com` is a suffix match over any number of labels (test.example.com and foo.test.example.com, not
// example.com). A route attaches to a listener only if their hostnames intersect; route hostnames outside the
// listener's are ignored.
import {requestHost} from '../ingress/hostnames.js'

/** Whether a hostname pattern (exact or `*.` wildcard) matches a concrete host. */
export function gatewayHostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase()
  const h = requestHost(host)
  if (!p.startsWith('*.')) return p === h
  return h.endsWith(p.slice(1)) && h.length > p.length - 1
}

/** The intersection of two hostnames, each exact or wildcard: the more specific one, or undefined. */
export function intersectHostname(a: string, b: string): string | undefined {
  const wa = a.startsWith('*.')
  const wb = b.startsWith('*.')
  if (!wa && !wb) return a.toLowerCase() === b.toLowerCase() ? a : undefined
  if (wa && !wb) return gatewayHostMatches(a, b) ? b : undefined
  if (!wa && wb) return gatewayHostMatches(b, a) ? a : undefined
  // Both wildcards: one's suffix contains the other's.
  const sa = a.slice(1).toLowerCase()
  const sb = b.slice(1).toLowerCase()
  if (sa.endsWith(sb)) return a
  if (sb.endsWith(sa)) return b
  return undefined
}

/**
 * The hostnames a route serves through one listener: undefined means any host. An empty array means none
 * intersect: the route does not attach to that listener (NoMatchingListenerHostname).
 */
export function effectiveHostnames(listenerHostname: string | undefined, routeHostnames: string[] | undefined): string[] | undefined {
  const route = routeHostnames ?? []
  if (!listenerHostname) return route.length ? route : undefined
  if (route.length === 0) return [listenerHostname]
  return [...new Set(route.map((h) => intersectHostname(listenerHostname, h)).filter((h): h is string => h !== undefined))]
}

/** Whether a request host is served by these effective hostnames. */
export function servesHost(hostnames: string[] | undefined, host: string): boolean {
  return hostnames === undefined || hostnames.some((h) => gatewayHostMatches(h, host))
}
