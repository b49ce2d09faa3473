import {requestHost} from '../../analysis/ingress/hostnames.js'
import {allIngressBackends, describePath, ruleHosts} from '../../analysis/ingress/rule-match.js'
import type {IngressBackend} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress, ruleMatch} from './facts.js'
import type {IngressTarget} from './target.js'

function describeBackend(b: IngressBackend): string {
  if (b.service) return `Service ${b.service.name}:${b.service.port?.number ?? b.service.port?.name ?? '?'}`
  if (b.resource) return `${b.resource.kind} ${b.resource.name} (a resource backend, not a Service)`
  return 'no backend'
}

/** Which rule and path serve --host/--path (exact before prefix, longest prefix, most specific host), else every rule. */
export const ruleCheck: Check<IngressTarget> = {
  id: 'ingress.rule',
  title: 'Rule for the host and path',
  layer: 'service',
  dependsOn: [],
  requires: ({namespace}) => [{verb: 'get', group: 'networking.k8s.io', resource: 'ingresses', namespace}],
  async run({view, target}) {
    const ingress = await requireIngress(view, target)
    const ref = ingressRef(target)
    const match = await ruleMatch(view, target)
    const name = `Ingress ${target.namespace}/${target.name}`
    if (!match) {
      const backends = allIngressBackends(ingress)
      if (backends.length === 0) return {status: 'fail', summary: `${name} has no rule and no default backend: it routes nothing`, objects: [ref], details: {rules: 0}}
      return {
        status: 'pass',
        summary: `${name} routes ${backends.map((b) => `${b.via} -> ${describeBackend(b.backend)}`).join('; ')} (pass --host/--path or --url to check one request)`,
        objects: [ref],
        details: {routes: backends.map((b) => ({via: b.via, backend: describeBackend(b.backend)}))},
      }
    }
    const request = `${target.host !== undefined ? requestHost(target.host) : '(any host)'}${target.path ?? '/'}`
    const notes = match.notes
    switch (match.outcome) {
      case 'path': {
        const c = match.chosen
        const resource = !c.backend.service
        return {
          status: resource ? 'warn' : 'pass',
          summary: `${request} is served by ${describePath(c)} -> ${describeBackend(c.backend)}${resource ? ': netdiag follows only Service backends' : ''}${notes.length ? `; ${notes.join('; ')}` : ''}`,
          objects: [ref],
          details: {request, rule: c.rule, path: c.path, host: c.host ?? null, pathType: c.pathType, value: c.value, hostMatch: match.hostMatch, backend: describeBackend(c.backend), notes},
        }
      }
      case 'default-backend':
        return {
          status: 'pass',
          summary: `${match.reason}: ${request} goes to spec.defaultBackend ${describeBackend(match.backend)}${notes.length ? `; ${notes.join('; ')}` : ''}`,
          objects: [ref],
          details: {request, defaultBackend: describeBackend(match.backend), reason: match.reason, notes},
        }
      case 'no-match': {
        const hosts = ruleHosts(ingress)
        return {
          status: 'fail',
          summary: `${match.reason}, and ${name} has no default backend: the controller answers ${request} itself (usually 404)${notes.length ? `; ${notes.join('; ')}` : ''}`,
          objects: [ref],
          details: {request, reason: match.reason, hosts, notes},
          remediation: hosts.length && target.host !== undefined && !hosts.includes(requestHost(target.host))
            ? `use one of the hosts the Ingress serves (${hosts.join(', ')}), or add a rule: kubectl -n ${target.namespace} edit ingress ${target.name}`
            : `add a path that matches ${target.path ?? '/'} (pathType Prefix matches whole path elements): kubectl -n ${target.namespace} edit ingress ${target.name}`,
        }
      }
      case 'undecidable':
        return {
          status: 'warn',
          summary: `which path serves ${request} is not decidable from the API: ${match.reason}; candidates: ${match.candidates.map((c) => `${describePath(c)} -> ${describeBackend(c.backend)}`).join('; ') || 'none'}`,
          objects: [ref],
          details: {request, reason: match.reason, candidates: match.candidates.map((c) => ({rule: c.rule, path: c.path, value: c.value, pathType: c.pathType, backend: describeBackend(c.backend)})), notes},
        }
    }
  },
}
