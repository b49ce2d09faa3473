// The policy APIs beyond networking.k8s.io/v1 NetworkPolicy that netdiag reads (live and in snapshots).
import type {PolicyResource} from './types.js'

const k = (group: string, version: string, kind: string, plural: string, namespaced: boolean): PolicyResource => ({group, version, kind, plural, namespaced})

export const POLICY_RESOURCES: readonly PolicyResource[] = [
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

