// Loads every policy layer the cluster serves for the namespaces a check looks at, and the enforcer that
// runs, into one PolicySet; shared by path.policy, svc.policy and dns.policy.
import {detectCni} from '../../analysis/node/cni-detect.js'
import type {Endpoint, TrafficPort} from '../../analysis/network-policy.js'
import {
  assumedEnforcer,
  buildPolicySet,
  detectEnforcer,
  evaluateFlow,
  kindKey,
  POLICY_KINDS,
  PolicyInputError,
  preferredKinds,
  type DecidingRule,
  type Enforcer,
  type FlowVerdict,
  type PolicySet,
} from '../../analysis/policy/index.js'
import type {DaemonSet, NetworkPolicy, Node, ObjectRef, PolicyObject} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {badInput, NetdiagError} from '../../errors.js'

export interface PolicyLayers {
  set: PolicySet
  enforcer: Enforcer
  /** Policy APIs the cluster serves that we could not read: every verdict is unknown. */
  unreadable: string[]
  /** Some object beyond networking.k8s.io NetworkPolicy exists in scope (or could not be read). */
  layered: boolean
}

function isForbidden(error: unknown): boolean {
  return error instanceof NetdiagError && error.kind === 'forbidden'
}

const cache = new WeakMap<ClusterView, Map<string, Promise<PolicyLayers>>>()

/** Policy objects of every served API for these namespaces (cluster-scoped kinds whole), adapted once per view. */
export function loadPolicyLayers(view: ClusterView, namespaces: readonly string[], networkPolicies: readonly NetworkPolicy[]): Promise<PolicyLayers> {
  const key = `${[...new Set(namespaces)].sort().join(',')}|${networkPolicies.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(',')}`
  let perView = cache.get(view)
  if (!perView) cache.set(view, (perView = new Map()))
  let loading = perView.get(key)
  if (!loading) perView.set(key, (loading = load(view, [...new Set(namespaces)], networkPolicies)))
  return loading
}

async function load(view: ClusterView, namespaces: string[], networkPolicies: readonly NetworkPolicy[]): Promise<PolicyLayers> {
  const unreadable: string[] = []
  let served: typeof POLICY_KINDS = []
  try {
    served = await view.servedPolicyResources(POLICY_KINDS)
  } catch (error) {
    if (!isForbidden(error)) throw error
    unreadable.push('API discovery (/apis)')
  }
  const kinds = preferredKinds(new Set(served.map((r) => kindKey(r.group, r.kind))), view.source === 'live')
  const others: PolicyObject[] = []
  await Promise.all(
    kinds.flatMap((resource) =>
      (resource.namespaced ? namespaces : [undefined]).map(async (namespace) => {
        try {
          others.push(...(await view.listPolicyObjects(resource, namespace)))
        } catch (error) {
          if (!isForbidden(error)) throw error
          unreadable.push(`${resource.plural}.${resource.group}${namespace ? ` in ${namespace}` : ''}`)
        }
      }),
    ),
  )
  others.sort((a, b) => `${a.apiVersion}/${a.kind}/${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.apiVersion}/${b.kind}/${b.metadata?.namespace}/${b.metadata?.name}`))
  let enforcer = await runningEnforcer(view)
  if (!enforcer.known && others.length > 0) enforcer = assumedEnforcer(new Set(others.map((o) => kindKey((o.apiVersion ?? '').split('/')[0]!, o.kind ?? ''))))
  let set: PolicySet
  try {
    set = buildPolicySet({networkPolicies, others}, enforcer)
  } catch (error) {
    if (!(error instanceof PolicyInputError)) throw error
    // Fail closed: a policy nobody can read is never an "allowed"; the run exits 2 naming the object and field.
    const bad = badInput(error.message)
    view.reportMalformed?.(bad)
    throw bad
  }
  return {set, enforcer, unreadable, layered: others.length > 0 || unreadable.length > 0}
}

const enforcers = new WeakMap<ClusterView, Promise<Enforcer>>()

