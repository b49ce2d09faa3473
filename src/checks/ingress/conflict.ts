import {requestHost} from '../../analysis/ingress/hostnames.js'
import {strongestClaims, urlClaims} from '../../analysis/ingress/url-owner.js'
import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/**
 * Other Ingresses of the same class claiming the same host and path. Controllers merge the Ingresses of a host,
 * so a more specific path elsewhere takes the request (fail), and an equally specific one makes the choice the
 * controller's (warn: ingress-nginx keeps the oldest Ingress, others differ).
 */
export const conflictCheck: Check<IngressTarget> = {
  id: 'ingress.conflict',
  title: 'Other Ingresses claiming the request',
  layer: 'service',
  dependsOn: ['ingress.rule'],
  requires: () => [{verb: 'list', group: 'networking.k8s.io', resource: 'ingresses'}],
  async run({view, target}) {
    if (target.host === undefined) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no host asked (pass --host or --url): conflicts are per host and path'}
    const ingress = await requireIngress(view, target)
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class']
    const sameClass = (await view.listIngresses(undefined)).filter((i) => (i.spec?.ingressClassName ?? i.metadata?.annotations?.['kubernetes.io/ingress.class']) === className)
    const path = target.path ?? '/'
    const request = `${requestHost(target.host)}${path}`
    const claims = urlClaims(sameClass, [], target.host, path)
    const mine = (c: {namespace: string; name: string}) => c.namespace === target.namespace && c.name === target.name
    const others = claims.filter((c) => !mine(c))
    if (others.length === 0) return {status: 'pass', summary: `no other Ingress${className ? ` of class ${className}` : ''} claims ${request}`, objects: [ingressRef(target)]}
    const winners = strongestClaims(claims)
    const objects = [ingressRef(target), ...others.map((c) => ({kind: 'Ingress', namespace: c.namespace, name: c.name, apiVersion: 'networking.k8s.io/v1'}))]
    const list = (cs: typeof claims) => cs.map((c) => `${c.namespace}/${c.name} (${c.via})`).join(', ')
    const details = {claims: claims.map((c) => ({ingress: `${c.namespace}/${c.name}`, via: c.via, strength: c.strength}))}
    if (!winners.some(mine)) {
      return {
        status: 'fail',
        summary: `Ingress ${list(winners.filter((c) => !mine(c)))} claims ${request} more specifically: the controller, merging the Ingresses of this host, sends the request there, not to Ingress ${target.namespace}/${target.name}`,
        objects,
        details,
        remediation: 'remove or narrow the other path, or serve this request from the Ingress that wins',
      }
    }
    const rivals = winners.filter((c) => !mine(c))
    if (rivals.length === 0) return {status: 'pass', summary: `Ingress ${target.namespace}/${target.name} has the most specific path for ${request} (also claimed less specifically by ${list(others)})`, objects, details}
    return {
      status: 'warn',
      summary: `Ingress ${list(rivals)} also claims ${request} with an equally specific path: which one serves it is the controller's choice (ingress-nginx: the oldest Ingress)`,
      objects,
      details,
      remediation: 'keep one Ingress per host and path',
    }
  },
}
