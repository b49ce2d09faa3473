import {unknownWithout} from '../unknown.js'
import {podOwner} from '../../analysis/label-difference.js'
import {formatLabels} from '../../analysis/labels.js'
import {evaluateEgress, evaluateIngress, podEndpoint, type DirectionVerdict, type TrafficPort} from '../../analysis/network-policy.js'
import {isPodReady} from '../../analysis/svc/pod-readiness.js'
import {groupBackends} from '../../analysis/svc/backend-groups.js'
import {parsePortValue, resolveTargetPort} from '../../analysis/ports.js'
import {hasSelector, serviceKind} from '../../analysis/svc/service-type.js'
import type {Namespace, Pod, ServicePort} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import type {Check} from '../../engine/types.js'
import type {FlowVerdict} from '../../analysis/policy/index.js'
import {decidedByWords, editCommand, layeredVerdict, loadPolicyLayers, notEnforcedWords, uniqueObjects, verdictEntry} from '../path/policy-layers.js'
import {clientPod, portsInScope, requireService, selectedPods, serviceRef} from './facts.js'
import {KUBE_DNS_SELECTOR, SYSTEM_NAMESPACE, type SvcTarget} from './target.js'

interface Blocked {
  what: string
  verdict: DirectionVerdict
  remediation: string
}

function policyNames(v: DirectionVerdict): string {
  const names = v.isolatingPolicies.map((p) => `${p.namespace}/${p.name}`)
  return `NetworkPolic${names.length === 1 ? 'y' : 'ies'} ${names.join(', ')}`
}

function yamlLabels(labels: Record<string, string>, indent: string): string {
  return Object.entries(labels).map(([k, v]) => `${indent}${k}: "${v}"`).join('\n')
}

function ingressYaml(namespace: string, name: string, backends: Record<string, string>, client: Record<string, string>, traffic: TrafficPort): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-${name}-clients
  namespace: ${namespace}
spec:
  podSelector:
    matchLabels:
${yamlLabels(backends, '      ')}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
${yamlLabels(client, '          ')}
    ports:
    - protocol: ${traffic.protocol ?? 'TCP'}
      port: ${traffic.port}`
}

function egressYaml(namespace: string, name: string, client: Record<string, string>, to: string, ports: TrafficPort[]): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-egress-to-${name}
  namespace: ${namespace}
spec:
  podSelector:
    matchLabels:
${yamlLabels(client, '      ')}
  policyTypes: [Egress]
  egress:
  - to:
${to}
    ports:
${ports.map((p) => `    - protocol: ${p.protocol ?? 'TCP'}\n      port: ${p.port}`).join('\n')}`
}

/** The kube-dns pods and their namespace, or stand-ins with kube-dns's well-known labels when we may not read them. */
async function dnsBackend(view: ClusterView): Promise<{pod: Pod; namespace: Namespace | undefined}> {
  const [pods, namespace] = await Promise.all([
    view.listPods(SYSTEM_NAMESPACE, {labelSelector: KUBE_DNS_SELECTOR}).catch(() => [] as Pod[]),
    view.getNamespace(SYSTEM_NAMESPACE).catch(() => undefined),
  ])
  const pod = pods.find(isPodReady) ??
    pods[0] ?? {
      metadata: {name: 'coredns', namespace: SYSTEM_NAMESPACE, labels: {'k8s-app': 'kube-dns'}},
      spec: {containers: [{name: 'coredns', ports: [{name: 'dns', containerPort: 53, protocol: 'UDP'}, {name: 'dns-tcp', containerPort: 53, protocol: 'TCP'}]}]},
    }
  return {pod, namespace}
}

function trafficFor(sp: ServicePort, pod: Pod): TrafficPort | undefined {
  const resolution = resolveTargetPort(sp, pod)
  if (resolution.resolved === undefined) return undefined
  const target = parsePortValue(sp.targetPort)
  return {protocol: sp.protocol ?? 'TCP', port: resolution.resolved, ...(typeof target === 'string' ? {name: target} : {}), servicePort: sp.port}
}

