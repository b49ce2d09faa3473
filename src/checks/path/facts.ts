import {namespaceLabels, podEndpoint, podIp} from '../../analysis/network-policy.js'
import {parseProbePort, type PodRef, type ProbePort} from '../../analysis/path/pod-ref.js'
import {pathPolicyVerdicts, type PathPolicyVerdicts} from '../../analysis/path/policy-verdicts.js'
import {ipFamily} from '../../analysis/cidr.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE, ROLE_LABEL} from '../../cluster/debug-pod-spec.js'
import type {Pod} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {NetdiagError, ExitCode} from '../../errors.js'
import type {PathTarget} from './target.js'

// Lookups the path checks share; the view caches the API calls behind them.

export function refOf(text: string): PodRef {
  const [namespace, name] = text.split('/')
  return {namespace: namespace!, name: name!}
}

export function targetPorts(target: PathTarget): ProbePort[] {
  return (target.ports ?? []).map(parseProbePort).filter((p): p is ProbePort => p !== undefined)
}

export interface PathPods {
  a?: Pod
  b?: Pod
}

export async function pathPods(view: ClusterView, target: PathTarget): Promise<PathPods> {
  const a = refOf(target.from)
  const b = refOf(target.to)
  const [podA, podB] = await Promise.all([view.getPod(a.namespace, a.name), view.getPod(b.namespace, b.name)])
  return {...(podA ? {a: podA} : {}), ...(podB ? {b: podB} : {})}
}

/** Both pods, or a NetdiagError (they were there when the command started; this is a race with a deletion). */
export async function requirePathPods(view: ClusterView, target: PathTarget): Promise<{a: Pod; b: Pod}> {
  const {a, b} = await pathPods(view, target)
  if (!a || !b) throw new NetdiagError(`pod ${!a ? target.from : target.to} no longer exists`, ExitCode.failed, 'not-found')
  return {a, b}
}

export function podIps(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '')
  const primary = podIp(pod)
  return ips.length > 0 ? ips : primary ? [primary] : []
}

/**
 * B's address in the family asked for (--ip-family; none: undefined, path.pods has failed), else in the family
 * A's primary address has (what A's connect would use), else B's primary.
 */
export function destinationIp(a: Pod, b: Pod, wanted?: 'IPv4' | 'IPv6'): string | undefined {
  const ips = podIps(b)
  if (wanted) return ips.find((ip) => ipFamily(ip) === (wanted === 'IPv6' ? 6 : 4))
  const family = ipFamily(podIp(a) ?? '')
  return ips.find((ip) => ipFamily(ip) === family) ?? ips[0]
}

/** The pod a `--probe-mode pod` debug pod looks like to policies: netdiag's labels, in PODA's namespace. */
export function debugPodStandIn(namespace: string, nodeName?: string): Pod {
  return {
    metadata: {name: 'netdiag-debug-pod', namespace, labels: {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ROLE_LABEL]: 'netdiag-probe'}},
    spec: {containers: [], ...(nodeName ? {nodeName} : {})},
  }
}

/** Policy verdicts from `source` (PODA, or the debug pod standing in for it) to PODB. */
export async function policyVerdicts(view: ClusterView, source: Pod, b: Pod, ports: ProbePort[], sourceName: string, destinationName: string): Promise<{verdicts: PathPolicyVerdicts; policies: string[]}> {
  const nsA = source.metadata?.namespace ?? 'default'
  const nsB = b.metadata?.namespace ?? 'default'
  const [policiesA, policiesB, namespaceA, namespaceB] = await Promise.all([
    view.listNetworkPolicies(nsA),
    nsA === nsB ? Promise.resolve([]) : view.listNetworkPolicies(nsB),
    view.getNamespace(nsA),
    view.getNamespace(nsB),
  ])
  const policies = [...policiesA, ...policiesB]
  const src = podEndpoint(source, namespaceA ?? namespaceLabels(nsA))
  const dst = podEndpoint(b, namespaceB ?? namespaceLabels(nsB))
  return {
    verdicts: pathPolicyVerdicts(policies, src, dst, ports, {src: sourceName, dst: destinationName}),
    policies: policies.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
  }
}
