// Every policy object of a cluster (or of the namespaces a run looks at), adapted once and ordered the way
// the enforcer evaluates them.
import type {NetworkPolicy} from '../../cluster/types.js'
import {buildPolicyIndex, type PolicyIndex} from '../network-policy/policy-index.js'
import {adaptAdminNetworkPolicy, adaptBaselineAdminNetworkPolicy, adaptClusterNetworkPolicy} from './adapters/admin-network-policy.js'
import {adaptCalicoPolicy, calicoTierOf, isStagedCalicoKind, type CalicoTierSpec} from './adapters/calico.js'
import {adaptCiliumPolicy} from './adapters/cilium.js'
import {adaptNetworkPolicyForCalico, networkPolicyRef, validateNetworkPolicy} from './adapters/network-policy.js'
import {describeRef, PolicyInputError, type NormalizedPolicy, type PolicyObjectRef} from './model.js'
import {kindKey, type EnforcerModel, type PolicyKindKey} from './kinds.js'

/** The objects as the API (or a snapshot) gives them; each list may be absent (kind not served or not read). */
export interface PolicyObjects {
  networkPolicies?: readonly NetworkPolicy[]
  /** Every other policy object, of any kind in kinds.ts, with apiVersion and kind set. */
  others?: readonly PolicyObject[]
}

export interface PolicyObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string}
  spec?: unknown
}

export interface EvaluatedTier {
  name: string
  order?: number
  defaultAction: 'Deny' | 'Pass'
  policies: NormalizedPolicy[]
}

export interface PolicySet {
  enforcer: EnforcerModel
  networkPolicies: PolicyIndex
  admin: NormalizedPolicy[]
  baseline: NormalizedPolicy[]
  cilium: NormalizedPolicy[]
  tiers: EvaluatedTier[]
  /** Objects present that nothing running enforces, or that never enforce (staged): findings, never rules. */
  notEnforced: {ref: PolicyObjectRef; reason: string}[]
  /** How many policy objects of each kind the set holds (enforced or not). */
  counts: Record<string, number>
}

function byPriority(a: NormalizedPolicy, b: NormalizedPolicy): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY
  const pb = b.priority ?? Number.POSITIVE_INFINITY
  if (pa !== pb) return pa < pb ? -1 : 1
  const na = `${a.ref.namespace ?? ''}/${a.ref.name}`
  const nb = `${b.ref.namespace ?? ''}/${b.ref.name}`
  return na < nb ? -1 : na > nb ? 1 : 0
}

function refOf(object: PolicyObject): PolicyObjectRef {
  return {kind: object.kind ?? '?', apiVersion: object.apiVersion ?? '?', ...(object.metadata?.namespace ? {namespace: object.metadata.namespace} : {}), name: object.metadata?.name ?? ''}
}

/**
 * Adapts and orders every object. Malformed objects throw PolicyInputError (fail closed), whether or not the
 * enforcer runs them: a policy nobody can read is never silently an "allowed".
 */
