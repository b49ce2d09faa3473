// `kubectl netdiag scan`: the svc, dns and node runbooks (API only) swept over every object in scope, plus the
// policy analysis only a sweep can do, turned into findings with catalogue codes. The checks are the very ones
// `svc`/`dns`/`node` run, so a sweep names the same objects they name for the same broken cluster.
import {findingsFromOutcome, type ScanFinding} from '../../analysis/scan/findings.js'
import {policyFindings} from '../../analysis/scan/policies.js'
import {makeFinding} from '../../analysis/scan/findings.js'
import type {Namespace, NetworkPolicy, ObjectRef, Pod} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {runChecksInOrder} from '../../engine/engine.js'
import {NetdiagError} from '../../errors.js'
import {NotServedError} from '../../cluster/not-served.js'
import {ingressPlan} from '../ingress/plan.js'
import type {IngressTarget} from '../ingress/target.js'
import {routePlan} from '../route/plan.js'
import type {RouteTarget} from '../route/target.js'
import type {Check, RunOptions} from '../../engine/types.js'
import {corefileCheck} from '../dns/corefile.js'
import {dnsEndpointsCheck} from '../dns/endpoints.js'
import {corednsLogsCheck} from '../dns/logs.js'
import {nodeLocalDnsCheck} from '../dns/nodelocal.js'
import {podDnsConfigCheck} from '../dns/pod-config.js'
import {dnsPodsCheck} from '../dns/pods.js'
import {dnsPolicyCheck} from '../dns/policy.js'
import {policyEnforcementCheck} from '../dns/policy-enforcement.js'
import {dnsServiceCheck} from '../dns/service.js'
import {DNS_NAMESPACE, DNS_SERVICE, type DnsTarget} from '../dns/target.js'
import {nodeCidrsCheck} from '../node/cidrs.js'
import {nodeCniCheck} from '../node/cni.js'
import {nodeIpamCheck} from '../node/ipam.js'
import {nodeKubeProxyCheck} from '../node/kube-proxy.js'
import {nodeReadyCheck} from '../node/ready.js'
import {nodeSandboxErrorsCheck} from '../node/sandbox-errors.js'
import type {NodeTarget} from '../node/target.js'
import {loadPolicyLayers} from '../path/policy-layers.js'
import {endpointsCheck} from '../svc/endpoints.js'
import {ipFamiliesCheck} from '../svc/ip-families.js'
import {portsCheck} from '../svc/ports.js'
import {selectorCheck} from '../svc/selector.js'
import {serviceCheck} from '../svc/service.js'
import type {SvcTarget} from '../svc/target.js'
import {typeCheck} from '../svc/type.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE} from '../../cluster/debug-pod-spec.js'

/** Per Service: what `svc` proves from the API alone (policies from a client, kube-proxy and probes are not about the Service itself). */
export const SERVICE_CHECKS: Check<SvcTarget>[] = [serviceCheck, typeCheck, selectorCheck, portsCheck, endpointsCheck, ipFamiliesCheck]
/** Once: the cluster DNS server, as `dns` sees it. */
export const CLUSTER_DNS_CHECKS: Check<DnsTarget>[] = [dnsPodsCheck, dnsServiceCheck, dnsEndpointsCheck, corefileCheck, corednsLogsCheck, nodeLocalDnsCheck, podDnsConfigCheck]
/** Per namespace with pods: DNS through its policies, and whether anything enforces them. */
export const NAMESPACE_DNS_CHECKS: Check<DnsTarget>[] = [dnsPolicyCheck, policyEnforcementCheck]
/** Per Ingress and per route: what `ingress`/`route` prove from the API (their backend Services are scanned as Services). */
const INGRESS_CHECK_IDS = new Set(['ingress.class', 'ingress.controller', 'ingress.address', 'ingress.rule', 'ingress.annotations', 'ingress.tls', 'ingress.tls.secret'])
const ROUTE_CHECK_IDS = new Set(['route.gateway-class', 'route.gateway', 'route.controller', 'route.attach', 'route.status', 'route.match', 'route.backend-refs'])
export const INGRESS_CHECKS: Check<IngressTarget>[] = ingressPlan().filter((c) => INGRESS_CHECK_IDS.has(c.id))
export const ROUTE_CHECKS: Check<RouteTarget>[] = routePlan().filter((c) => ROUTE_CHECK_IDS.has(c.id))
/** Once, over every node. */
export const NODE_CHECKS: Check<NodeTarget>[] = [nodeReadyCheck, nodeCniCheck, nodeKubeProxyCheck, nodeCidrsCheck, nodeIpamCheck, nodeSandboxErrorsCheck]

