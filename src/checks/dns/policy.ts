import {denialSubject} from '../../analysis/network-policy/denial-words.js'
import {formatLabels, labelsKey} from '../../analysis/labels.js'
import {evaluateConnection, ipEndpoint, namespaceLabels, podEndpoint} from '../../analysis/network-policy.js'
import {NETWORK_POLICY_API_VERSION} from '../../analysis/policy/adapters/network-policy.js'
import type {DecidingRule, FlowVerdict} from '../../analysis/policy/index.js'
import {decidedByWords, editCommand, layeredVerdict, loadPolicyLayers, notEnforcedWords, uniqueObjects, verdictEntry} from '../path/policy-layers.js'
import type {ConnectionVerdict} from '../../analysis/network-policy.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE, ROLE_LABEL} from '../../cluster/debug-pod-spec.js'
import type {Pod} from '../../cluster/types.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {cniFromApi, dnsPods, isPodReady, nodeLocalCache} from './facts.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

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
    const layers = await loadPolicyLayers(view, [target.namespace, DNS_NAMESPACE], policies)
    if (policies.length === 0 && !layers.layered) {
      // No policy seen, in a snapshot that carries no NetworkPolicy at all: "none" would be a guess.
      const notCarried = unknownWithout(view, [{kind: 'NetworkPolicy'}], `whether NetworkPolicies let ${target.namespace} reach cluster DNS`)
      if (notCarried) return notCarried
      return {status: 'pass', summary: `no NetworkPolicy in ${target.namespace} or ${DNS_NAMESPACE}: DNS traffic is not restricted`, details: {policies: 0, verdicts: []}}
    }
    const ready = pods.filter(isPodReady)
    // Every replica: a policy that isolates one of them fails a share of lookups, whichever pod is listed first.
    const servers = ready.length > 0 ? ready : pods
    if (servers.length === 0) return {status: 'skip', summary: 'no CoreDNS pod to evaluate policies against', skippedBecause: 'dns.pods'}

    const index = layers.set.networkPolicies
    const groups = sourceGroups(clients, target)
    // One endpoint per replica and per group: each is resolved once for every flow judged (see resolveEndpoint).
    const serverEndpoints = servers.map((server) => podEndpoint(server, dnsNamespace ?? namespaceLabels(DNS_NAMESPACE)))
    const results: Result[] = groups.flatMap((group) => {
      const source = podEndpoint(group.pod, namespace ?? namespaceLabels(target.namespace))
      return servers.map((server, i) => {
        const serverEndpoint = serverEndpoints[i]!
        const judge = (protocol: 'UDP' | 'TCP'): Judged => {
          // The NetworkPolicy-only verdict words the details and near misses: worked out when they are read.
          let np: ConnectionVerdict | undefined
          return {
            flow: layeredVerdict(layers, source, serverEndpoint, {protocol, port: 53}),
            get np() {
              return (np ??= evaluateConnection(index, source, serverEndpoint, {protocol, port: 53}))
            },
          }
        }
        return {group, server, udp: judge('UDP'), tcp: judge('TCP')}
      })
    })
    const serverName = (pod: Pod) => `${DNS_NAMESPACE}/${pod.metadata?.name}`
    const unenforced = notEnforcedWords(layers)
    const detailsOf = (): Record<string, unknown> => ({
      policies: policies.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
      replicas: servers.map(serverName),
      evaluated: results.map((r) => ({pods: r.group.label, count: r.group.count, replica: serverName(r.server), udp: r.udp.flow.verdict === 'allowed', tcp: r.tcp.flow.verdict === 'allowed', udpWhy: r.udp.np.summary, tcpWhy: r.tcp.np.summary})),
      verdicts: results.flatMap((r) => (['udp', 'tcp'] as const).map((k) => ({flow: `${r.group.label} to ${serverName(r.server)}`, ...verdictEntry(53, k.toUpperCase(), r[k].flow)}))),
      enforcer: {name: layers.enforcer.name, model: layers.enforcer.model, known: layers.enforcer.known},
      ...(unenforced ? {notEnforced: layers.set.notEnforced.map((n) => n.reason)} : {}),
    })
    const blocked = results.filter((r) => r.udp.flow.verdict === 'denied' || r.tcp.flow.verdict === 'denied')
    const unknown = results.filter((r) => r.udp.flow.verdict === 'unknown' || r.tcp.flow.verdict === 'unknown')
    const cache = blocked.length === 0 ? await nodeLocalCache(view).catch(() => undefined) : undefined
    if (cache?.address.ip) {
      const cut = cacheEgressDenied(layers, groups, namespace ?? namespaceLabels(target.namespace), cache.address.ip)
      if (cut) return {...cut, details: {...detailsOf(), ...cut.details}}
    }
    if (blocked.length === 0) {
      if (unknown.length > 0) {
        const v = unknown[0]!.udp.flow.verdict === 'unknown' ? unknown[0]!.udp.flow : unknown[0]!.tcp.flow
        return {status: 'warn', summary: `unknown: whether ${unknown[0]!.group.label} reach ${serverName(unknown[0]!.server)} on 53 cannot be told statically: ${v.unknownBecause}`, objects: uniqueObjects(v.decidedBy), details: detailsOf(), remediation: 'a live lookup settles it: rerun without --no-probe'}
      }
      // Worded once per distinct deciding object (the evaluator shares one per rule), in order of first use.
      const seen = new Set<DecidingRule>()
      const named = new Set<string>()
      for (const r of results) {
        for (const p of [...r.udp.flow.decidedBy, ...r.tcp.flow.decidedBy]) {
          if (seen.has(p)) continue
          seen.add(p)
          named.add(p.kind === 'NetworkPolicy' && p.apiVersion === NETWORK_POLICY_API_VERSION ? `${p.namespace}/${p.name}` : `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`)
        }
      }
      const deciding = [...named]
      const groupCount = new Set(results.map((r) => r.group)).size
      return {
        status: unenforced ? 'warn' : 'pass',
        summary: `egress to CoreDNS on 53/UDP and 53/TCP is allowed for ${groupCount === 1 ? results[0]!.group.label : `all ${groupCount} label groups of pods in ${target.namespace}`}${deciding.length ? ` (by ${deciding.join(', ')})` : ''}${unenforced ? `; ${unenforced}` : ''}`,
        ...(unenforced || !target.noPassDetails ? {details: detailsOf()} : {}),
      }
    }
    const worst = blocked.find((r) => r.udp.flow.verdict === 'denied') ?? blocked[0]!
    const udpDenied = worst.udp.flow.verdict === 'denied'
    const tcpDenied = worst.tcp.flow.verdict === 'denied'
    const protocols = [udpDenied && '53/UDP', tcpDenied && '53/TCP'].filter(Boolean).join(' and ')
    const verdict = udpDenied ? worst.udp : worst.tcp
    const deciders = uniqueRulesOf([...(udpDenied ? worst.udp.flow.decidedBy : []), ...(tcpDenied ? worst.tcp.flow.decidedBy : [])])
    const onlyNetworkPolicies = deciders.every((d) => d.kind === 'NetworkPolicy' && d.apiVersion === NETWORK_POLICY_API_VERSION)
    const subject = onlyNetworkPolicies ? denialSubject(deciders.map((p) => `${p.namespace}/${p.name}`)) : `${decidedByWords(deciders)} ${deciders.length === 1 ? 'denies' : 'deny'}`
    const side = sideOf(verdict.flow)
    const nearMisses = [...worst.udp.np.egress.nearMisses, ...worst.udp.np.ingress.nearMisses, ...worst.tcp.np.egress.nearMisses, ...worst.tcp.np.ingress.nearMisses]
    // One replica cut off while others answer: name it (lookups fail in proportion, retries hide it).
    const sameGroup = results.filter((r) => r.group === worst.group)
    const cutOff = sameGroup.filter((r) => r.udp.flow.verdict === 'denied' || r.tcp.flow.verdict === 'denied')
    const partial = servers.length > 1 && cutOff.length < sameGroup.length
    const groupsAffected = new Set(blocked.map((r) => r.group)).size
    const summary =
      `${subject} ${side === 'ingress' ? `ingress to ${partial ? `CoreDNS replica ${serverName(worst.server)}` : serverName(worst.server)} on ${protocols} from` : `egress ${protocols} from`} ${worst.group.label}` +
      `${side === 'ingress' ? '' : ` to ${partial ? `CoreDNS replica ${serverName(worst.server)}` : `${DNS_NAMESPACE}/kube-dns`}`}` +
      (partial ? ` (${cutOff.length} of ${sameGroup.length} replicas cut off: ${cutOff.map((r) => serverName(r.server)).join(', ')}; lookups fail whenever kube-dns picks one of them)` : '') +
      `${nearMisses[0] ? `; ${nearMisses[0].reason}` : ''}` +
      (!udpDenied ? '; DNS answers larger than a UDP datagram (truncated, TC bit: large records, a headless Service with many endpoints) are retried over TCP and fail' : '') +
      (groupsAffected > 1 ? ` (${groupsAffected} label groups affected)` : '')
    // A static verdict only bites when something enforces policies: with flannel alone it is a warning.
    const cni = await cniFromApi(view).catch(() => undefined)
    const decorative = cni?.enforcesNetworkPolicy === false && onlyNetworkPolicies
    return {
      status: decorative ? 'warn' : 'fail',
      summary: decorative ? `${summary}; but CNI ${cni!.cni} does not enforce NetworkPolicy, so the policy is decorative` : summary,
      objects: onlyNetworkPolicies ? deciders.map((p) => ({kind: 'NetworkPolicy', namespace: p.namespace, name: p.name})) : uniqueObjects(deciders),
      details: {...detailsOf(), blockedBy: side, ...(partial ? {cutOffReplicas: cutOff.map((r) => serverName(r.server))} : {}), nearMisses},
      remediation: onlyNetworkPolicies
        ? side === 'ingress'
          ? ingressFix(target.namespace, partial ? deciders.map((d) => `${d.namespace}/${d.name}`) : undefined)
          : egressFix(target.namespace)
        : `change the object that decides, in its own API:\n${[...new Set(deciders.map(editCommand))].join('\n')}`,
    }
  },
}

