// The names a client uses for a Service, and what a resolver answers for them.

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local'

export interface ServiceNames {
  /** `backend`: resolves only from pods in the Service's namespace (through the search list). */
  short: string
  /** `backend.shop`. */
  namespaced: string
  /** `backend.shop.svc.cluster.local.` */
  fqdn: string
}

export function serviceDnsNames(name: string, namespace: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): ServiceNames {
  return {short: name, namespaced: `${name}.${namespace}`, fqdn: `${name}.${namespace}.svc.${clusterDomain}.`}
}

/** The cluster domain from a pod's search list: the suffix after `<namespace>.svc.`. */
export function clusterDomainFromSearch(search: readonly string[], namespace: string): string | undefined {
  const prefix = `${namespace}.svc.`
  const own = search.find((d) => d.startsWith(prefix))
  if (own) return own.slice(prefix.length).replace(/\.$/, '')
  const svc = search.find((d) => d.startsWith('svc.'))
  return svc ? svc.slice(4).replace(/\.$/, '') : undefined
}

/** Service names in other namespaces, as a client in `namespace` must write them. */
export function crossNamespaceAddresses(name: string, namespaces: readonly string[], clusterDomain = DEFAULT_CLUSTER_DOMAIN): string[] {
  return [...namespaces].sort().map((ns) => `${name}.${ns} (${name}.${ns}.svc.${clusterDomain})`)
}

export interface ResolutionExpectation {
  /** Addresses an answer must consist of. */
  expected: string[]
  /** The answer is a CNAME to this name (ExternalName). */
  cname?: string
}

export type ResolutionVerdict = 'ok' | 'nxdomain' | 'wrong-address' | 'no-answer' | 'error'

/** Compares what a lookup returned with what the Service should resolve to. */
export function judgeResolution(addresses: readonly string[], expectation: ResolutionExpectation, failed: 'nxdomain' | 'error' | undefined): ResolutionVerdict {
  if (failed) return failed
  if (addresses.length === 0) return expectation.cname ? 'ok' : 'no-answer'
  if (expectation.expected.length === 0) return 'ok'
  const expected = new Set(expectation.expected)
  return addresses.some((a) => expected.has(a)) ? 'ok' : 'wrong-address'
}
