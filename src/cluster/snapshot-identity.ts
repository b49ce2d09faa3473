// What makes two snapshot items one object: shared by the view (which merges and refuses conflicting copies) and
// the writer (which only claims its fast layout for a file without two copies of one object).

/** The group of an apiVersion ("networking.k8s.io/v1" -> "networking.k8s.io"); items without one get the fallback. */
export function apiGroupOf(apiVersion: unknown, fallback: string): string {
  if (typeof apiVersion !== 'string' || apiVersion === '') return fallback
  const slash = apiVersion.indexOf('/')
  return slash >= 0 ? apiVersion.slice(0, slash) : ''
}

/** The API group of the built-in kinds, for items that carry no apiVersion (and for lookups by name). */
export const BUILTIN_GROUP: Partial<Record<string, string>> = {
  Namespace: '',
  Node: '',
  Pod: '',
  Service: '',
  ConfigMap: '',
  EndpointSlice: 'discovery.k8s.io',
  NetworkPolicy: 'networking.k8s.io',
  Ingress: 'networking.k8s.io',
  IngressClass: 'networking.k8s.io',
  Deployment: 'apps',
  DaemonSet: 'apps',
}

/**
 * An object's identity: API group, kind, namespace, name. An item of a CRD kind without an apiVersion has an
 * unknown group ('?'): it is keyed apart from every grouped object rather than merged with one.
 */
export function nameKey(kind: string, namespace: string | undefined, name: string, apiVersion?: string): string {
  const group = apiVersion !== undefined ? apiGroupOf(apiVersion, '') : (BUILTIN_GROUP[kind] ?? '?')
  return `${group}/${kind}|${namespace ?? ''}|${name}`
}
