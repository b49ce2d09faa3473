// Port matching shared by the adapters: numbers, ranges and named ports (resolved on the destination pod).
import {findNamedPort, normalizeProtocol} from '../../ports.js'
import {NO, YES, type Match, type RuleContext} from '../model.js'

export type PortMatcher =
  | {kind: 'number'; protocol?: string; port: number; endPort?: number}
  | {kind: 'named'; protocol?: string; name: string}
  /** Every port of a protocol, or of every protocol when protocol is undefined. */
  | {kind: 'any'; protocol?: string}

export function portMatches(matcher: PortMatcher, ctx: RuleContext): boolean {
  const protocol = normalizeProtocol(ctx.traffic.protocol)
  if (matcher.protocol !== undefined && normalizeProtocol(matcher.protocol) !== protocol) return false
  switch (matcher.kind) {
    case 'any':
      return true
    case 'number':
      return matcher.endPort !== undefined ? ctx.traffic.port >= matcher.port && ctx.traffic.port <= matcher.endPort : ctx.traffic.port === matcher.port
    case 'named': {
      if (!ctx.dst.pod) return ctx.traffic.name === matcher.name
      return findNamedPort(ctx.dst.pod, matcher.name, protocol)?.containerPort === ctx.traffic.port
    }
  }
}

/** An empty list means every port. */
export function portsMatch(matchers: readonly PortMatcher[] | undefined, ctx: RuleContext): Match {
  if (!matchers || matchers.length === 0) return YES
  return matchers.some((m) => portMatches(m, ctx)) ? YES : NO
}

export function formatPort(m: PortMatcher): string {
  if (m.kind === 'any') return m.protocol ? `all ${m.protocol} ports` : 'all ports'
  if (m.kind === 'named') return `named port ${m.name}${m.protocol ? `/${m.protocol}` : ''}`
  return `${m.port}${m.endPort !== undefined ? `-${m.endPort}` : ''}${m.protocol ? `/${m.protocol}` : ''}`
}
