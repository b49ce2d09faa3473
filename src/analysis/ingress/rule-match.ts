// Which rule and path of one Ingress serve a host and path, by the Ingress spec
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types, #multiple-matches): the most
// specific host (precise, then wildcard, then a rule without host); among its paths the longest match, Exact
// before Prefix on equal length; ImplementationSpecific is the controller's to interpret, so not decidable here.
import type {Ingress, IngressBackend} from '../../cluster/types.js'
import {exactPathMatches, prefixLength, prefixPathMatches, requestPath} from '../http-paths.js'
import {type HostMatch, ingressHostMatch, requestHost} from './hostnames.js'

export interface PathRef {
  rule: number
  path: number
  host?: string
  pathType: string
  value: string
  backend: IngressBackend
}

export type IngressMatch =
  | {outcome: 'path'; chosen: PathRef; hostMatch: HostMatch; notes: string[]}
  | {outcome: 'default-backend'; backend: IngressBackend; reason: string; notes: string[]}
  | {outcome: 'no-match'; reason: string; notes: string[]}
  | {outcome: 'undecidable'; reason: string; candidates: PathRef[]; notes: string[]}

export interface MatchOptions {
  /** The controller reads paths as regular expressions (ingress-nginx use-regex / rewrite-target): not decidable. */
  regexPaths?: string
}

const HOST_ORDER: HostMatch[] = ['exact', 'wildcard', 'any']

function pathsOf(ingress: Ingress): Array<PathRef & {hostMatch?: HostMatch}> {
  return (ingress.spec?.rules ?? []).flatMap((rule, r) =>
    (rule.http?.paths ?? []).map((p, i) => ({rule: r, path: i, host: rule.host, pathType: p.pathType ?? '', value: p.path ?? '/', backend: p.backend})),
  )
}

export function describePath(p: PathRef): string {
  return `${p.host ?? '*'}${p.value} (${p.pathType || 'no pathType'}, rules[${p.rule}].http.paths[${p.path}])`
}

/** The rule and path that serve host+path; `host` undefined means "a request whose Host no rule names". */
export function matchIngress(ingress: Ingress, host: string | undefined, path: string | undefined, options: MatchOptions = {}): IngressMatch {
  const notes: string[] = []
  const wanted = requestPath(path)
  const all = pathsOf(ingress).map((p) => ({...p, hostMatch: host === undefined ? (p.host ? 'none' : 'any') : ingressHostMatch(p.host, host)}))
  const fallback = (reason: string): IngressMatch => {
    const backend = ingress.spec?.defaultBackend
    return backend ? {outcome: 'default-backend', backend, reason, notes} : {outcome: 'no-match', reason, notes}
  }
  const tier = HOST_ORDER.find((m) => all.some((p) => p.hostMatch === m))
  const shown = host === undefined ? 'any host' : `host ${requestHost(host)}`
  if (!tier) {
    const hosts = [...new Set(all.map((p) => p.host).filter(Boolean))]
    return fallback(`no rule matches ${shown} (rules name ${hosts.join(', ') || 'no host'})`)
  }
  const candidates = all.filter((p) => p.hostMatch === tier)
  if (options.regexPaths) {
    return {outcome: 'undecidable', reason: `${options.regexPaths}: the controller reads these paths as regular expressions`, candidates, notes}
  }
  const unknownTypes = candidates.filter((p) => p.pathType !== 'Exact' && p.pathType !== 'Prefix')
  const matching = candidates.filter((p) => (p.pathType === 'Exact' ? exactPathMatches(p.value, wanted) : p.pathType === 'Prefix' && prefixPathMatches(p.value, wanted)))
  // Longest path first; on equal length Exact wins (the spec's "Mixed" example); then rule order.
  matching.sort((a, b) => prefixLength(b.value) - prefixLength(a.value) || Number(b.pathType === 'Exact') - Number(a.pathType === 'Exact'))
  if (unknownTypes.length > 0) {
    const types = [...new Set(unknownTypes.map((p) => p.pathType || 'missing'))].join(', ')
    return {
      outcome: 'undecidable',
      reason: `pathType ${types} on ${unknownTypes.map(describePath).join(', ')} is interpreted by the controller, so which path serves ${wanted} is not decidable from the API`,
      candidates: [...matching, ...unknownTypes],
      notes,
    }
  }
  const lessSpecific = all.filter((p) => HOST_ORDER.indexOf(p.hostMatch) > HOST_ORDER.indexOf(tier))
  if (matching.length === 0) {
    if (lessSpecific.some((p) => (p.pathType === 'Exact' ? exactPathMatches(p.value, wanted) : p.pathType === 'Prefix' && prefixPathMatches(p.value, wanted)))) {
      notes.push(`a less specific host rule would match ${wanted}, but requests for ${shown} are routed by the ${tier === 'exact' ? 'precise' : 'wildcard'} host rule first`)
    }
    return fallback(`${shown} matches ${candidates.length === 1 ? 'rule path' : 'rule paths'} ${candidates.map(describePath).join(', ')}, none of which matches ${wanted}`)
  }
  return {outcome: 'path', chosen: matching[0]!, hostMatch: tier, notes}
}

/** Every backend an Ingress names (each path, and the default backend), for a run without --host/--path. */
export function allIngressBackends(ingress: Ingress): Array<{backend: IngressBackend; via: string}> {
  const paths = pathsOf(ingress).map((p) => ({backend: p.backend, via: describePath(p)}))
  const fallback = ingress.spec?.defaultBackend ? [{backend: ingress.spec.defaultBackend, via: 'spec.defaultBackend'}] : []
  return [...paths, ...fallback]
}

/** The distinct hosts an Ingress's rules name. */
export function ruleHosts(ingress: Ingress): string[] {
  return [...new Set((ingress.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => Boolean(h)))]
}