/**
 * With NodeLocal DNSCache, pods send DNS to the cache on their own node (a hostNetwork process on a link-local
 * address, or the kube-dns ClusterIP it intercepts), not to a CoreDNS pod: an egress rule that allows DNS only
 * to pods selected by label does not cover it. Whether the enforcer drops it depends on whether it filters
 * pod-to-node traffic, so this is a warning that becomes the root cause when lookups fail.
 */
function cacheEgressDenied(layers: Awaited<ReturnType<typeof loadPolicyLayers>>, groups: SourceGroup[], nsLabels: Parameters<typeof podEndpoint>[1], cacheIp: string): CheckResult | undefined {
  for (const group of groups) {
    const source = podEndpoint(group.pod, nsLabels)
    const udp = layeredVerdict(layers, source, ipEndpoint(cacheIp), {protocol: 'UDP', port: 53})
    const tcp = layeredVerdict(layers, source, ipEndpoint(cacheIp), {protocol: 'TCP', port: 53})
    if (udp.verdict !== 'denied' && tcp.verdict !== 'denied') continue
    const deciders = uniqueRulesOf([...(udp.verdict === 'denied' ? udp.decidedBy : []), ...(tcp.verdict === 'denied' ? tcp.decidedBy : [])])
    const protocols = [udp.verdict === 'denied' && '53/UDP', tcp.verdict === 'denied' && '53/TCP'].filter(Boolean).join(' and ')
    const names = deciders.map((p) => `${p.namespace ? `${p.namespace}/` : ''}${p.name}`)
    return {
      status: 'warn',
      summary: `${group.label} may reach CoreDNS pods, but NodeLocal DNSCache answers their lookups on ${cacheIp}, and ${names.join(', ') || 'the policies that select them'} ${names.length === 1 ? 'does' : 'do'} not allow egress ${protocols} there: a pod-selector rule (k8s-app=kube-dns) cannot match the cache, a hostNetwork process on each node; an enforcer that filters pod-to-node traffic drops these lookups`,
      objects: deciders.map((p) => ({kind: p.kind, ...(p.namespace ? {namespace: p.namespace} : {}), name: p.name})),
      details: {nodeLocal: {ip: cacheIp, pods: group.label, udp: udp.verdict, tcp: tcp.verdict}, explains: ['dns.probe.internal', 'dns.probe.search', 'dns.probe.external', 'dns.probe.latency']},
      remediation: `add the cache's address to the DNS egress rule of ${names.join(', ') || 'the policy'}:\n  egress:\n  - to:\n    - ipBlock: {cidr: ${cacheIp}/32}\n    ports:\n    - {protocol: UDP, port: 53}\n    - {protocol: TCP, port: 53}`,
    }
  }
  return undefined
}

