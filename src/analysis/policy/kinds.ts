// The policy kinds netdiag reads, by API group AND kind (a Calico NetworkPolicy is not a Kubernetes one).
export type PolicyKindKey = string
export type EnforcerModel = 'kubernetes' | 'cilium' | 'calico'

export function kindKey(group: string, kind: string): PolicyKindKey {
  return `${group}/${kind}`
}

export interface PolicyKind {
  group: string
  version: string
  kind: string
  plural: string
  namespaced: boolean
}

const k = (group: string, version: string, kind: string, plural: string, namespaced: boolean): PolicyKind => ({group, version, kind, plural, namespaced})

/** Every policy kind beyond networking.k8s.io/v1 NetworkPolicy, in the versions read. */
export const POLICY_KINDS: readonly PolicyKind[] = [
  k('policy.networking.k8s.io', 'v1alpha1', 'AdminNetworkPolicy', 'adminnetworkpolicies', false),
  k('policy.networking.k8s.io', 'v1alpha1', 'BaselineAdminNetworkPolicy', 'baselineadminnetworkpolicies', false),
  k('policy.networking.k8s.io', 'v1alpha2', 'ClusterNetworkPolicy', 'clusternetworkpolicies', false),
  k('cilium.io', 'v2', 'CiliumNetworkPolicy', 'ciliumnetworkpolicies', true),
  k('cilium.io', 'v2', 'CiliumClusterwideNetworkPolicy', 'ciliumclusterwidenetworkpolicies', false),
  k('projectcalico.org', 'v3', 'NetworkPolicy', 'networkpolicies', true),
  k('projectcalico.org', 'v3', 'GlobalNetworkPolicy', 'globalnetworkpolicies', false),
  k('projectcalico.org', 'v3', 'Tier', 'tiers', false),
  k('projectcalico.org', 'v3', 'StagedNetworkPolicy', 'stagednetworkpolicies', true),
  k('projectcalico.org', 'v3', 'StagedGlobalNetworkPolicy', 'stagedglobalnetworkpolicies', false),
  k('projectcalico.org', 'v3', 'StagedKubernetesNetworkPolicy', 'stagedkubernetesnetworkpolicies', true),
  k('crd.projectcalico.org', 'v1', 'NetworkPolicy', 'networkpolicies', true),
  k('crd.projectcalico.org', 'v1', 'GlobalNetworkPolicy', 'globalnetworkpolicies', false),
  k('crd.projectcalico.org', 'v1', 'Tier', 'tiers', false),
]

/** The snapshot kinds for the ones above (NetworkPolicy is there already). */
export const POLICY_KIND_NAMES = [...new Set(POLICY_KINDS.map((p) => p.kind))]

export const CALICO_GROUPS = ['projectcalico.org', 'crd.projectcalico.org']

/** Calico serves its objects twice (API server v3 and the CRDs v1): read one, preferring v3. */
export function preferredKinds(served: ReadonlySet<string>): PolicyKind[] {
  const v3 = POLICY_KINDS.some((p) => p.group === 'projectcalico.org' && served.has(kindKey(p.group, p.kind)))
  return POLICY_KINDS.filter((p) => served.has(kindKey(p.group, p.kind)) && !(v3 && p.group === 'crd.projectcalico.org'))
}
