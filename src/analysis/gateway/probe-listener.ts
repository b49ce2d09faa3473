// Which Gateway listener a request for a route arrives on, and with which Host: the listeners the parentRef
// selects (sectionName, port), the one whose protocol fits the scheme and whose hostname matches the host, and
// the host to send when none was asked: a route hostname, else the listener's, when either is not a wildcard.
import type {Gateway, GatewayListener, ParentReference} from '../../cluster/types.js'
import {selectListeners} from './attach.js'
import {gatewayHostMatches} from './hostnames.js'

export interface ProbeListener {
  listener: GatewayListener
  scheme: 'http' | 'https'
  host?: string
}

const schemeOf = (l: GatewayListener): 'http' | 'https' | undefined => (l.protocol === 'HTTP' ? 'http' : l.protocol === 'HTTPS' ? 'https' : undefined)

export function probeListener(gateway: Gateway, parentRef: ParentReference, request: {scheme?: 'http' | 'https'; host?: string}, routeHostnames: string[] | undefined): ProbeListener | undefined {
  const candidates = selectListeners(gateway, parentRef).filter((l) => schemeOf(l) !== undefined && (request.scheme === undefined || schemeOf(l) === request.scheme))
  // As the Gateway API routes a request: the most specific listener hostname that matches wins (exact over
  // wildcard over none; apis/v1/gateway_types.go, Listener.Hostname).
  const rank = (l: GatewayListener) => (request.host === undefined ? 0 : l.hostname === undefined ? 1 : !gatewayHostMatches(l.hostname, request.host) ? 9 : l.hostname.startsWith('*') ? 0.5 : 0)
  const fitting = candidates.filter((l) => rank(l) < 9).sort((a, b) => rank(a) - rank(b))
  const listener = fitting[0] ?? candidates[0]
  if (!listener) return undefined
  const concrete = (h: string | undefined) => (h && !h.startsWith('*') ? h : undefined)
  const host = request.host ?? concrete(routeHostnames?.find((h) => !h.startsWith('*') && (listener.hostname === undefined || gatewayHostMatches(listener.hostname, h)))) ?? concrete(listener.hostname)
  return {listener, scheme: schemeOf(listener)!, ...(host ? {host} : {})}
}
