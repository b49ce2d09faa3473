// Whether a route can attach to a Gateway through one parentRef, from the objects alone (what a conforming
// controller would decide): the parentRef's sectionName/port pick listeners (else Accepted=False
// NoMatchingParent: conformance/tests/httproute-invalid-parentref-not-matching-section-name.go,
// ...-not-matching-listener-port.go); each listener's allowedRoutes.namespaces (Same is the default; Selector
// is read against the route's Namespace labels) and kinds must allow the route (else NotAllowedByListeners:
// conformance/tests/httproute-invalid-cross-namespace-parent-ref.go, gateway-invalid-route-kind.go); and the
// hostnames must intersect (else NoMatchingListenerHostname: conformance/tests/httproute-hostname-intersection.go).
import type {Gateway, GatewayListener, ParentReference, RouteKind} from '../../cluster/types.js'
import {type Labels, matchesSelector} from '../labels.js'
import {effectiveHostnames} from './hostnames.js'

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io'

export type AttachReason = 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname'

export interface RouteSide {
  kind: RouteKind
  namespace: string
  namespaceLabels: Labels
  hostnames?: string[]
}

export interface ListenerVerdict {
  listener: string
  port: number
  protocol: string
  hostname?: string
  /** true, false, or unknown (the controller decides: default kinds of a protocol for GRPCRoute, an unknown `from`). */
  attaches: boolean | 'unknown'
  problem?: 'namespace' | 'kind' | 'hostname'
  detail: string
  /** The hostnames the route serves through this listener (undefined: any). */
  hostnames?: string[]
}

export interface AttachResult {
  outcome: 'attached' | 'not-attached' | 'unknown'
  reason?: AttachReason
  message: string
  listeners: ListenerVerdict[]
}

function namespaceAllowed(listener: GatewayListener, gatewayNamespace: string, route: RouteSide): {allowed: boolean | 'unknown'; detail: string} {
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same'
  switch (from) {
    case 'All':
      return {allowed: true, detail: 'allowedRoutes from All namespaces'}
    case 'Same':
      return route.namespace === gatewayNamespace
        ? {allowed: true, detail: `allowedRoutes from Same namespace (${gatewayNamespace})`}
        : {allowed: false, detail: `allowedRoutes from Same namespace only: the Gateway is in ${gatewayNamespace}, the route in ${route.namespace}`}
    case 'Selector': {
      const selector = listener.allowedRoutes?.namespaces?.selector
      if (!selector) return {allowed: false, detail: 'allowedRoutes from Selector without a selector selects no namespace'}
      const shown = JSON.stringify(selector)
      return matchesSelector(selector, route.namespaceLabels)
        ? {allowed: true, detail: `allowedRoutes namespace selector ${shown} matches namespace ${route.namespace}`}
        : {allowed: false, detail: `allowedRoutes namespace selector ${shown} does not match the labels of namespace ${route.namespace}`}
    }
    default:
      return {allowed: 'unknown', detail: `allowedRoutes.namespaces.from "${from}" is not a value of the Gateway API spec`}
  }
}

