// status.parents[] of a route: one entry per parentRef per controller, matched on the parentRef's
// group/kind/namespace/name/sectionName/port (apis/v1/shared_types.go RouteParentStatus).
import type {ParentReference, Route, RouteParentStatus} from '../../cluster/types.js'
import {GATEWAY_API_GROUP} from './attach.js'

function sameParent(a: ParentReference, b: ParentReference, routeNamespace: string): boolean {
  return (
    (a.group ?? GATEWAY_API_GROUP) === (b.group ?? GATEWAY_API_GROUP) &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  )
}

export function parentStatuses(route: Route, parentRef: ParentReference): RouteParentStatus[] {
  const namespace = route.metadata?.namespace ?? ''
  return (route.status?.parents ?? []).filter((p) => sameParent(p.parentRef, parentRef, namespace))
}

export function describeParentRef(ref: ParentReference, routeNamespace: string): string {
  const kind = ref.kind ?? 'Gateway'
  return `${kind} ${ref.namespace ?? routeNamespace}/${ref.name}${ref.sectionName !== undefined ? ` section ${ref.sectionName}` : ''}${ref.port !== undefined ? ` port ${ref.port}` : ''}`
}

/** The standard reasons a route's Accepted / ResolvedRefs conditions carry, with what each means for traffic. */
export const ROUTE_REASONS: Record<string, string> = {
  NoMatchingParent: 'no listener matches the parentRef (sectionName or port)',
  NotAllowedByListeners: "the listeners' allowedRoutes do not allow this route (namespace or kind)",
  NoMatchingListenerHostname: "the route's hostnames do not intersect any listener hostname",
  UnsupportedValue: 'a field has a value the controller does not support',
  BackendNotFound: 'a backendRef names an object that does not exist',
  RefNotPermitted: 'a cross-namespace backendRef has no ReferenceGrant permitting it',
  InvalidKind: 'a backendRef names a kind the controller does not support',
  Pending: 'the controller has not reconciled the route yet',
}
