import type {RouteKind} from '../../cluster/types.js'

/** What `kubectl netdiag route NAME` diagnoses: one HTTPRoute or GRPCRoute, for a host and path when given. */
export interface RouteTarget {
  namespace: string
  name: string
  kind: RouteKind
  host?: string
  path?: string
  scheme?: 'http' | 'https'
}
