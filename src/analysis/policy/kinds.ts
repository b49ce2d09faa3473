// The policy kinds netdiag reads, by API group AND kind (a Calico NetworkPolicy is not a Kubernetes one).
export type PolicyKindKey = string
export type EnforcerModel = 'kubernetes' | 'cilium' | 'calico'

export function kindKey(group: string, kind: string): PolicyKindKey {
  return `${group}/${kind}`
}

import {POLICY_RESOURCES} from '../../cluster/policy-resources.js'
import type {PolicyResource} from '../../cluster/types.js'

export type PolicyKind = PolicyResource

/** Every policy kind beyond networking.k8s.io/v1 NetworkPolicy, in the versions read. */
export const POLICY_KINDS: readonly PolicyKind[] = POLICY_RESOURCES

/** The snapshot kinds for the ones above (NetworkPolicy is there already). */
export const POLICY_KIND_NAMES = [...new Set(POLICY_KINDS.map((p) => p.kind))]

export const CALICO_GROUPS = ['projectcalico.org', 'crd.projectcalico.org']

/**
 * A live Calico serves its objects twice (API server v3 and the CRDs v1): read one, preferring v3. A snapshot
 * holds what was captured, so both are read there.
 */
export function preferredKinds(served: ReadonlySet<string>, live = true): PolicyKind[] {
  const v3 = live && POLICY_KINDS.some((p) => p.group === 'projectcalico.org' && served.has(kindKey(p.group, p.kind)))
  return POLICY_KINDS.filter((p) => served.has(kindKey(p.group, p.kind)) && !(v3 && p.group === 'crd.projectcalico.org'))
}
