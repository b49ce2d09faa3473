import type {Check} from '../../engine/types.js'
import {cniFromApi} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

/** NetworkPolicies only work when something enforces them; with plain flannel or bridge they are decorative. */
export const policyEnforcementCheck: Check<DnsTarget> = {
  id: 'dns.policy-enforcement',
  title: 'NetworkPolicy enforcement',
  layer: 'cni',
  requires: ({namespace}) => [
    {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace},
    {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: DNS_NAMESPACE},
    {verb: 'list', group: 'apps', resource: 'daemonsets'},
    {verb: 'list', resource: 'nodes'},
  ],
  async run({view, target}) {
    const [here, dnsSide, cni] = await Promise.all([view.listNetworkPolicies(target.namespace), view.listNetworkPolicies(DNS_NAMESPACE), cniFromApi(view)])
    const policies = [...here, ...(target.namespace === DNS_NAMESPACE ? [] : dnsSide)]
    const details = {cni: cni.cni, enforcesNetworkPolicy: cni.enforcesNetworkPolicy, policyEngines: cni.policyEngines, evidence: cni.evidence, policies: policies.length}
    if (policies.length === 0) {
      return {status: 'pass', summary: `no NetworkPolicy in ${target.namespace} or ${DNS_NAMESPACE}${cni.enforcesNetworkPolicy === true ? `; NetworkPolicy is enforced by ${cni.policyEngines.join(', ') || cni.cni}` : ''}`, details}
    }
    const names = policies.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
    if (cni.enforcesNetworkPolicy === false) {
      return {
        status: 'warn',
        summary: `${policies.length} NetworkPolicy(ies) (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}) exist but CNI ${cni.cni} does not enforce NetworkPolicy: they are decorative`,
        objects: policies.map((p) => ({kind: 'NetworkPolicy', namespace: p.metadata?.namespace, name: p.metadata!.name!})),
        details,
        remediation: 'install a policy engine (Calico in policy-only mode, Cilium, kube-router --run-firewall) or do not rely on these policies',
      }
    }
    return {
      status: 'pass',
      summary: `${policies.length} NetworkPolicy(ies) apply; ${cni.enforcesNetworkPolicy === true ? `enforced by ${cni.policyEngines.join(', ') || cni.cni}` : `enforcement unknown for CNI ${cni.cni}`}`,
      details,
    }
  },
}