function kindAllowed(listener: GatewayListener, supportedKinds: Array<{group?: string; kind: string}> | undefined, kind: RouteKind): {allowed: boolean | 'unknown'; detail: string} {
  const isKind = (k: {group?: string; kind: string}) => k.kind === kind && (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP
  const explicit = listener.allowedRoutes?.kinds ?? []
  if (explicit.length > 0) {
    const names = explicit.map((k) => k.kind).join(', ')
    return explicit.some(isKind) ? {allowed: true, detail: `allowedRoutes kinds ${names}`} : {allowed: false, detail: `allowedRoutes kinds ${names} do not include ${kind}`}
  }
  // Unspecified kinds follow the protocol, as the controller implements it: its status.supportedKinds says.
  if (supportedKinds && supportedKinds.length > 0) {
    const names = supportedKinds.map((k) => k.kind).join(', ')
    return supportedKinds.some(isKind) ? {allowed: true, detail: `supportedKinds ${names} (status)`} : {allowed: false, detail: `the controller reports supportedKinds ${names}, not ${kind}`}
  }
  const protocol = listener.protocol
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') return {allowed: false, detail: `protocol ${protocol} does not carry ${kind}`}
  if (kind === 'HTTPRoute') return {allowed: true, detail: `protocol ${protocol} takes HTTPRoute`}
  return {allowed: 'unknown', detail: `whether protocol ${protocol} takes ${kind} without allowedRoutes.kinds is the controller's choice (no status.supportedKinds yet)`}
}

/** The listeners a parentRef selects: by sectionName and port when set, else all. */
export function selectListeners(gateway: Gateway, parentRef: ParentReference): GatewayListener[] {
  return (gateway.spec?.listeners ?? []).filter((l) => (parentRef.sectionName === undefined || l.name === parentRef.sectionName) && (parentRef.port === undefined || l.port === parentRef.port))
}

export function attachToGateway(gateway: Gateway, parentRef: ParentReference, route: RouteSide): AttachResult {
  const gatewayNamespace = gateway.metadata?.namespace ?? ''
  const gatewayName = `${gatewayNamespace}/${gateway.metadata?.name}`
  const selected = selectListeners(gateway, parentRef)
  if (selected.length === 0) {
    const by = [parentRef.sectionName !== undefined ? `sectionName ${parentRef.sectionName}` : '', parentRef.port !== undefined ? `port ${parentRef.port}` : ''].filter(Boolean).join(' and ')
    const have = (gateway.spec?.listeners ?? []).map((l) => `${l.name} (${l.protocol} ${l.port})`).join(', ') || 'none'
    return {outcome: 'not-attached', reason: 'NoMatchingParent', message: `Gateway ${gatewayName} has no listener with ${by || 'any name'}; its listeners: ${have}`, listeners: []}
  }
  const status = new Map((gateway.status?.listeners ?? []).map((l) => [l.name, l.supportedKinds]))
  const listeners: ListenerVerdict[] = selected.map((l) => {
    const base = {listener: l.name, port: l.port, protocol: l.protocol, ...(l.hostname ? {hostname: l.hostname} : {})}
    const ns = namespaceAllowed(l, gatewayNamespace, route)
    if (ns.allowed !== true) return {...base, attaches: ns.allowed, problem: 'namespace', detail: ns.detail}
    const kind = kindAllowed(l, status.get(l.name), route.kind)
    if (kind.allowed !== true) return {...base, attaches: kind.allowed, problem: 'kind', detail: kind.detail}
    const hostnames = effectiveHostnames(l.hostname, route.hostnames)
    if (hostnames && hostnames.length === 0) {
      return {...base, attaches: false, problem: 'hostname', detail: `listener hostname ${l.hostname} and route hostnames ${(route.hostnames ?? []).join(', ')} do not intersect`}
    }
    return {...base, attaches: true, detail: `${ns.detail}; ${kind.detail}`, ...(hostnames ? {hostnames} : {})}
  })
  const list = (vs: ListenerVerdict[]) => vs.map((v) => `${v.listener}: ${v.detail}`).join('; ')
  if (listeners.some((v) => v.attaches === true)) {
    return {outcome: 'attached', message: `attaches to ${listeners.filter((v) => v.attaches === true).map((v) => v.listener).join(', ')} of Gateway ${gatewayName}`, listeners}
  }
  if (listeners.some((v) => v.attaches === 'unknown')) {
    return {outcome: 'unknown', message: `whether it attaches to Gateway ${gatewayName} is the controller's decision: ${list(listeners.filter((v) => v.attaches === 'unknown'))}`, listeners}
  }
  const reason: AttachReason = listeners.some((v) => v.problem === 'hostname') ? 'NoMatchingListenerHostname' : 'NotAllowedByListeners'
  return {outcome: 'not-attached', reason, message: `no listener of Gateway ${gatewayName} accepts it: ${list(listeners)}`, listeners}
}