interface Judged {
  flow: FlowVerdict
  np: ConnectionVerdict
}

interface Result {
  group: SourceGroup
  server: Pod
  udp: Judged
  tcp: Judged
}

function uniqueRulesOf(rules: DecidingRule[]): DecidingRule[] {
  return [...new Map(rules.map((r) => [`${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`, r])).values()]
}

function sideOf(verdict: FlowVerdict): 'egress' | 'ingress' {
  return verdict.egress.verdict !== 'denied' && verdict.ingress.verdict === 'denied' ? 'ingress' : 'egress'
}

/** Pods grouped by identical labels (policies cannot tell them apart), plus a new debug pod when probes use one. */
function sourceGroups(clients: Pod[], target: DnsTarget): SourceGroup[] {
  const groups = new Map<string, SourceGroup>()
  for (const pod of clients) {
    if (pod.spec?.hostNetwork) continue
    if (target.existingPodsOnly && (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')) continue
    const labels = pod.metadata?.labels ?? {}
    const key = labelsKey(labels)
    const existing = groups.get(key)
    if (existing) existing.count++
    else groups.set(key, {label: target.fromPod ? `pod ${target.namespace}/${pod.metadata?.name}` : `pods in ${target.namespace} with ${formatLabels(labels) || 'no labels'}`, pod, count: 1})
  }
  if (!target.fromPod && !target.existingPodsOnly) {
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

function ingressFix(namespace: string, isolating?: string[]): string {
  return `${isolating ? `the isolated replica's policy (${isolating.join(', ')}) selects only some CoreDNS pods: give every replica the same ingress, e.g. ` : ''}allow DNS ingress to CoreDNS from ${namespace} (kubectl apply -f -):
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
