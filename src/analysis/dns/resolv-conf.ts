import type {Pod} from '../../cluster/types.js'
import type {FindingSeverity} from './corefile-lint.js'

export interface ResolvConf {
  /** In file order, all of them (resolvers use only the first MAX_RESOLVER_NAMESERVERS). */
  nameservers: string[]
  /** From the last `search` or `domain` line (they override each other, last one wins). */
  search: string[]
  /** Every option in file order, as written: `ndots:5`, `single-request-reopen`. */
  options: string[]
  /** Effective values (glibc defaults when absent: ndots 1, timeout 5, attempts 2). */
  ndots: number
  timeout: number
  attempts: number
  /** Lines the resolver does not understand, with their 1-based line number. */
  unknown: {line: number; text: string}[]
}

/** glibc MAXNS and musl MAXNS: later nameservers are ignored. */
export const MAX_RESOLVER_NAMESERVERS = 3
/** Kubernetes validation (MaxDNSSearchPaths / MaxDNSSearchListChars): ExpandedDNSConfig, on by default since 1.26, GA in 1.28 (KEP-2595). */
export const MAX_KUBELET_SEARCH_DOMAINS = 32
export const MAX_KUBELET_SEARCH_CHARS = 2048
/** The old limit: Kubernetes before 1.28 (without ExpandedDNSConfig), glibc before 2.26, musl's 256-byte search buffer. */
export const LEGACY_SEARCH_DOMAINS = 6
export const LEGACY_SEARCH_CHARS = 256

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = {nameservers: [], search: [], options: [], ndots: 1, timeout: 5, attempts: 2, unknown: []}
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return
    const [keyword, ...rest] = line.split(/\s+/)
    switch (keyword) {
      case 'nameserver':
        if (rest[0]) conf.nameservers.push(rest[0])
        break
      case 'search':
      case 'domain':
        conf.search = keyword === 'domain' ? rest.slice(0, 1) : stripComment(rest)
        break
      case 'options':
        for (const opt of stripComment(rest)) {
          conf.options.push(opt)
          const [name, value] = opt.split(':')
          const n = Number(value)
          if (name === 'ndots' && Number.isInteger(n) && n >= 0) conf.ndots = Math.min(n, 15)
          if (name === 'timeout' && Number.isInteger(n) && n >= 0) conf.timeout = Math.min(n, 30)
          if (name === 'attempts' && Number.isInteger(n) && n >= 0) conf.attempts = Math.min(n, 5)
        }
        break
      case 'sortlist':
        break
      default:
        conf.unknown.push({line: index + 1, text: raw})
    }
  })
  return conf
}

function stripComment(words: string[]): string[] {
  const end = words.findIndex((w) => w.startsWith('#') || w.startsWith(';'))
  return end === -1 ? words : words.slice(0, end)
}

export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None'

export interface ExpectedResolvConf {
  /** What the kubelet actually applies: a hostNetwork pod with ClusterFirst gets `Default`. */
  effectivePolicy: DnsPolicy
  declaredPolicy: DnsPolicy
  /** Undefined when it depends on the node's resolv.conf and that was not given. */
  nameservers?: string[]
  /** Search list; when `searchComplete` is false, only this prefix is known (node search domains follow). */
  search: string[]
  searchComplete: boolean
  /** Options the kubelet writes (`ndots:5` for cluster DNS), merged with dnsConfig.options. */
  options: string[]
  /** Why the result is what it is (fallbacks, truncation), for the report. */
  notes: string[]
}

export interface ExpectedResolvConfInput {
  clusterDomain: string
  /** The kubelet's clusterDNS (usually the kube-dns Service IP). */
  clusterDNS: string[]
  /** The resolv.conf the kubelet reads (its `resolvConf` setting), used for Default and appended search domains. */
  nodeResolvConf?: ResolvConf
}

