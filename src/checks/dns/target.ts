/** What `kubectl netdiag dns` diagnoses: DNS as pods of a namespace (or one pod) see it. */
export interface DnsTarget {
  namespace: string
  /** --from-pod: diagnose as this pod sees DNS, probing from an ephemeral container in it. */
  fromPod?: string
  /** --external-name; undefined with --external-name=none (air-gapped clusters). */
  externalName?: string
  /** --cluster-domain, else what the Corefile or resolv.conf says, else cluster.local. */
  clusterDomain?: string
  /** scan: judge only the pods that exist, not the debug pod a probe run would add. */
  existingPodsOnly?: boolean
  /** scan: a passing result is dropped whole, so its details (a verdict per label group and replica) are not built. */
  noPassDetails?: boolean
}

export const DNS_NAMESPACE = 'kube-system'
export const DNS_SERVICE = 'kube-dns'
export const DNS_SELECTOR = 'k8s-app=kube-dns'
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local'
