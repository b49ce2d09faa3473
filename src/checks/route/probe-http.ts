import {controllerServiceAddress} from '../../analysis/ingress/controller-address.js'
import {probeListener} from '../../analysis/gateway/probe-listener.js'
import type {Check, CheckContext} from '../../engine/types.js'
import {httpProbeCheck, type HttpProbePlan} from '../http-probe.js'
import {gatewayRef, parents, requireRoute, routeBackends, routeController, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

/**
 * Where the request goes: the first parent Gateway, on the listener the parentRef selects that fits the scheme
 * and host, at the Gateway's status address (else the controller's Service that serves the listener's port).
 */
async function plan(ctx: CheckContext<RouteTarget>): Promise<HttpProbePlan> {
  const {view, target} = ctx
  const base = {path: target.path ?? '/', objects: [routeRef(target)]}
  if (target.kind !== 'HTTPRoute') return {...base, scheme: 'http', notApplicable: `a ${target.kind} speaks gRPC, which curl cannot call: the probe covers HTTPRoute only`}
  const route = await requireRoute(view, target)
  const parent = (await parents(view, target)).find((p) => p.gateway)
  if (!parent?.gateway) return {...base, scheme: target.scheme ?? 'http', ...(target.host ? {host: target.host} : {}), why: 'the route has no parent Gateway that exists'}
  const gw = parent.gateway
  const objects = [...base.objects, gatewayRef(parent.namespace, parent.ref.name)]
  const picked = probeListener(gw, parent.ref, {...(target.scheme ? {scheme: target.scheme} : {}), ...(target.host ? {host: target.host} : {})}, route.spec?.hostnames)
  if (!picked) return {...base, objects, scheme: target.scheme ?? 'http', ...(target.host ? {host: target.host} : {}), why: `Gateway ${parent.namespace}/${parent.ref.name} has no HTTP or HTTPS listener this parentRef selects`}
  const request = {...base, objects, scheme: picked.scheme, ...(picked.host ? {host: picked.host} : {})}
  const port = picked.listener.port
  const listener = `listener ${picked.listener.name}`
  const published = gw.status?.addresses?.find((a) => a.value)?.value
  if (published) return {...request, through: {address: published, port, describe: `Gateway ${parent.namespace}/${parent.ref.name} ${listener}`}}
  const facts = await routeController(view, target)
  const pod = facts.dataPlane?.ready[0] ?? facts.dataPlane?.pods[0]
  if (pod) {
    const through = controllerServiceAddress(await view.listServices(pod.metadata?.namespace), pod, {scheme: picked.scheme, port})
    if (through) return {...request, through: {...through, describe: `${through.describe} for Gateway ${parent.namespace}/${parent.ref.name} ${listener}`}}
  }
  return {...request, why: `Gateway ${parent.namespace}/${parent.ref.name} has no status address and no controller Service serves port ${port}`}
}

export const routeProbeHttpCheck: Check<RouteTarget> = httpProbeCheck<RouteTarget>({area: 'route', plan, backends: routeBackends, policyId: 'route.policy'})
