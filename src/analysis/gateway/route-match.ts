// Which rule of a route serves a plain GET request for a path (apis/v1/httproute_types.go, HTTPRouteRule.Matches):
// an Exact path before the longest PathPrefix, then a method match, then more header and query matches, then
// the first rule in list order (conformance/tests/httproute-path-match-order.go). A match that needs headers,
// query parameters or a method other than GET does not take a plain request. RegularExpression precedence is
// implementation-specific: not decidable. A rule without matches matches PathPrefix /.
// GRPCRoute (apis/v1/grpcroute_types.go): the path is /service/method; service and method match exactly
// (the default type) and an omitted one matches any.
import type {GRPCRoute, GRPCRouteMatch, HTTPRoute, HTTPRouteMatch, Route} from '../../cluster/types.js'
import {exactPathMatches, prefixLength, prefixPathMatches, requestPath} from '../http-paths.js'

export interface RuleChoice {
  rule: number
  match?: number
  describe: string
}

export type RouteMatch =
  | {outcome: 'matched'; chosen: RuleChoice; conditional: string[]}
  | {outcome: 'no-match'; reason: string; conditional: string[]}
  | {outcome: 'undecidable'; reason: string; conditional: string[]}

function httpDescribe(m: HTTPRouteMatch): string {
  const path = m.path ?? {type: 'PathPrefix', value: '/'}
  return `${path.type ?? 'PathPrefix'} ${path.value ?? '/'}`
}

function conditionsOf(m: HTTPRouteMatch): string[] {
  return [
    ...(m.method && m.method !== 'GET' ? [`method ${m.method}`] : []),
    ...(m.headers ?? []).map((h) => `header ${h.name}`),
    ...(m.queryParams ?? []).map((q) => `query ${q.name}`),
  ]
}

function matchHttp(route: HTTPRoute, path: string): RouteMatch {
  const wanted = requestPath(path)
  const conditional: string[] = []
  let best: {score: number[]; choice: RuleChoice} | undefined
  for (const [r, rule] of (route.spec?.rules ?? []).entries()) {
    const matches: Array<HTTPRouteMatch | undefined> = rule.matches?.length ? rule.matches : [undefined]
    for (const [i, m] of matches.entries()) {
      const match = m ?? {}
      const type = match.path?.type ?? 'PathPrefix'
      const value = match.path?.value ?? '/'
      if (type === 'RegularExpression') {
        return {outcome: 'undecidable', reason: `rules[${r}].matches[${i}] is a RegularExpression path (${value}): its precedence is implementation-specific`, conditional}
      }
      const hit = type === 'Exact' ? exactPathMatches(value, wanted) : type === 'PathPrefix' ? prefixPathMatches(value, wanted) : false
      if (!hit) continue
      const needs = conditionsOf(match)
      if (needs.length > 0) {
        conditional.push(`rules[${r}].matches[${i}] (${httpDescribe(match)}) only with ${needs.join(', ')}`)
        continue
      }
      const score = [type === 'Exact' ? 1 : 0, prefixLength(value), match.method ? 1 : 0]
      if (!best || compare(score, best.score) > 0) best = {score, choice: {rule: r, ...(m ? {match: i} : {}), describe: `rules[${r}]${m ? `.matches[${i}]` : ''} (${httpDescribe(match)})`}}
    }
  }
  if (best) return {outcome: 'matched', chosen: best.choice, conditional}
  return {outcome: 'no-match', reason: `no rule matches a plain GET of ${wanted}`, conditional}
}

function grpcDescribe(m: GRPCRouteMatch): string {
  const method = m.method
  return method ? `${method.type ?? 'Exact'} ${method.service ?? '*'}/${method.method ?? '*'}` : 'any method'
}

function matchGrpc(route: GRPCRoute, path: string): RouteMatch {
  const [, service, method] = /^\/([^/]+)\/([^/]+)$/.exec(requestPath(path)) ?? []
  const conditional: string[] = []
  if (!service || !method) return {outcome: 'no-match', reason: `${path} is not a gRPC path (/package.Service/Method)`, conditional}
  let best: {score: number[]; choice: RuleChoice} | undefined
  for (const [r, rule] of (route.spec?.rules ?? []).entries()) {
    const matches: Array<GRPCRouteMatch | undefined> = rule.matches?.length ? rule.matches : [undefined]
    for (const [i, m] of matches.entries()) {
      const match = m ?? {}
      if ((match.method?.type ?? 'Exact') === 'RegularExpression') {
        return {outcome: 'undecidable', reason: `rules[${r}].matches[${i}] is a RegularExpression method match: its precedence is implementation-specific`, conditional}
      }
      const hit = (match.method?.service === undefined || match.method.service === service) && (match.method?.method === undefined || match.method.method === method)
      if (!hit) continue
      if ((match.headers ?? []).length > 0) {
        conditional.push(`rules[${r}].matches[${i}] (${grpcDescribe(match)}) only with ${(match.headers ?? []).map((h) => `header ${h.name}`).join(', ')}`)
        continue
      }
      const score = [match.method?.service?.length ?? 0, match.method?.method?.length ?? 0]
      if (!best || compare(score, best.score) > 0) best = {score, choice: {rule: r, ...(m ? {match: i} : {}), describe: `rules[${r}]${m ? `.matches[${i}]` : ''} (${grpcDescribe(match)})`}}
    }
  }
  if (best) return {outcome: 'matched', chosen: best.choice, conditional}
  return {outcome: 'no-match', reason: `no rule matches ${service}/${method}`, conditional}
}

export function matchRoute(route: Route, path: string): RouteMatch {
  return route.kind === 'GRPCRoute' ? matchGrpc(route as GRPCRoute, path) : matchHttp(route as HTTPRoute, path)
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return 0
}