/** What the kubelet writes into the pod's /etc/resolv.conf (pkg/kubelet/network/dns GetPodDNS). */
export function expectedResolvConf(pod: Pod, input: ExpectedResolvConfInput): ExpectedResolvConf {
  const spec = pod.spec ?? ({} as NonNullable<Pod['spec']>)
  const declared = (spec.dnsPolicy ?? 'ClusterFirst') as DnsPolicy
  const notes: string[] = []
  const node = input.nodeResolvConf
  // The kubelet drops `.` and trailing dots from the host search line.
  const hostSearch = node ? node.search.filter((s) => s !== '.').map((s) => s.replace(/\.$/, '')) : undefined
  let effective: DnsPolicy = declared
  if (declared === 'ClusterFirst' && spec.hostNetwork) {
    effective = 'Default'
    notes.push('ClusterFirst on a hostNetwork pod falls back to Default (the node resolv.conf): cluster names do not resolve; use ClusterFirstWithHostNet')
  }
  let nameservers: string[] | undefined
  let search: string[]
  let searchComplete: boolean
  let options: string[]
  if ((effective === 'ClusterFirst' || effective === 'ClusterFirstWithHostNet') && input.clusterDNS.length === 0) {
    notes.push('the kubelet has no clusterDNS configured: ClusterFirst falls back to Default')
    effective = 'Default'
  }
  if (effective === 'None') {
    nameservers = []
    search = []
    searchComplete = true
    options = []
  } else if (effective === 'Default') {
    nameservers = node ? [...node.nameservers] : undefined
    search = hostSearch ?? []
    searchComplete = node !== undefined
    options = node ? [...node.options] : []
  } else {
    const namespace = pod.metadata?.namespace ?? 'default'
    const domain = input.clusterDomain.replace(/\.$/, '')
    nameservers = [...input.clusterDNS]
    search = unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(hostSearch ?? [])])
    searchComplete = hostSearch !== undefined
    options = ['ndots:5']
  }

  const dnsConfig = spec.dnsConfig
  if (dnsConfig) {
    if (nameservers !== undefined) nameservers = unique([...nameservers, ...(dnsConfig.nameservers ?? [])])
    const extra = dnsConfig.searches ?? []
    if (searchComplete) search = unique([...search, ...extra])
    else if (extra.length > 0) notes.push(`dnsConfig.searches (${extra.join(' ')}) follow the node search domains`)
    options = mergeOptions(options, dnsConfig.options ?? [])
  }
  if (nameservers !== undefined && nameservers.length > MAX_RESOLVER_NAMESERVERS) {
    notes.push(`more than ${MAX_RESOLVER_NAMESERVERS} nameservers: the kubelet keeps the first ${MAX_RESOLVER_NAMESERVERS} (event DNSConfigForming)`)
    nameservers = nameservers.slice(0, MAX_RESOLVER_NAMESERVERS)
  }
  if (searchComplete) {
    const fitted = fitSearchLimits(search)
    if (fitted.length < search.length) {
      notes.push(`search list over ${MAX_KUBELET_SEARCH_DOMAINS} domains or ${MAX_KUBELET_SEARCH_CHARS} characters: the kubelet drops the last ones (event DNSConfigForming)`)
      search = fitted
    }
  }
  return {effectivePolicy: effective, declaredPolicy: declared, nameservers, search, searchComplete, options, notes}
}

/** Same name: the pod's dnsConfig option wins (kubelet mergeDNSOptions). Order is not significant. */
function mergeOptions(base: string[], extra: {name?: string; value?: string}[]): string[] {
  const merged = new Map<string, string | undefined>()
  for (const o of base) {
    const i = o.indexOf(':')
    merged.set(i === -1 ? o : o.slice(0, i), i === -1 ? undefined : o.slice(i + 1))
  }
  for (const o of extra) if (o.name) merged.set(o.name, o.value ?? undefined)
  return [...merged].map(([k, v]) => (v === undefined || v === '' ? k : `${k}:${v}`))
}