export interface SweepScope {
  /** undefined: every namespace (-A). */
  namespace?: string
}

export interface SweepCounts {
  services: number
  routes: number
  namespaces: number
  networkPolicies: number
  nodes: number
}

export interface SweepResult {
  findings: ScanFinding[]
  counts: SweepCounts
  /** Namespaces the sweep covered. */
  namespaces: string[]
}

/** A check that meets malformed input reports it to the view, so the run ends with exit 2 instead of a finding. */
function failClosed<T>(view: ClusterView, checks: Check<T>[]): Check<T>[] {
  return checks.map((check) => ({
    ...check,
    run: async (ctx) => {
      try {
        return await check.run(ctx)
      } catch (error) {
        if (error instanceof NetdiagError && error.kind === 'bad-input') view.reportMalformed?.(error)
        throw error
      }
    },
  }))
}

export async function sweep(view: ClusterView, scope: SweepScope, options: RunOptions): Promise<SweepResult> {
  const guarded = new Map<unknown, Check<never>[]>()
  const run = <T>(checks: Check<T>[], target: T) => {
    let safe = guarded.get(checks) as Check<T>[] | undefined
    if (!safe) guarded.set(checks, (safe = failClosed(view, checks)) as Check<never>[])
    return runChecksInOrder(safe, {view, target, options, concurrency: 1})
  }
  const {namespaceObjects, allPods, refused} = await readScope(view, scope)
  const namespaces = scope.namespace ? [scope.namespace] : sortedNamespaces(namespaceObjects, allPods)
  const findings: ScanFinding[] = []
  const counts: SweepCounts = {services: 0, routes: 0, namespaces: namespaces.length, networkPolicies: 0, nodes: 0}

  // Services, one at a time (the view answers from memory; parallel runs would only hold more at once).
  for (const namespace of namespaces) {
    for (const service of await view.listServices(namespace)) {
      const name = service.metadata?.name ?? ''
      counts.services++
      const subject: ObjectRef = {kind: 'Service', namespace, name}
      for (const outcome of await run(SERVICE_CHECKS, {namespace, name})) findings.push(...findingsFromOutcome(outcome, subject))
    }
  }

  // Ingresses and Gateway API routes (a cluster that does not serve a kind has none of it).
  for (const namespace of namespaces) {
    for (const ingress of await unlessNotServed(view.listIngresses(namespace))) {
      const name = ingress.metadata?.name ?? ''
      counts.routes++
      for (const outcome of await run(INGRESS_CHECKS, {namespace, name})) findings.push(...findingsFromOutcome(outcome, {kind: 'Ingress', namespace, name, apiVersion: 'networking.k8s.io/v1'}))
    }
    for (const kind of ['HTTPRoute', 'GRPCRoute'] as const) {
      for (const route of await unlessNotServed(view.listRoutes(kind, namespace))) {
        const name = route.metadata?.name ?? ''
        counts.routes++
        for (const outcome of await run(ROUTE_CHECKS, {namespace, name, kind})) findings.push(...findingsFromOutcome(outcome, {kind, namespace, name, apiVersion: route.apiVersion ?? 'gateway.networking.k8s.io/v1'}))
      }
    }
  }

  // Cluster DNS once, then DNS through each namespace's policies for its groups of pods with the same labels.
  const dnsSubject: ObjectRef = {kind: 'Service', namespace: DNS_NAMESPACE, name: DNS_SERVICE}
  for (const outcome of await run(CLUSTER_DNS_CHECKS, {namespace: DNS_NAMESPACE})) findings.push(...findingsFromOutcome(outcome, outcome.objects?.[0] ?? dnsSubject))
  const podsByNamespace = bucket(allPods)
  for (const namespace of namespaces) {
    const clients = (podsByNamespace.get(namespace) ?? []).filter((p) => !p.spec?.hostNetwork && !finished(p) && !ours(p))
    const policies = await view.listNetworkPolicies(namespace)
    counts.networkPolicies += policies.length
    if (clients.length === 0 && policies.length === 0) continue
    const subject: ObjectRef = {kind: 'Namespace', name: namespace}
    // Only NetworkPolicies here, none restricting egress, none on kube-system's ingress, no other policy layer:
    // dns.policy would pass (nothing stands between these pods and CoreDNS), so the evaluation is skipped.
    const unrestricted = policies.length > 0 && !policies.some(restrictsEgress) && !(await dnsSideRestricted(view)) && !(await otherLayers(view, namespaces))
    const checks = unrestricted ? NAMESPACE_DNS_CHECKS.filter((c) => c.id !== 'dns.policy') : NAMESPACE_DNS_CHECKS
    const outcomes = await run(checks, {namespace, existingPodsOnly: true, noPassDetails: true})
    for (const outcome of outcomes) {
      // Per namespace, policy enforcement names this namespace's policies only (kube-system's have their own row).
      const own = outcome.id === 'dns.policy-enforcement' ? {...outcome, objects: (outcome.objects ?? []).filter((o) => o.namespace === namespace)} : outcome
      if (own.id === 'dns.policy-enforcement' && own.objects?.length === 0 && outcome.status === 'warn') continue
      if (own.id === 'dns.policy' && clients.length === 0) continue
      findings.push(...findingsFromOutcome(own, subject))
    }
  }

  // Policies: selectors that select nothing, peers that match nothing, kinds nothing enforces.
  const policies = (await Promise.all(namespaces.map((ns) => view.listNetworkPolicies(ns)))).flat()
  const everyNamespace = sortedNamespaces(namespaceObjects, allPods)
  const pods = new Map<string, Pod[]>()
  for (const ns of everyNamespace) if (!view.lacks?.('Pod', ns) && (!refused || ns === scope.namespace)) pods.set(ns, (podsByNamespace.get(ns) ?? []).filter((p) => !ours(p)))
  findings.push(
    ...policyFindings({
      policies,
      namespaces: namespaceObjects.length > 0 ? namespaceObjects : everyNamespace.map((name) => ({metadata: {name}}) as Namespace),
      pods,
      ...(refused ? {namespacesMissing: `${refused} (the other namespaces could not be read)`} : {}),
      missing: (ns) => view.lacks?.('Pod', ns)?.missing ?? (refused ? `${refused} (the pods of namespace ${ns} could not be read)` : undefined),
    }),
  )
  const layers = await loadPolicyLayers(view, namespaces, policies)
  for (const entry of layers.set.notEnforced) {
    const object: ObjectRef = {kind: entry.ref.kind, ...(entry.ref.namespace ? {namespace: entry.ref.namespace} : {}), name: entry.ref.name, ...(entry.ref.apiVersion ? {apiVersion: entry.ref.apiVersion} : {})}
    findings.push(makeFinding('policy-not-enforced', 'warn', {object, checkId: 'scan.policies', summary: entry.reason, fix: 'install the engine that enforces this kind, or delete the object so nobody relies on it'}))
  }

  // Nodes.
  const nodes = (await view.listNodes()).map((n) => n.metadata?.name ?? '').filter(Boolean)
  counts.nodes = nodes.length
  if (nodes.length > 0) {
    for (const outcome of await run(NODE_CHECKS, {nodes, nodeNamespace: 'default'})) findings.push(...findingsFromOutcome(outcome, outcome.objects?.[0] ?? {kind: 'Node', name: nodes[0]!}))
  } else {
    const gap = view.lacks?.('Node')
    if (gap) findings.push(makeFinding('unknown-missing-data', 'warn', {object: {kind: 'Node', name: '*'}, checkId: 'scan.nodes', summary: `unknown: node readiness, CNI and kube-proxy per node: ${gap.missing}; ${gap.settle} would settle it`, evidence: {unknown: gap}}))
  }
  return {findings: dedupe(findings), counts, namespaces}
}

