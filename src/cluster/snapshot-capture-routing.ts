import {NetdiagError} from '../errors.js'
import {NotServedError} from './not-served.js'
import {redactForSnapshot} from './snapshot-redact.js'
import type {ClusterView} from './view.js'

/**
 * The Ingress and Gateway API objects of a snapshot (kubectl netdiag ingress / route): every Ingress and
 * IngressClass, and the Gateway API kinds the cluster serves. A kind the cluster does not serve, or that we may
 * not list, is left out and named in `omitted`, so the snapshot is not mistaken for "there are none". Never
 * Secrets. snapshot-capture.ts adds `...(await captureRoutingObjects(view)).items` to its List.
 */
export async function captureRoutingObjects(view: ClusterView): Promise<{items: unknown[]; omitted: string[]; captured: string[]}> {
  const omitted: string[] = []
  const captured: string[] = []
  const tryList = async (what: string, kind: string, list: () => Promise<unknown[]>): Promise<unknown[]> => {
    try {
      const items = await list()
      captured.push(kind)
      return items
    } catch (error) {
      if (error instanceof NotServedError || (error instanceof NetdiagError && error.kind === 'forbidden')) {
        omitted.push(`${what}: ${error.message}`)
        return []
      }
      throw error
    }
  }
  const lists = await Promise.all([
    tryList('ingresses', 'Ingress', () => view.listIngresses(undefined)),
    tryList('ingressclasses', 'IngressClass', () => view.listIngressClasses()),
    tryList('gatewayclasses', 'GatewayClass', () => view.listGatewayClasses()),
    tryList('gateways', 'Gateway', () => view.listGateways(undefined)),
    tryList('httproutes', 'HTTPRoute', () => view.listRoutes('HTTPRoute', undefined)),
    tryList('grpcroutes', 'GRPCRoute', () => view.listRoutes('GRPCRoute', undefined)),
    tryList('referencegrants', 'ReferenceGrant', () => view.listReferenceGrants(undefined)),
  ])
  return {items: lists.flat().map((o) => redactForSnapshot(o as never)), omitted, captured}
}
