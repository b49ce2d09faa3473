import {denialSubject} from '../../analysis/network-policy/denial-words.js'
import {formatLabels} from '../../analysis/labels.js'
import {buildPolicyIndex, evaluateConnection, namespaceLabels, podEndpoint} from '../../analysis/network-policy.js'
import type {ConnectionVerdict} from '../../analysis/network-policy.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE, ROLE_LABEL} from '../../cluster/debug-pod-spec.js'
import type {Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {cniFromApi, dnsPods, isPodReady} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

interface SourceGroup {
  label: string
  pod: Pod
  count: number
}

/** Do the NetworkPolicies of the namespace (egress) and of kube-system (ingress) let its pods reach CoreDNS on 53/UDP and 53/TCP? */
export const dnsPolicyCheck: Check<DnsTarget> = {
  id: 'dns.policy',
  title: 'NetworkPolicy vs DNS',
  layer: 'policy',
  requires: ({namespace}) => [
    {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace},
    {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: DNS_NAMESPACE},
    {verb: 'list', resource: 'pods', namespace},
    {verb: 'get', resource: 'namespaces'},
    {verb: 'list', group: 'apps', resource: 'daemonsets'},
    {verb: 'list', resource: 'nodes'},
  ],
  async run({view, target}) {
    const [here, dnsSide, pods, namespace, dnsNamespace, clients] = await Promise.all([
      view.listNetworkPolicies(target.namespace),
      target.namespace === DNS_NAMESPACE ? Promise.resolve([]) : view.listNetworkPolicies(DNS_NAMESPACE),
      dnsPods(view),
      view.getNamespace(target.namespace),
      view.getNamespace(DNS_NAMESPACE),
      target.fromPod ? view.getPod(target.namespace, target.fromPod).then((p) => (p ? [p] : [])) : view.listPods(target.namespace),
    ])
    const policies = [...here, ...dnsSide]
    if (policies.length === 0) {
      return {status: 'pass', summary: `no NetworkPolicy in ${target.namespace} or ${DNS_NAMESPACE}: DNS traffic is not restricted`, details: {policies: 0}}
    }
    const server = pods.find(isPodReady) ?? pods[0]
    if (!server) return {status: 'skip', summary: 'no CoreDNS pod to evaluate policies against', skippedBecause: 'dns.pods'}

    const index = buildPolicyIndex(policies)
    const serverEndpoint = podEndpoint(server, dnsNamespace ?? namespaceLabels(DNS_NAMESPACE))
    const groups = sourceGroups(clients, target)
    const results = groups.map((group) => {
      const source = podEndpoint(group.pod, namespace ?? namespaceLabels(target.namespace))
      const udp = evaluateConnection(index, source, serverEndpoint, {protocol: 'UDP', port: 53})
      const tcp = evaluateConnection(index, source, serverEndpoint, {protocol: 'TCP', port: 53})
      return {group, udp, tcp}
    })
    const details = {
      policies: policies.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
      evaluated: results.map((r) => ({pods: r.group.label, count: r.group.count, udp: r.udp.allowed, tcp: r.tcp.allowed, udpWhy: r.udp.summary, tcpWhy: r.tcp.summary})),
    }
    const blocked = results.filter((r) => !r.udp.allowed || !r.tcp.allowed)
    if (blocked.length === 0) {
      const deciding = [...new Set(results.flatMap((r) => [...r.udp.decidingPolicies, ...r.tcp.decidingPolicies]).map((p) => `${p.namespace}/${p.name}`))]
      return {
        status: 'pass',
        summary: `egress to CoreDNS on 53/UDP and 53/TCP is allowed for ${results.length === 1 ? results[0].group.label : `all ${results.length} label groups of pods in ${target.namespace}`}${deciding.length ? ` (by ${deciding.join(', ')})` : ''}`,
        details,
      }
    }
    const worst = blocked.find((r) => !r.udp.allowed) ?? blocked[0]
    const protocols = [!worst.udp.allowed && '53/UDP', !worst.tcp.allowed && '53/TCP'].filter(Boolean).join(' and ')
    const verdict = !worst.udp.allowed ? worst.udp : worst.tcp
    const deciding = [...new Map([...(worst.udp.allowed ? [] : worst.udp.decidingPolicies), ...(worst.tcp.allowed ? [] : worst.tcp.decidingPolicies)].map((p) => [`${p.namespace}/${p.name}`, p])).values()]
    const subject = denialSubject(deciding.map((p) => `${p.namespace}/${p.name}`))
    const side = sideOf(verdict)
    const nearMiss = [...worst.udp.egress.nearMisses, ...worst.udp.ingress.nearMisses, ...worst.tcp.egress.nearMisses, ...worst.tcp.ingress.nearMisses][0]
    const summary =
      `${subject} ${side === 'ingress' ? `ingress to ${DNS_NAMESPACE}/${server.metadata?.name} on ${protocols} from` : `egress ${protocols} from`} ${worst.group.label}` +
      `${side === 'ingress' ? '' : ` to ${DNS_NAMESPACE}/kube-dns`}${nearMiss ? `; ${nearMiss.reason}` : ''}` +
      (blocked.length > 1 ? ` (${blocked.length} label groups affected)` : '')
    // A static verdict only bites when something enforces policies: with flannel alone it is a warning.
    const cni = await cniFromApi(view).catch(() => undefined)
    const decorative = cni?.enforcesNetworkPolicy === false
    return {
      status: worst.udp.allowed || decorative ? 'warn' : 'fail',
      summary: decorative ? `${summary}; but CNI ${cni.cni} does not enforce NetworkPolicy, so the policy is decorative` : summary,
      objects: deciding.map((p) => ({kind: 'NetworkPolicy', namespace: p.namespace, name: p.name})),
      details: {...details, blockedBy: side, nearMisses: [...worst.udp.egress.nearMisses, ...worst.udp.ingress.nearMisses, ...worst.tcp.egress.nearMisses, ...worst.tcp.ingress.nearMisses]},
      remediation: side === 'ingress' ? ingressFix(target.namespace) : egressFix(target.namespace),
    }
  },
}

function sideOf(verdict: ConnectionVerdict): 'egress' | 'ingress' {
  return verdict.blockedBy === 'ingress' ? 'ingress' : 'egress'
}

/** Pods grouped by identical labels (policies cannot tell them apart), plus a new debug pod when probes use one. */
function sourceGroups(clients: Pod[], target: DnsTarget): SourceGroup[] {
  const groups = new Map<string, SourceGroup>()
  for (const pod of clients) {
    if (pod.spec?.hostNetwork) continue
    const labels = pod.metadata?.labels ?? {}
    const key = JSON.stringify(Object.entries(labels).sort())
    const existing = groups.get(key)
    if (existing) existing.count++
    else groups.set(key, {label: target.fromPod ? `pod ${target.namespace}/${pod.metadata?.name}` : `pods in ${target.namespace} with ${formatLabels(labels) || 'no labels'}`, pod, count: 1})
  }
  if (!target.fromPod) {
    const debugPod: Pod = {metadata: {name: 'netdiag-debug-pod', namespace: target.namespace, labels: {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ROLE_LABEL]: 'netdiag-probe'}}, spec: {containers: []}}
    groups.set('debug', {label: `new pods in ${target.namespace} (such as netdiag's debug pod)`, pod: debugPod, count: 1})
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)
}

function egressFix(namespace: string): string {
  return `allow DNS egress for every pod in ${namespace} (kubectl apply -f -):
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-egress
  namespace: ${namespace}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}`
}

function ingressFix(namespace: string): string {
  return `allow DNS ingress to CoreDNS from ${namespace} (kubectl apply -f -):
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-from-${namespace}
  namespace: kube-system
spec:
  podSelector:
    matchLabels:
      k8s-app: kube-dns
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ${namespace}
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}`
}
