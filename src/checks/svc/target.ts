/** What `kubectl netdiag svc NAME` diagnoses: one Service, as a client in its namespace (or one pod) reaches it. */
export interface SvcTarget {
  namespace: string
  name: string
  /** --port: a Service port name or number (else every port). */
  port?: string
  /** --from-pod: the client; probes run in an ephemeral container in it, policies use its labels. */
  fromPod?: string
  /** The --from-pod pod's namespace, when it is not the Service's (`--from-pod payments/api-0`). */
  fromPodNamespace?: string
  /** --cluster-domain, else what the probe source's resolv.conf says, else cluster.local. */
  clusterDomain?: string
  /** --ip-family: the address family the client uses (else every family the Service has). */
  ipFamily?: 'IPv4' | 'IPv6'
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'
export const SYSTEM_NAMESPACE = 'kube-system'
export const KUBE_PROXY_SELECTOR = 'k8s-app=kube-proxy'
export const KUBE_DNS_SELECTOR = 'k8s-app=kube-dns'
/** Endpoints probed directly per Service port, at most: enough to see a pattern, bounded in time. */
export const MAX_PROBED_ENDPOINTS = 8
