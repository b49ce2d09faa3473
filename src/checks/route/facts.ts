import {GATEWAY_API_GROUP} from '../../analysis/gateway/attach.js'
import {routeBackendRefs, type ResolvedBackendRef} from '../../analysis/gateway/backend-refs.js'
import {permittingGrant} from '../../analysis/gateway/reference-grant.js'
import {matchRoute, type RouteMatch} from '../../analysis/gateway/route-match.js'
import {NotServedError} from '../../cluster/not-served.js'
import type {Gateway, GatewayClass, ParentReference, ReferenceGrant, Route} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import type {CheckContext} from '../../engine/types.js'
import {NetdiagError} from '../../errors.js'
import type {ServiceBackend} from '../backends.js'
import {oncePerView as once} from '../per-view.js'
import {controllerFacts, type ControllerFacts} from '../controller.js'
import type {RouteTarget} from './target.js'

export const GATEWAY_API_VERSION = `${GATEWAY_API_GROUP}/v1`

export function routeRef(target: RouteTarget) {
  return {kind: target.kind, namespace: target.namespace, name: target.name, apiVersion: GATEWAY_API_VERSION}
}

export function gatewayRef(namespace: string, name: string) {
  return {kind: 'Gateway', namespace, name, apiVersion: GATEWAY_API_VERSION}
}

export async function requireRoute(view: ClusterView, target: RouteTarget): Promise<Route> {
  const route = await view.getRoute(target.kind, target.namespace, target.name)
  if (!route) throw new Error(`${target.kind} ${target.namespace}/${target.name} disappeared during the run`)
  return {...route, kind: target.kind} as Route
}

/** Why a lookup has no answer: a kind the cluster does not serve, or a permission we lack. Else rethrows. */
export function unknownBecause(error: unknown): string {
  if (error instanceof NotServedError) return error.message
  if (error instanceof NetdiagError && error.kind === 'forbidden') return error.message
  throw error
}

export interface ParentFacts {
  ref: ParentReference
  namespace: string
  /** Only Gateway parents (group gateway.networking.k8s.io) are modelled. */
  isGateway: boolean
  gateway?: Gateway
  gatewayClass?: GatewayClass
  /** Set when a lookup could not answer (not served, forbidden). */
  unknown?: string
}

export function parents(view: ClusterView, target: RouteTarget): Promise<ParentFacts[]> {
  return once(view, `route-parents|${target.namespace}|${target.name}`, async () => {
    const route = await requireRoute(view, target)
    return Promise.all(
      (route.spec?.parentRefs ?? []).map(async (ref): Promise<ParentFacts> => {
        const namespace = ref.namespace ?? target.namespace
        const isGateway = (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (ref.kind ?? 'Gateway') === 'Gateway'
        if (!isGateway) return {ref, namespace, isGateway}
        try {
          const gateway = await view.getGateway(namespace, ref.name)
          const className = gateway?.spec?.gatewayClassName
          const gatewayClass = className ? await view.getGatewayClass(className) : undefined
          return {ref, namespace, isGateway, ...(gateway ? {gateway} : {}), ...(gatewayClass ? {gatewayClass} : {})}
        } catch (error) {
          return {ref, namespace, isGateway, unknown: unknownBecause(error)}
        }
      }),
    )
  })
}

/** The controller of the route's first Gateway's class. */
export async function routeController(view: ClusterView, target: RouteTarget): Promise<ControllerFacts & {serves: string}> {
  const cls = (await parents(view, target)).find((p) => p.gatewayClass)?.gatewayClass
  const facts = await controllerFacts(view, cls?.spec?.controllerName, cls ? `GatewayClass ${cls.metadata?.name}` : undefined)
  return {...facts, serves: `${target.kind} ${target.namespace}/${target.name}`}
}

export function routeMatch(view: ClusterView, target: RouteTarget): Promise<RouteMatch | undefined> {
  if (target.path === undefined) return Promise.resolve(undefined)
  return once(view, `route-match|${target.namespace}|${target.name}`, async () => matchRoute(await requireRoute(view, target), target.path!))
}

/** The backendRefs in scope: the matched rule's, else every rule's. */
export async function refsInScope(view: ClusterView, target: RouteTarget): Promise<ResolvedBackendRef[]> {
  const route = await requireRoute(view, target)
  const match = await routeMatch(view, target)
  return routeBackendRefs(route, match?.outcome === 'matched' ? [match.chosen.rule] : undefined)
}

export type GrantVerdict = {permitted: true; grant?: ReferenceGrant} | {permitted: false} | {permitted: 'unknown'; reason: string}

/** Whether a backendRef may be followed: same namespace, or a ReferenceGrant in the backend's namespace. */
export function grantFor(view: ClusterView, target: RouteTarget, ref: ResolvedBackendRef): Promise<GrantVerdict> {
  if (!ref.crossNamespace) return Promise.resolve({permitted: true})
  return once(view, `route-grant|${target.namespace}|${target.name}|${ref.namespace}|${ref.group}|${ref.kind}|${ref.name}`, async () => {
    let grants: ReferenceGrant[]
    try {
      grants = await view.listReferenceGrants(ref.namespace)
    } catch (error) {
      const reason = unknownBecause(error)
      // Without the ReferenceGrant CRD no grant can exist.
      if (error instanceof NotServedError) return {permitted: false}
      return {permitted: 'unknown', reason}
    }
    if (grants.length === 0 && view.lacks?.('ReferenceGrant') !== undefined) return {permitted: 'unknown', reason: 'the snapshot holds no ReferenceGrant'}
    const grant = permittingGrant(grants, {group: GATEWAY_API_GROUP, kind: target.kind, namespace: target.namespace}, {group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name})
    return grant ? {permitted: true, grant} : {permitted: false}
  })
}

/** The Service backends the backend checks follow: Services with a port, permitted, with weight > 0. */
export async function routeBackends(ctx: CheckContext<RouteTarget>): Promise<ServiceBackend[]> {
  const refs = await refsInScope(ctx.view, ctx.target)
  const out = new Map<string, ServiceBackend>()
  for (const ref of refs) {
    if (!ref.isService || ref.port === undefined || ref.weight === 0) continue
    if ((await grantFor(ctx.view, ctx.target, ref)).permitted === false) continue
    const key = `${ref.namespace}|${ref.name}|${ref.port}`
    if (!out.has(key)) out.set(key, {namespace: ref.namespace, name: ref.name, port: ref.port, via: `rules[${ref.rule}].backendRefs[${ref.index}]`})
  }
  return [...out.values()]
}
