// Kubernetes NetworkPolicies that cannot do what they say: a podSelector that selects no pod, a rule peer whose
// selectors match no pod or namespace. Semantics: https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (a peer with only podSelector means pods of the policy's namespace; namespaceSelector alone every pod of the
// matching namespaces; both, the matching pods of the matching namespaces; ipBlock is not about pods).
// Pods are grouped by identical labels first (policies cannot tell them apart) and indexed by label, so the cost
// grows with policies × candidate groups, not policies × pods.
import type {LabelSelector, Namespace, NetworkPolicy, NetworkPolicyPeer, ObjectRef, Pod} from '../../cluster/types.js'
import {compileSelector, formatLabelSelector, isEmptySelector, labelsKey, selectorRequirements, type Labels} from '../labels.js'
import {makeFinding, type ScanFinding} from './findings.js'

export interface PolicyScanInput {
  policies: readonly NetworkPolicy[]
  namespaces: readonly Namespace[]
  /** Pods per namespace; a namespace absent from the map is one whose pods the input lacks. */
  pods: ReadonlyMap<string, readonly Pod[]>
  /** What is missing for a namespace whose pods are absent (a partial snapshot). */
  missing?: (namespace: string) => string | undefined
  /** What is missing when the namespaces themselves could not all be read: namespaceSelector peers are then unknown. */
  namespacesMissing?: string
}

interface LabelGroup {
  namespace: string
  labels: Labels
  count: number
}

class GroupIndex {
  private readonly byNamespace = new Map<string, LabelGroup[]>()
  /** label key -> value -> groups */
  private readonly byLabel = new Map<string, Map<string, LabelGroup[]>>()

  constructor(pods: ReadonlyMap<string, readonly Pod[]>) {
    for (const [namespace, list] of pods) {
      const groups = new Map<string, LabelGroup>()
      for (const pod of list) {
        const labels = pod.metadata?.labels ?? {}
        const key = labelsKey(labels)
        const group = groups.get(key)
        if (group) group.count++
        else groups.set(key, {namespace, labels, count: 1})
      }
      this.byNamespace.set(namespace, [...groups.values()])
      for (const group of groups.values()) {
        for (const [k, v] of Object.entries(group.labels)) {
          let values = this.byLabel.get(k)
          if (!values) this.byLabel.set(k, (values = new Map()))
          const value = `${v}`
          const bucket = values.get(value)
          if (bucket) bucket.push(group)
          else values.set(value, [group])
        }
      }
    }
  }

  /** Whether some pod of these namespaces (undefined: every namespace) matches the selector. */
  anyMatch(selector: LabelSelector, namespaces: ReadonlySet<string> | undefined): boolean {
    const matcher = compileSelector(selector)
    const equality = selectorRequirements(selector).find((r) => r.operator === 'In' && r.values.length === 1)
    const candidates = equality
      ? (this.byLabel.get(equality.key)?.get(equality.values[0]!) ?? []).filter((g) => !namespaces || namespaces.has(g.namespace))
      : [...(namespaces ?? this.byNamespace.keys())].flatMap((ns) => this.byNamespace.get(ns) ?? [])
    return candidates.some((g) => matcher(g.labels))
  }

  podCount(namespace: string): number {
    return (this.byNamespace.get(namespace) ?? []).reduce((n, g) => n + g.count, 0)
  }
}

/** Identical label sets, identical keys (NUL never occurs in a label key or value). */
function ref(policy: NetworkPolicy): ObjectRef {
  return {kind: 'NetworkPolicy', namespace: policy.metadata?.namespace, name: policy.metadata?.name ?? '?'}
}

