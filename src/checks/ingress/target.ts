/** What `kubectl netdiag ingress NAME` diagnoses: one Ingress, for a host and path when given. */
export interface IngressTarget {
  namespace: string
  name: string
  /** --host, or the host of --url. */
  host?: string
  /** --path, or the path of --url. */
  path?: string
  /** The scheme of --url: https makes TLS coverage of the host required. */
  scheme?: 'http' | 'https'
}
