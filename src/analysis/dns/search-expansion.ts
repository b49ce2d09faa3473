import type {FindingSeverity} from './corefile-lint.js'

export type ResolverFlavor = 'glibc' | 'musl'

export interface SearchConfig {
  search: string[]
  ndots: number
  /** glibc (Debian, Ubuntu, distroless) or musl (Alpine). Default glibc. */
  resolver?: ResolverFlavor
}

/**
 * The fully qualified names a stub resolver tries, in order, for `name`.
 * glibc (res_search): a name with at least ndots dots is tried as-is first and then with each search suffix;
 * otherwise the suffixes come first and the name as-is last. musl uses the search list only when the name has
 * fewer than ndots dots. A trailing dot means "absolute": only that name.
 */
export function resolverCandidates(name: string, config: SearchConfig): string[] {
  if (name.endsWith('.')) return [name]
  const dots = (name.match(/\./g) ?? []).length
  const absolute = `${name}.`
  const suffixed = config.search.filter((s) => s !== '.' && s !== '').map((s) => `${name}.${s.replace(/\.$/, '')}.`)
  if (dots >= config.ndots) return config.resolver === 'musl' ? [absolute] : [absolute, ...suffixed]
  return [...suffixed, absolute]
}

export interface QueryCost {
  /** Names tried up to and including the one that answers. */
  names: string[]
  /** DNS queries sent: names x address families (A and AAAA by default). */
  queries: number
}

/**
 * What a lookup costs when the name exists only as `answeredBy` (default: as written, i.e. an external name):
 * every name before it returns NXDOMAIN first. Pass answeredBy: null for a name that exists nowhere.
 */
export function lookupCost(
  name: string,
  config: SearchConfig,
  options: {families?: 1 | 2; answeredBy?: string | null} = {},
): QueryCost {
  const candidates = resolverCandidates(name, config)
  const families = options.families ?? 2
  const target = options.answeredBy === null ? undefined : normalizeFqdn(options.answeredBy ?? name)
  const index = target === undefined ? -1 : candidates.indexOf(target)
  const names = index === -1 ? candidates : candidates.slice(0, index + 1)
  return {names, queries: names.length * families}
}

function normalizeFqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`
}

export interface SearchCostFinding {
  severity: FindingSeverity
  code: string
  message: string
  remediation: string
  details: {name: string; names: string[]; queries: number}
}

/**
 * A finding when resolving an external name through the search list costs more than `infoAbove` queries (info:
 * normal with ndots:5, worth knowing) or `warnAbove` (warn: node search domains make it worse than a default
 * cluster; the GKE default, 6 names x 2, is the limit of normal).
 */
export function externalNameCost(
  name: string,
  config: SearchConfig,
  thresholds: {infoAbove?: number; warnAbove?: number; clusterDomain?: string} = {},
): SearchCostFinding | undefined {
  const clusterDomain = (thresholds.clusterDomain ?? 'cluster.local').replace(/\.$/, '')
  const fqdn = normalizeFqdn(name)
  if (fqdn === `${clusterDomain}.` || fqdn.endsWith(`.${clusterDomain}.`)) return undefined
  const cost = lookupCost(name, config)
  const infoAbove = thresholds.infoAbove ?? 2
  const warnAbove = thresholds.warnAbove ?? 12
  if (cost.queries <= infoAbove) return undefined
  const wasted = cost.names.length - 1
  const dots = (name.match(/\./g) ?? []).length
  return {
    severity: cost.queries > warnAbove ? 'warn' : 'info',
    code: 'search-list-amplification',
    message: `Resolving ${name} sends ${cost.queries} queries: ${wasted} search-list name${wasted === 1 ? '' : 's'} (${cost.names.slice(0, wasted).join(', ')}) get NXDOMAIN before ${fqdn} (ndots:${config.ndots}, the name has ${dots} dot${dots === 1 ? '' : 's'})`,
    remediation: `Use the FQDN with a trailing dot ("${fqdn}") in the application, or lower ndots for this workload: spec.dnsConfig.options: [{name: ndots, value: "2"}]`,
    details: {name, names: cost.names, queries: cost.queries},
  }
}
