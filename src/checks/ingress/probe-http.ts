import {controllerServiceAddress} from '../../analysis/ingress/controller-address.js'
import {ruleHosts} from '../../analysis/ingress/rule-match.js'
import type {Check, CheckContext} from '../../engine/types.js'
import {httpProbeCheck, type HttpProbePlan} from '../http-probe.js'
import {ingressBackends, ingressController, ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/**
 * Where the request goes: the controller's own Service (the pod's namespace, a selector matching the pod, port
 * 80/443 or a port named for the scheme), else the address the controller published in status.loadBalancer.
 */
async function plan(ctx: CheckContext<IngressTarget>): Promise<HttpProbePlan> {
  const {view, target} = ctx
  const scheme = target.scheme ?? 'http'
  const ingress = await requireIngress(view, target)
  // Without --host, the request a client of the first named host would make (the summary shows which).
  const host = target.host ?? ruleHosts(ingress).find((h) => !h.startsWith('*'))
  const base = {scheme, ...(host ? {host} : {}), path: target.path ?? '/', objects: [ingressRef(target)]}
  const facts = await ingressController(view, target)
  const pod = facts.dataPlane?.ready[0] ?? facts.dataPlane?.pods[0]
  if (pod) {
    const services = await view.listServices(pod.metadata?.namespace)
    const through = controllerServiceAddress(services, pod, {scheme})
    if (through) return {...base, through}
  }
  const published = (ingress.status?.loadBalancer?.ingress ?? []).map((a) => a.ip ?? a.hostname).find((a): a is string => Boolean(a))
  if (published) return {...base, through: {address: published, port: scheme === 'https' ? 443 : 80, describe: 'the published address (status.loadBalancer)'}}
  return {...base, why: pod ? `no Service in ${pod.metadata?.namespace} selects controller pod ${pod.metadata?.name} on a ${scheme} port, and the Ingress has no published address` : 'no controller pod was found and the Ingress has no published address'}
}

export const ingressProbeHttpCheck: Check<IngressTarget> = httpProbeCheck<IngressTarget>({area: 'ingress', plan, backends: ingressBackends, policyId: 'ingress.policy'})