async function unlessNotServed<T>(list: Promise<T[]>): Promise<T[]> {
  try {
    return await list
  } catch (error) {
    if (error instanceof NotServedError) return []
    throw error
  }
}

/** Kubernetes semantics: Egress isolation when policyTypes lists it, or (without policyTypes) when egress rules exist. */
function restrictsEgress(policy: NetworkPolicy): boolean {
  const types = policy.spec?.policyTypes
  return types ? types.includes('Egress') : (policy.spec?.egress ?? []).length > 0
}

const dnsSide = new WeakMap<ClusterView, Promise<boolean>>()
function dnsSideRestricted(view: ClusterView): Promise<boolean> {
  let known = dnsSide.get(view)
  if (!known) dnsSide.set(view, (known = view.listNetworkPolicies(DNS_NAMESPACE).then((list) => list.some((p) => !p.spec?.policyTypes || p.spec.policyTypes.includes('Ingress')))))
  return known
}

const layered = new WeakMap<ClusterView, Promise<boolean>>()
function otherLayers(view: ClusterView, namespaces: string[]): Promise<boolean> {
  let known = layered.get(view)
  if (!known) layered.set(view, (known = view.listNetworkPolicies(undefined).then((all) => loadPolicyLayers(view, namespaces, all)).then((l) => l.layered)))
  return known
}