/** What the DaemonSets and nodes say enforces policies: the same for every namespace of a run (a sweep asks per namespace). */
function runningEnforcer(view: ClusterView): Promise<Enforcer> {
  let known = enforcers.get(view)
  if (!known) {
    known = Promise.all([view.listDaemonSets(undefined).catch(() => [] as DaemonSet[]), view.listNodes().catch(() => [] as Node[])]).then(([daemonSets, nodes]) =>
      detectEnforcer(detectCni({daemonSets, nodes}), daemonSets),
    )
    enforcers.set(view, known)
  }
  return known
}

/** The flow through every layer; a layer we could not read makes it unknown, never allowed. */
export function layeredVerdict(layers: PolicyLayers, src: Endpoint, dst: Endpoint, traffic: TrafficPort): FlowVerdict {
  const v = evaluateFlow(layers.set, src, dst, traffic)
  if (layers.unreadable.length === 0 || v.chain[0]?.startsWith("a pod's traffic to itself")) return v
  return {...v, verdict: 'unknown', unknownBecause: `cannot read ${layers.unreadable.join(', ')} (forbidden): a policy there could decide this flow; grant list on them (rbac/kubectl-netdiag.yaml)`}
}

/** One entry of details.verdicts (README "Policy layers", schema policyVerdict). */
export function verdictEntry(port: number | null, protocol: string, v: FlowVerdict): Record<string, unknown> {
  return {
    port,
    protocol,
    verdict: v.verdict,
    decidedBy: v.decidedBy.map((d) => ({kind: d.kind, apiVersion: d.apiVersion, ...(d.namespace ? {namespace: d.namespace} : {}), name: d.name, ...(d.rule ? {rule: d.rule} : {})})),
    chain: v.chain,
    ...(v.unknownBecause ? {unknownBecause: v.unknownBecause} : {}),
  }
}

export function objectOf(d: DecidingRule): ObjectRef & {apiVersion: string} {
  return {kind: d.kind, apiVersion: d.apiVersion, ...(d.namespace ? {namespace: d.namespace} : {}), name: d.name}
}

export function uniqueObjects(rules: readonly DecidingRule[]): Array<ObjectRef & {apiVersion: string}> {
  return [...new Map(rules.map((d) => [`${d.apiVersion}|${d.kind}|${d.namespace ?? ''}|${d.name}`, objectOf(d)])).values()]
}

export function decidedByWords(rules: readonly DecidingRule[]): string {
  return uniqueObjects(rules).map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ')
}

/** Objects that exist but that nothing running enforces (or staged ones): a warning, never a rule. */
export function notEnforcedWords(layers: PolicyLayers): string | undefined {
  const list = layers.set.notEnforced
  if (list.length === 0) return undefined
  return `${list.length} policy object(s) decide nothing here: ${list.slice(0, 3).map((n) => n.reason).join('; ')}${list.length > 3 ? '; ...' : ''}`
}

/** The remediation for an object outside networking.k8s.io NetworkPolicy: edit it in its own API. */
export function editCommand(d: DecidingRule): string {
  const group = d.apiVersion.split('/')[0]
  return `kubectl edit ${d.kind.toLowerCase()}.${group} ${d.name}${d.namespace ? ` -n ${d.namespace}` : ''}${d.rule ? `   # ${d.rule}` : ''}`
}

/** Static verdict allows a flow the probe saw dropped: what was evaluated, what was not, and where to look. */
export function unevaluatedSuspects(layers: PolicyLayers, nodes: readonly (string | undefined)[]): string {
  const evaluated = ['NetworkPolicy', ...new Set(Object.keys(layers.set.counts).map((k) => k.split('/')[1]!).filter((k) => k !== 'NetworkPolicy'))]
  const where = [...new Set(nodes.filter((n): n is string => !!n))]
  const hostLayers =
    layers.enforcer.model === 'calico'
      ? 'Calico host endpoint policies (preDNAT, doNotTrack, applyOnForward)'
      : layers.enforcer.model === 'cilium'
        ? 'Cilium host policies (nodeSelector), CiliumCIDRGroups and L7 proxies'
        : 'policies of an enforcer netdiag does not model'
  return `evaluated ${evaluated.join(', ')} (enforcer: ${layers.enforcer.name}); not evaluated: host firewall rules (iptables/nftables FORWARD and INPUT chains) on ${where.length ? `node ${where.join(' or node ')}` : 'the nodes'}, ${hostLayers}, cloud security groups`
}