export function buildPolicySet(objects: PolicyObjects, enforcer: {model: EnforcerModel; enforces: ReadonlySet<PolicyKindKey>; name: string}): PolicySet {
  for (const policy of objects.networkPolicies ?? []) validateNetworkPolicy(policy)
  const networkPolicies = buildPolicyIndex(objects.networkPolicies ?? [])
  for (const {policy, problems} of networkPolicies.problems()) {
    const [field, ...detail] = problems[0]!.split(': ')
    throw new PolicyInputError(networkPolicyRef(policy), `spec.${field}`, detail.join(': ') || problems[0]!)
  }
  const set: PolicySet = {enforcer: enforcer.model, networkPolicies, admin: [], baseline: [], cilium: [], tiers: [], notEnforced: [], counts: {}}
  const count = (key: string) => (set.counts[key] = (set.counts[key] ?? 0) + 1)
  if ((objects.networkPolicies ?? []).length) set.counts[kindKey('networking.k8s.io', 'NetworkPolicy')] = objects.networkPolicies!.length
  const calico: NormalizedPolicy[] = []
  const tierSpecs: CalicoTierSpec[] = []
  for (const object of objects.others ?? []) {
    const ref = refOf(object)
    const key = kindKey(ref.apiVersion.split('/')[0]!, ref.kind)
    count(key)
    let adapted: NormalizedPolicy | undefined
    switch (key) {
      case 'policy.networking.k8s.io/AdminNetworkPolicy':
        adapted = adaptAdminNetworkPolicy(object)
        break
      case 'policy.networking.k8s.io/BaselineAdminNetworkPolicy':
        adapted = adaptBaselineAdminNetworkPolicy(object)
        break
      case 'policy.networking.k8s.io/ClusterNetworkPolicy':
        adapted = adaptClusterNetworkPolicy(object)
        break
      case 'cilium.io/CiliumNetworkPolicy':
      case 'cilium.io/CiliumClusterwideNetworkPolicy':
        adapted = adaptCiliumPolicy(object)
        break
      case 'projectcalico.org/Tier':
      case 'crd.projectcalico.org/Tier':
        tierSpecs.push(calicoTierOf(object))
        continue
      default:
        if (key.startsWith('projectcalico.org/') || key.startsWith('crd.projectcalico.org/')) {
          adapted = adaptCalicoPolicy(object)
          if (isStagedCalicoKind(ref.kind)) {
            set.notEnforced.push({ref, reason: `${describeRef(ref)} is staged: staged policies report what they would do and never enforce`})
            continue
          }
        } else {
          throw new PolicyInputError(ref, 'kind', 'is not a policy kind netdiag reads')
        }
    }
    if (!enforcer.enforces.has(key)) {
      set.notEnforced.push({ref, reason: `${describeRef(ref)} exists but ${enforcer.name} does not enforce ${ref.kind}: it decides nothing`})
      continue
    }
    if (enforcer.model === 'calico' && adapted.layer === 'calico') calico.push(adapted)
    else if (adapted.layer === 'admin') set.admin.push(adapted)
    else if (adapted.layer === 'baseline') set.baseline.push(adapted)
    else if (adapted.layer === 'cilium') set.cilium.push(adapted)
    else calico.push(adapted)
  }
  set.admin.sort(byPriority)
  set.baseline.sort(byPriority)
  if (enforcer.model === 'calico') set.tiers = calicoTiers(set, calico, tierSpecs, networkPolicies)
  return set
}

/**
 * Calico's tier order: AdminNetworkPolicy in tier `adminnetworkpolicy` (order 1000, defaultAction Pass; ANP
 * priority is the order), user tiers by order, `default` (order 1,000,000; Kubernetes NetworkPolicy at order
 * 1000), then BaselineAdminNetworkPolicy last (docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy).
 */
function calicoTiers(set: PolicySet, calico: NormalizedPolicy[], specs: CalicoTierSpec[], networkPolicies: PolicyIndex): EvaluatedTier[] {
  const tiers = new Map<string, EvaluatedTier>()
  tiers.set('default', {name: 'default', order: 1_000_000, defaultAction: 'Deny', policies: []})
  for (const spec of specs) tiers.set(spec.name, {name: spec.name, ...(spec.order !== undefined ? {order: spec.order} : {}), defaultAction: spec.defaultAction, policies: tiers.get(spec.name)?.policies ?? []})
  if (set.admin.length) tiers.set('adminnetworkpolicy', {name: 'adminnetworkpolicy', order: 1000, defaultAction: 'Pass', policies: set.admin})
  if (set.baseline.length) tiers.set('baselineadminnetworkpolicy', {name: 'baselineadminnetworkpolicy', order: 10_000_000, defaultAction: 'Pass', policies: set.baseline})
  for (const policy of calico) {
    const name = policy.tier ?? 'default'
    // A policy in a tier that does not exist is rejected by Calico's API server; in a partial snapshot the Tier may be missing.
    if (!tiers.has(name)) tiers.set(name, {name, defaultAction: 'Deny', policies: []})
    tiers.get(name)!.policies.push(policy)
  }
  for (const ns of networkPolicies.namespaces()) for (const p of networkPolicies.policiesIn(ns)) tiers.get('default')!.policies.push(adaptNetworkPolicyForCalico(p))
  const ordered = [...tiers.values()].filter((t) => t.policies.length > 0)
  for (const t of ordered) t.policies.sort(byPriority)
  return ordered.sort((a, b) => (a.order ?? Number.POSITIVE_INFINITY) - (b.order ?? Number.POSITIVE_INFINITY) || (a.name < b.name ? -1 : 1))
}
