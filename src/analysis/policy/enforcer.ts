// Which enforcer runs decides which kinds have any effect and in which precedence they are evaluated.
import type {CniDetection} from '../node/cni-detect.js'
import type {DaemonSet} from '../../cluster/types.js'
import {kindKey, type EnforcerModel, type PolicyKindKey} from './kinds.js'

export interface Enforcer {
  model: EnforcerModel
  /** For messages: "Cilium", "kube-network-policies (--admin-network-policy)". */
  name: string
  enforces: ReadonlySet<PolicyKindKey>
  /** False when nothing we recognise enforces policies: verdicts say what the objects mean, not what happens. */
  known: boolean
  evidence: string[]
}

const NP = kindKey('networking.k8s.io', 'NetworkPolicy')
const ANP = kindKey('policy.networking.k8s.io', 'AdminNetworkPolicy')
const BANP = kindKey('policy.networking.k8s.io', 'BaselineAdminNetworkPolicy')
const CNP = kindKey('policy.networking.k8s.io', 'ClusterNetworkPolicy')
const CILIUM = [kindKey('cilium.io', 'CiliumNetworkPolicy'), kindKey('cilium.io', 'CiliumClusterwideNetworkPolicy')]
const CALICO = ['projectcalico.org', 'crd.projectcalico.org'].flatMap((g) => ['NetworkPolicy', 'GlobalNetworkPolicy', 'Tier'].map((k) => kindKey(g, k)))

function args(ds: DaemonSet): string[] {
  return (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).flatMap((a) => a.split(/\s+/))
}

function flagOn(all: string[], flag: string): boolean {
  return all.some((a) => a === `--${flag}` || a === `--${flag}=true` || a === `-${flag}` || a === `-${flag}=true`)
}

/**
 * The enforcer from CNI detection and the policy agents' DaemonSets. kube-network-policies enforces
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy only when started with --admin-network-policy /
 * --baseline-admin-network-policy (sigs.k8s.io/kube-network-policies cmd/main.go).
 */
export function detectEnforcer(cni: CniDetection | undefined, daemonSets: readonly DaemonSet[]): Enforcer {
  const engines = cni?.policyEngines ?? []
  const evidence = cni?.evidence ?? []
  if (cni?.cni === 'cilium' || engines.includes('cilium')) return {model: 'cilium', name: 'Cilium', enforces: new Set([NP, ...CILIUM]), known: true, evidence}
  if (cni?.cni === 'calico' || cni?.cni === 'canal' || engines.includes('calico')) {
    // Calico 3.29+ runs AdminNetworkPolicy in its adminnetworkpolicy tier, 3.30+ BaselineAdminNetworkPolicy.
    return {model: 'calico', name: 'Calico', enforces: new Set([NP, ...CALICO, ANP, BANP]), known: true, evidence}
  }
  const knp = daemonSets.find((ds) => /kube-network-policies/.test(ds.metadata?.name ?? '') || (ds.spec?.template?.spec?.containers ?? []).some((c) => /kube-network-policies/.test(c.image ?? '')))
  if (knp) {
    const all = args(knp)
    const kinds = new Set([NP])
    const flags: string[] = []
    if (flagOn(all, 'admin-network-policy')) (kinds.add(ANP), flags.push('--admin-network-policy'))
    if (flagOn(all, 'baseline-admin-network-policy')) (kinds.add(BANP), flags.push('--baseline-admin-network-policy'))
    return {
      model: 'kubernetes',
      name: `kube-network-policies${flags.length ? ` (${flags.join(' ')})` : ''}`,
      enforces: kinds,
      known: true,
      evidence: [...evidence, `DaemonSet ${knp.metadata?.namespace}/${knp.metadata?.name}${flags.length ? ` runs with ${flags.join(' ')}` : ' runs without --admin-network-policy / --baseline-admin-network-policy'}`],
    }
  }
  if (cni?.cni === 'ovn-kubernetes' || cni?.cni === 'antrea' || engines.includes('ovn-kubernetes') || engines.includes('antrea')) {
    return {model: 'kubernetes', name: cni?.cni === 'antrea' ? 'Antrea' : 'OVN-Kubernetes', enforces: new Set([NP, ANP, BANP, CNP]), known: true, evidence}
  }
  const enforces = cni?.enforcesNetworkPolicy === true
  return {model: 'kubernetes', name: enforces ? engines.join(', ') || (cni?.cni ?? 'the CNI') : 'an unknown enforcer', enforces: new Set([NP]), known: enforces, evidence}
}

/** With no enforcer to go by (a snapshot without DaemonSets): assume each kind present is enforced, and say so. */
export function assumedEnforcer(present: ReadonlySet<PolicyKindKey>): Enforcer {
  const all = new Set<PolicyKindKey>([NP, ANP, BANP, CNP, ...CILIUM, ...CALICO])
  const model: EnforcerModel = [...present].some((k) => CALICO.includes(k)) ? 'calico' : [...present].some((k) => CILIUM.includes(k)) ? 'cilium' : 'kubernetes'
  return {model, name: 'an undetected enforcer', enforces: all, known: false, evidence: ['no policy agent found; every policy present is assumed enforced']}
}