export function policyFindings(input: PolicyScanInput): ScanFinding[] {
  const index = new GroupIndex(input.pods)
  const namespaceLabels = input.namespaces.map((n) => ({name: n.metadata?.name ?? '', labels: {'kubernetes.io/metadata.name': n.metadata?.name ?? '', ...(n.metadata?.labels ?? {})}}))
  const findings: ScanFinding[] = []
  for (const policy of input.policies) {
    const namespace = policy.metadata?.namespace ?? ''
    const object = ref(policy)
    const name = `${namespace}/${object.name}`
    const podSelector = policy.spec?.podSelector ?? {}
    const unknown = (question: string, missing: string) =>
      findings.push(makeFinding('unknown-missing-data', 'warn', {object, checkId: 'scan.policies', summary: `unknown: ${question}: ${missing}`, evidence: {unknown: {missing: [missing]}}}))
    if (!input.pods.has(namespace)) {
      unknown(`whether NetworkPolicy ${name} selects any pod`, input.missing?.(namespace) ?? `the input holds no pods of namespace ${namespace}`)
      continue
    }
    if (!isEmptySelector(podSelector) && index.podCount(namespace) > 0 && !index.anyMatch(podSelector, new Set([namespace]))) {
      const text = formatLabelSelector(podSelector)
      findings.push(
        makeFinding('policy-selects-no-pod', 'warn', {
          object,
          checkId: 'scan.policies',
          summary: `NetworkPolicy ${name} selects ${text} but none of the ${index.podCount(namespace)} pod(s) in ${namespace} matches: it protects nothing`,
          evidence: {podSelector: text, podsInNamespace: index.podCount(namespace)},
          fix: `kubectl -n ${namespace} get pods --show-labels   # then fix spec.podSelector of networkpolicy ${object.name}, or delete it`,
        }),
      )
    }
    const rules = [
      ...(policy.spec?.ingress ?? []).map((r, i) => ({direction: 'ingress', index: i, peers: r._from ?? (r as {from?: NetworkPolicyPeer[]}).from ?? []})),
      ...(policy.spec?.egress ?? []).map((r, i) => ({direction: 'egress', index: i, peers: r.to ?? []})),
    ]
    for (const rule of rules) {
      rule.peers.forEach((peer, p) => {
        const field = `spec.${rule.direction}[${rule.index}].${rule.direction === 'ingress' ? 'from' : 'to'}[${p}]`
        const problem = peerProblem(peer, namespace, namespaceLabels, index, input)
        if (!problem) return
        if ('missing' in problem) return unknown(`whether ${field} of NetworkPolicy ${name} matches any pod`, problem.missing)
        findings.push(
          makeFinding('policy-peer-matches-nothing', 'warn', {
            object,
            checkId: 'scan.policies',
            summary: `NetworkPolicy ${name} ${field}: ${problem.text}, so the rule allows nothing ${rule.direction === 'ingress' ? 'in' : 'out'}`,
            evidence: {field, direction: rule.direction, ...problem.evidence},
            fix: `fix ${field} of networkpolicy ${object.name} (kubectl -n ${namespace} edit networkpolicy ${object.name}) to labels the intended ${problem.what} carry`,
          }),
        )
      })
    }
  }
  return findings
}

type PeerProblem = {text: string; what: string; evidence: Record<string, unknown>} | {missing: string}

function peerProblem(peer: NetworkPolicyPeer, namespace: string, namespaces: Array<{name: string; labels: Labels}>, index: GroupIndex, input: PolicyScanInput): PeerProblem | undefined {
  if (peer.ipBlock) return undefined
  let scope: Set<string>
  if (peer.namespaceSelector) {
    if (input.namespacesMissing) return {missing: input.namespacesMissing}
    const matches = compileSelector(peer.namespaceSelector)
    scope = new Set(namespaces.filter((n) => matches(n.labels)).map((n) => n.name))
    if (scope.size === 0) {
      const text = formatLabelSelector(peer.namespaceSelector)
      return {text: `namespaceSelector ${text || '{}'} matches no namespace`, what: 'namespaces', evidence: {namespaceSelector: text, namespaces: namespaces.length}}
    }
  } else scope = new Set([namespace])
  if (!peer.podSelector || isEmptySelector(peer.podSelector)) return undefined
  const lacking = [...scope].filter((ns) => !input.pods.has(ns))
  if (lacking.length > 0) return {missing: input.missing?.(lacking[0]!) ?? `the input holds no pods of namespace ${lacking[0]}`}
  if (index.anyMatch(peer.podSelector, scope)) return undefined
  const text = formatLabelSelector(peer.podSelector)
  const where = peer.namespaceSelector ? `the ${scope.size} namespace(s) its namespaceSelector matches (${[...scope].slice(0, 3).join(', ')}${scope.size > 3 ? ', ...' : ''})` : namespace
  return {text: `podSelector ${text} matches no pod in ${where}`, what: 'pods', evidence: {podSelector: text, namespaces: [...scope].slice(0, 20)}}
}
