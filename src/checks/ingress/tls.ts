import {requestHost} from '../../analysis/ingress/hostnames.js'
import {ruleHosts} from '../../analysis/ingress/rule-match.js'
import {tlsCoverage} from '../../analysis/ingress/tls.js'
import type {Check} from '../../engine/types.js'
import {ingressRef, requireIngress} from './facts.js'
import type {IngressTarget} from './target.js'

/** The host is listed in a tls[] entry (a certificate is configured for it); required for an https --url. */
export const tlsCheck: Check<IngressTarget> = {
  id: 'ingress.tls',
  title: 'TLS hosts',
  layer: 'service',
  requires: ({namespace}) => [{verb: 'get', group: 'networking.k8s.io', resource: 'ingresses', namespace}],
  async run({view, target}) {
    const ingress = await requireIngress(view, target)
    const ref = ingressRef(target)
    const tls = ingress.spec?.tls ?? []
    const hosts = target.host !== undefined ? [requestHost(target.host)] : ruleHosts(ingress)
    if (tls.length === 0) {
      if (target.scheme === 'https') {
        return {
          status: 'fail',
          summary: `Ingress ${target.namespace}/${target.name} has no tls section: https://${hosts[0] ?? ''} gets the controller's default certificate, which clients reject`,
          objects: [ref],
          details: {tls: []},
          remediation: `add spec.tls: [{hosts: [${hosts[0] ?? 'HOST'}], secretName: <a kubernetes.io/tls Secret in ${target.namespace}>}]`,
        }
      }
      return {status: 'pass', summary: 'no TLS configured on the Ingress (plain HTTP)', objects: [ref], details: {tls: []}}
    }
    const coverage = hosts.map((host) => ({host, coverage: tlsCoverage(ingress, host)}))
    const uncovered = coverage.filter((c) => c.coverage.outcome === 'not-covered')
    const defaulted = coverage.filter((c) => c.coverage.outcome === 'controller-default')
    const details = {hosts: coverage.map((c) => ({host: c.host, ...c.coverage}))}
    if (uncovered.length > 0) {
      const listed = tls.flatMap((e) => e.hosts ?? [])
      return {
        // Without an https request the host may be meant for plain HTTP only: a finding, not a failure.
        status: target.scheme === 'https' ? 'fail' : 'warn',
        summary: `${uncovered.map((c) => c.host).join(', ')} ${uncovered.length === 1 ? 'is' : 'are'} not in any tls[].hosts (${listed.join(', ') || 'none'}): HTTPS for ${uncovered.length === 1 ? 'it' : 'them'} gets the controller's default certificate`,
        objects: [ref],
        details,
        remediation: `list the host in spec.tls[].hosts (and in the Secret's certificate): kubectl -n ${target.namespace} edit ingress ${target.name}`,
      }
    }
    if (defaulted.length > 0) {
      return {status: 'warn', summary: `${defaulted.map((c) => c.host).join(', ')}: the tls[] entry lists no hosts, so the controller's own wildcard setting decides which certificate is served`, objects: [ref], details}
    }
    return {
      status: 'pass',
      summary: coverage.map((c) => (c.coverage.outcome === 'covered' ? `${c.host}: tls[${c.coverage.entry}] (secret ${c.coverage.secretName ?? 'none'})` : c.host)).join('; '),
      objects: [ref],
      details,
    }
  },
}