/** Ingress to the backends from the client and egress of the client to the backends and to kube-dns, per the namespace's NetworkPolicies. */
export const policyCheck: Check<SvcTarget> = {
  id: 'svc.policy',
  title: 'NetworkPolicies',
  layer: 'policy',
  dependsOn: ['svc.selector'],
  requires: ({namespace}) => [
    {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace},
    {verb: 'list', resource: 'pods', namespace},
  ],
  async run({view, target}) {
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    if (serviceKind(service) === 'ExternalName' || !hasSelector(service)) {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'the Service selects no pods; NetworkPolicies for its manual endpoints are not evaluated', objects: [ref]}
    }
    const policies = await view.listNetworkPolicies(target.namespace)
    const layers = await loadPolicyLayers(view, [target.namespace, SYSTEM_NAMESPACE], policies)
    const {pod: client, real} = await clientPod(view, target)
    const clientName = real ? `pod ${target.namespace}/${client.metadata?.name}` : `the netdiag debug pod (labels ${formatLabels(client.metadata?.labels)})`
    if (policies.length === 0 && !layers.layered) {
      // No policy seen, in a snapshot that carries no NetworkPolicy at all: "none" would be a guess.
      const notCarried = unknownWithout(view, [{kind: 'NetworkPolicy'}], `whether NetworkPolicies let clients reach ${target.namespace}/${target.name}`)
      if (notCarried) return {...notCarried, objects: [ref]}
      return {status: 'pass', summary: `no NetworkPolicy in ${target.namespace}: nothing restricts ${clientName} or the backends of ${target.namespace}/${target.name}`, objects: [ref], details: {policies: 0}}
    }
    const index = layers.set.networkPolicies
    const [namespace, pods, dns] = await Promise.all([view.getNamespace(target.namespace), selectedPods(view, target, service), dnsBackend(view)])
    const ready = pods.filter(isPodReady)
    const backends = ready.length > 0 ? ready : pods
    const src = podEndpoint(client, namespace)
    const selector = service.spec!.selector!
    const blocked: Blocked[] = []
    const evaluated: Array<Record<string, unknown>> = []
    const notes = new Set<string>()
    const flows: Array<{what: string; entry: Record<string, unknown>; verdict: FlowVerdict}> = []
    const judge = (what: string, dst: ReturnType<typeof podEndpoint>, traffic: TrafficPort) => {
      const verdict = layeredVerdict(layers, src, dst, traffic)
      flows.push({what, verdict, entry: {flow: what, ...verdictEntry(traffic.port, traffic.protocol ?? 'TCP', verdict)}})
    }
    const record = (what: string, v: DirectionVerdict, remediation: string) => {
      v.notes.forEach((n) => notes.add(n))
      evaluated.push({what, allowed: v.allowed, isolatedBy: v.isolatingPolicies.map((p) => `${p.namespace}/${p.name}`), allowedBy: v.allowedBy.map((r) => `${r.policy.namespace}/${r.policy.name} ${r.direction}[${r.ruleIndex}]`), nearMisses: v.nearMisses.map((m) => m.reason)})
      if (!v.allowed) blocked.push({what, verdict: v, remediation})
    }

    for (const sp of portsInScope(service, target)) {
      for (const group of groupBackends(backends)) {
        const rep = group.representative
        const traffic = trafficFor(sp, rep)
        if (!traffic) continue
        const owner = podOwner(rep)
        const who = `pods of ${owner.kind} ${target.namespace}/${owner.name}`
        const dst = podEndpoint(rep, namespace)
        const port = `${traffic.port}/${traffic.protocol}`
        judge(`${clientName} to ${who} on ${port}`, dst, traffic)
        record(`ingress to ${who} on ${port} from ${clientName}`, evaluateIngress(index, src, dst, traffic), ingressYaml(target.namespace, target.name, selector, client.metadata?.labels ?? {}, traffic))
        // Egress is evaluated per pod: an ipBlock rule of the client's policies looks at each backend's IP.
        const egressBlocked = group.pods.map((pod) => evaluateEgress(index, src, podEndpoint(pod, namespace), traffic)).find((v) => !v.allowed)
        const egress = egressBlocked ?? evaluateEgress(index, src, dst, traffic)
        record(
          `egress from ${clientName} to ${who} on ${port}`,
          egress,
          egressYaml(target.namespace, target.name, client.metadata?.labels ?? {}, `    - podSelector:\n        matchLabels:\n${yamlLabels(selector, '          ')}`, [traffic]),
        )
      }
    }
    const dnsPorts: TrafficPort[] = [{protocol: 'UDP', port: 53, name: 'dns'}, {protocol: 'TCP', port: 53, name: 'dns-tcp'}]
    const dnsDst = podEndpoint(dns.pod, dns.namespace)
    for (const traffic of dnsPorts) {
      judge(`${clientName} to kube-dns on 53/${traffic.protocol}`, dnsDst, {protocol: traffic.protocol, port: 53})
      record(
        `egress from ${clientName} to kube-dns on 53/${traffic.protocol}`,
        evaluateEgress(index, src, dnsDst, {protocol: traffic.protocol, port: 53}),
        egressYaml(target.namespace, 'kube-dns', client.metadata?.labels ?? {}, `    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ${SYSTEM_NAMESPACE}\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns`, dnsPorts),
      )
    }
    const objects = [ref, ...[...new Map(blocked.flatMap((b) => b.verdict.isolatingPolicies).map((p) => [`${p.namespace}/${p.name}`, p])).values()]]
    const unenforced = notEnforcedWords(layers)
    const details = {
      policies: policies.length,
      client: clientName,
      clientIsDebugPod: !real,
      evaluated,
      notes: [...notes],
      verdicts: flows.map((f) => f.entry),
      enforcer: {name: layers.enforcer.name, model: layers.enforcer.model, known: layers.enforcer.known},
      ...(unenforced ? {notEnforced: layers.set.notEnforced.map((n) => n.reason)} : {}),
    }
    if (layers.layered) {
      const hint = real ? '' : 'evaluated for the debug pod: rerun with --from-pod <your client> to evaluate your client; '
      const denied = flows.filter((f) => f.verdict.verdict === 'denied')
      const unknown = flows.filter((f) => f.verdict.verdict === 'unknown')
      if (denied.length > 0) {
        const rules = denied.flatMap((f) => f.verdict.decidedBy)
        return {
          status: 'fail',
          summary: `${decidedByWords(denied[0]!.verdict.decidedBy)} ${denied[0]!.verdict.decidedBy.length === 1 ? 'denies' : 'deny'} ${denied[0]!.what}${denied.length > 1 ? ` (and ${denied.length - 1} more denied flow(s))` : ''} (${denied[0]!.verdict.chain.join(' -> ')})`,
          objects: [ref, ...uniqueObjects(rules)],
          details,
          remediation: `${hint}change the object that decides, in its own API:\n${[...new Set(rules.map(editCommand))].join('\n')}`,
        }
      }
      if (unknown.length > 0) {
        return {status: 'warn', summary: `unknown: whether ${unknown[0]!.what} is allowed cannot be told statically: ${unknown[0]!.verdict.unknownBecause}`, objects: [ref, ...uniqueObjects(unknown[0]!.verdict.decidedBy)], details, remediation: 'a live probe settles it: rerun without --no-probe'}
      }
      return {status: unenforced ? 'warn' : 'pass', summary: `every policy layer allows ${clientName} to reach the backends of ${target.namespace}/${target.name} and kube-dns${unenforced ? `; ${unenforced}` : ''}`, objects: [ref], details}
    }
    if (blocked.length > 0) {
      const first = blocked[0]!
      const miss = first.verdict.nearMisses[0]?.reason
      return {
        status: 'fail',
        summary: `${policyNames(first.verdict)} ${first.verdict.isolatingPolicies.length === 1 ? 'blocks' : 'block'} ${first.what}${blocked.length > 1 ? ` (and ${blocked.length - 1} more blocked path(s))` : ''}${miss ? `; nearest rule: ${miss}` : ''}`,
        objects,
        details,
        remediation: `${real ? '' : 'evaluated for the debug pod: rerun with --from-pod <your client> to evaluate your client; '}allow it, e.g.:\n${first.remediation}`,
      }
    }
    return {
      status: 'pass',
      summary: `${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} in ${target.namespace} allow ${clientName} to reach the backends of ${target.namespace}/${target.name} and kube-dns`,
      objects: [ref],
      details,
    }
  },
}
