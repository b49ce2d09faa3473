import {type DnsLookupResult, type DnsQuery, parseDnsLookup, planDnsLookup} from '../../probes/dns.js'
import type {ToolSet} from '../../probes/tools.js'
import type {CheckContext} from '../../engine/types.js'
import {probeTools} from '../probe-source.js'

export const SOURCE_CHECK = 'dns.probe.source'

export interface Lookup {
  query: DnsQuery
  /** The exact command that ran, for the report: a failure shows what ran and what it printed. */
  command?: string
  result?: DnsLookupResult
  unsupported?: string
}

/** One DNS query from the probe source, with the best client the image has. */
export async function lookup(ctx: CheckContext<unknown>, query: DnsQuery): Promise<Lookup> {
  const tools: ToolSet = probeTools(ctx, SOURCE_CHECK)
  const plan = planDnsLookup(query, tools)
  if (!plan.client) return {query, unsupported: plan.unsupported}
  const runner = await ctx.probes!.source()
  const exec = await runner.exec(plan.command, {timeoutMs: ((query.timeoutSeconds ?? 2) * (query.tries ?? 1) + 3) * 1000})
  return {query, command: plan.command.join(' '), result: parseDnsLookup(plan.client, exec)}
}

export function describeLookup(l: Lookup): string {
  if (l.unsupported) return `not testable: ${l.unsupported}`
  const r = l.result!
  if (r.status === 'NOERROR') return `${r.answers.join(', ') || 'no records'}${r.queryTimeMs !== undefined ? ` in ${r.queryTimeMs} ms` : ''}`
  return `${r.status}${r.error ? ` (${r.error})` : ''}`
}

export function evidence(l: Lookup) {
  return {command: l.command, status: l.result?.status, answers: l.result?.answers, server: l.result?.server, queryTimeMs: l.result?.queryTimeMs, excerpt: l.result?.excerpt, unsupported: l.unsupported}
}
