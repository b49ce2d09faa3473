import {tlsSecretNames} from '../../analysis/ingress/tls.js'
import {NetdiagError} from '../../errors.js'
import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/**
 * The TLS Secrets exist: asked by metadata only (their data is never requested). A snapshot never holds
 * Secrets, so offline this is unknown. The shipped RBAC does not grant Secrets: then pre-flight skips it.
 */
export const tlsSecretCheck: Check<IngressTarget> = {
  id: 'ingress.tls.secret',
  title: 'TLS Secrets exist',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', resource: 'secrets', namespace}],
  async run({view, target}) {
    const names = tlsSecretNames(await requireIngress(view, target))
    const ref = ingressRef(target)
    if (names.length === 0) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no tls[].secretName to look up', objects: [ref]}
    if (view.source === 'snapshot') {
      return {status: 'warn', summary: `unknown offline: a snapshot never holds Secrets, so whether ${names.join(', ')} exist${names.length === 1 ? 's' : ''} is not known`, objects: [ref], details: {secrets: names}}
    }
    const found: Array<{name: string; exists: boolean | 'unknown'}> = []
    for (const name of names) {
      try {
        found.push({name, exists: await view.secretExists(target.namespace, name)})
      } catch (error) {
        if (error instanceof NetdiagError && error.kind === 'forbidden') found.push({name, exists: 'unknown'})
        else throw error
      }
    }
    const missing = found.filter((f) => f.exists === false)
    const unknown = found.filter((f) => f.exists === 'unknown')
    const objects = [ref, ...found.map((f) => ({kind: 'Secret', namespace: target.namespace, name: f.name}))]
    if (missing.length > 0) {
      return {
        status: 'fail',
        summary: `TLS Secret${missing.length === 1 ? '' : 's'} ${missing.map((m) => `${target.namespace}/${m.name}`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist: the controller serves its default certificate instead`,
        objects,
        details: {secrets: found},
        remediation: `kubectl -n ${target.namespace} create secret tls ${missing[0]!.name} --cert=tls.crt --key=tls.key   # or fix tls[].secretName`,
      }
    }
    if (unknown.length > 0) return {status: 'warn', summary: `not allowed to look up Secret ${unknown.map((u) => u.name).join(', ')} (metadata only): existence unknown`, objects, details: {secrets: found}}
    return {status: 'pass', summary: `TLS Secret${names.length === 1 ? '' : 's'} ${names.join(', ')} exist${names.length === 1 ? 's' : ''} (checked by metadata only)`, objects, details: {secrets: found}}
  },
}