function fitSearchLimits(search: string[]): string[] {
  let s = search.slice(0, MAX_KUBELET_SEARCH_DOMAINS)
  while (s.length > 0 && s.join(' ').length > MAX_KUBELET_SEARCH_CHARS) s = s.slice(0, -1)
  return s
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

export interface ResolvConfFinding {
  severity: FindingSeverity
  code: string
  message: string
  remediation: string
}

/** Compares a pod's actual /etc/resolv.conf with what its spec and the kubelet should have produced. */
export function checkResolvConf(actual: ResolvConf, expected: ExpectedResolvConf, clusterDomain = 'cluster.local'): ResolvConfFinding[] {
  const findings: ResolvConfFinding[] = []
  const usedServers = actual.nameservers.slice(0, MAX_RESOLVER_NAMESERVERS)
  const clusterPolicy = expected.effectivePolicy === 'ClusterFirst' || expected.effectivePolicy === 'ClusterFirstWithHostNet'

  if (actual.nameservers.length === 0) {
    findings.push({
      severity: 'fail',
      code: 'no-nameserver',
      message: 'resolv.conf has no nameserver line: the resolver falls back to 127.0.0.1, where nothing answers in a pod',
      remediation: 'Check the pod dnsPolicy/dnsConfig (dnsPolicy: None needs dnsConfig.nameservers)',
    })
  } else if (expected.nameservers !== undefined && !sameList(usedServers, expected.nameservers)) {
    findings.push({
      severity: 'fail',
      code: 'nameserver-mismatch',
      message: `resolv.conf uses nameserver ${usedServers.join(', ')} but dnsPolicy ${expected.effectivePolicy} should give ${expected.nameservers.join(', ') || '(none)'}`,
      remediation: clusterPolicy
        ? 'Check the kubelet clusterDNS (it must be the kube-dns Service ClusterIP: kubectl -n kube-system get svc kube-dns) and that nothing (image, init container, mutating webhook) rewrites /etc/resolv.conf'
        : 'Check the kubelet resolvConf and the pod dnsConfig',
    })
  }
  if (actual.nameservers.length > MAX_RESOLVER_NAMESERVERS) {
    findings.push({
      severity: 'warn',
      code: 'too-many-nameservers',
      message: `resolv.conf lists ${actual.nameservers.length} nameservers; glibc and musl use only the first ${MAX_RESOLVER_NAMESERVERS} (${actual.nameservers.slice(MAX_RESOLVER_NAMESERVERS).join(', ')} ignored)`,
      remediation: 'Keep at most 3 nameservers (node resolv.conf or dnsConfig.nameservers)',
    })
  }

  if (clusterPolicy) {
    const nsSearch = expected.search[0]
    if (nsSearch && !actual.search.includes(nsSearch)) {
      findings.push({
        severity: 'fail',
        code: 'namespace-search-missing',
        message: `search list lacks ${nsSearch}: short Service names (e.g. "my-svc") from this namespace do not resolve`,
        remediation: 'Do not override /etc/resolv.conf in the image; with dnsPolicy None, add the namespace search domain to dnsConfig.searches',
      })
    } else if (!sameList(expected.searchComplete ? actual.search : actual.search.slice(0, expected.search.length), expected.search)) {
      findings.push({
        severity: 'warn',
        code: 'search-mismatch',
        message: `search list is "${actual.search.join(' ')}", expected ${expected.searchComplete ? '' : 'to start with '}"${expected.search.join(' ')}"`,
        remediation: 'Check the pod dnsConfig.searches and the node resolv.conf search line',
      })
    }
  } else if (expected.searchComplete && !sameList(actual.search, expected.search)) {
    findings.push({
      severity: 'warn',
      code: 'search-mismatch',
      message: `search list is "${actual.search.join(' ')}", expected "${expected.search.join(' ')}"`,
      remediation: 'Check the pod dnsConfig.searches and the node resolv.conf search line',
    })
  }

  const expectedNdots = optionValue(expected.options, 'ndots')
  if (expectedNdots !== undefined && Number(expectedNdots) !== actual.ndots) {
    findings.push({
      severity: 'warn',
      code: 'ndots-mismatch',
      message: `ndots is ${actual.ndots}, expected ${expectedNdots}`,
      remediation: 'Check dnsConfig.options and whether something rewrites /etc/resolv.conf',
    })
  }
  if (clusterPolicy && actual.ndots < 2 && actual.search.some((s) => s.endsWith(`svc.${clusterDomain.replace(/\.$/, '')}`))) {
    findings.push({
      severity: 'info',
      code: 'ndots-too-low',
      message: `ndots:${actual.ndots}: names with a dot such as "my-svc.my-namespace" are first sent upstream as absolute names, and only get the cluster search domains after that fails (slower; with musl they never do)`,
      remediation: 'Use ndots:2 or more, or full names (my-svc.my-namespace.svc.cluster.local)',
    })
  }

  const searchChars = actual.search.join(' ').length
  if (actual.search.length > MAX_KUBELET_SEARCH_DOMAINS || searchChars > MAX_KUBELET_SEARCH_CHARS) {
    findings.push({
      severity: 'warn',
      code: 'search-over-kubelet-limit',
      message: `search list has ${actual.search.length} domains / ${searchChars} characters, over the kubelet limit of ${MAX_KUBELET_SEARCH_DOMAINS} / ${MAX_KUBELET_SEARCH_CHARS}: this file was not written by the kubelet`,
      remediation: 'Find what rewrites /etc/resolv.conf in the pod',
    })
  } else if (actual.search.length > LEGACY_SEARCH_DOMAINS || searchChars > LEGACY_SEARCH_CHARS) {
    findings.push({
      severity: 'info',
      code: 'search-over-legacy-limit',
      message: `search list has ${actual.search.length} domains / ${searchChars} characters: glibc older than 2.26 uses only the first ${LEGACY_SEARCH_DOMAINS} domains / ${LEGACY_SEARCH_CHARS} characters and musl (Alpine) reads at most ${LEGACY_SEARCH_CHARS} characters of it`,
      remediation: 'Trim node search domains or dnsConfig.searches if images are Alpine or old glibc',
    })
  }
  return findings
}

function optionValue(options: string[], name: string): string | undefined {
  for (const o of [...options].reverse()) {
    const [k, v] = o.split(':')
    if (k === name) return v
  }
  return undefined
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