/**
 * Every namespace and every pod (policy peers reach across namespaces). With -n, a user who may not list them
 * cluster-wide still gets the namespace scanned: other namespaces' pods are then unknown, never absent.
 */
async function readScope(view: ClusterView, scope: SweepScope): Promise<{namespaceObjects: Namespace[]; allPods: Pod[]; refused?: string}> {
  try {
    const [namespaceObjects, allPods] = await Promise.all([view.listNamespaces(), view.listPods(undefined)])
    return {namespaceObjects, allPods}
  } catch (error) {
    if (!scope.namespace || !(error instanceof NetdiagError) || error.kind !== 'forbidden') throw error
    const [own, pods] = await Promise.all([view.getNamespace(scope.namespace), view.listPods(scope.namespace)])
    return {namespaceObjects: own ? [own] : [], allPods: pods, refused: error.message.split('\n')[0]}
  }
}

function sortedNamespaces(namespaces: Namespace[], pods: Pod[]): string[] {
  const names = new Set(namespaces.map((n) => n.metadata?.name ?? '').filter(Boolean))
  for (const pod of pods) if (pod.metadata?.namespace) names.add(pod.metadata.namespace)
  return [...names].sort()
}

function bucket(pods: Pod[]): Map<string, Pod[]> {
  const map = new Map<string, Pod[]>()
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? ''
    const list = map.get(ns)
    if (list) list.push(pod)
    else map.set(ns, [pod])
  }
  return map
}

/** Completed Job pods (and failed ones) send no traffic and resolve no names. */
function finished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/** Our own debug pods are not the user's workload. */
function ours(pod: Pod): boolean {
  return pod.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE
}

/** The same code about the same object once (a cluster-wide check can name an object another already named). */
function dedupe(findings: ScanFinding[]): ScanFinding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = `${f.code}|${f.object.kind}|${f.object.namespace ?? ''}|${f.object.name}|${f.summary}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
