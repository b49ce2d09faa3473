// Table-driven verdicts across policy layers. Each case names the upstream source its expectation comes from.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {podEndpoint, ipEndpoint} from '../../../src/analysis/network-policy.js'
import {buildPolicySet, evaluateFlow, kindKey, type PolicyObject} from '../../../src/analysis/policy/index.js'
import type {EnforcerModel} from '../../../src/analysis/policy/kinds.js'
import type {NetworkPolicy} from '../../../src/cluster/types.js'
import {namespace, pod, policy} from '../analysis/network-policy-fixtures.js'

const ALL = new Set(
  [
    ['networking.k8s.io', 'NetworkPolicy'],
    ['policy.networking.k8s.io', 'AdminNetworkPolicy'],
    ['policy.networking.k8s.io', 'BaselineAdminNetworkPolicy'],
    ['policy.networking.k8s.io', 'ClusterNetworkPolicy'],
    ['cilium.io', 'CiliumNetworkPolicy'],
    ['cilium.io', 'CiliumClusterwideNetworkPolicy'],
    ['projectcalico.org', 'NetworkPolicy'],
    ['projectcalico.org', 'GlobalNetworkPolicy'],
    ['projectcalico.org', 'Tier'],
    ['crd.projectcalico.org', 'NetworkPolicy'],
  ].map(([g, k]) => kindKey(g!, k!)),
)

// The conformance suite's houses: kubernetes-sigs/network-policy-api conformance/base/manifests.yaml
const gryffindor = namespace('network-policy-conformance-gryffindor', {'conformance-house': 'gryffindor'})
const slytherin = namespace('network-policy-conformance-slytherin', {'conformance-house': 'slytherin'})
const harry = pod('harry-potter-0', gryffindor.metadata!.name!, {'conformance-house': 'gryffindor'}, {ip: '10.244.0.10', ports: [{containerPort: 80, name: 'web'}, {containerPort: 53, protocol: 'UDP', name: 'dns'}]})
const draco = pod('draco-malfoy-0', slytherin.metadata!.name!, {'conformance-house': 'slytherin'}, {ip: '10.244.1.20', ports: [{containerPort: 80, name: 'web'}]})
const fromDraco = podEndpoint(draco, slytherin)
const toHarry = podEndpoint(harry, gryffindor)

const houseNs = (house: string) => ({namespaces: {matchLabels: {'conformance-house': house}}})

function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, action: string, protocols?: unknown[]): PolicyObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: {name},
    spec: {tier, priority, subject: houseNs('gryffindor'), ingress: [{name: `${action.toLowerCase()}-from-slytherin`, action, from: [houseNs('slytherin')], ...(protocols ? {protocols} : {})}]},
  }
}

function anp(name: string, priority: number, action: string, ports?: unknown[]): PolicyObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: {name},
    spec: {priority, subject: houseNs('gryffindor'), ingress: [{name: `${action.toLowerCase()}-from-slytherin`, action, from: [houseNs('slytherin')], ...(ports ? {ports} : {})}]},
  }
}

function banp(action: string): PolicyObject {
  return {apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: {name: 'default'}, spec: {subject: houseNs('gryffindor'), ingress: [{name: 'from-slytherin', action, from: [houseNs('slytherin')]}]}}
}

// conformance/base/api_integration/standard-anp-np-banp.yaml: NP allowing slytherin into gryffindor.
const npAllowSlytherin = policy('allow-gress-from-to-slytherin-to-gryffindor', gryffindor.metadata!.name!, {podSelector: {}, policyTypes: ['Ingress'], ingress: [{from: [{namespaceSelector: {matchLabels: {'conformance-house': 'slytherin'}}}]}]})
const npDenyAll = policy('deny-all', gryffindor.metadata!.name!, {podSelector: {}, policyTypes: ['Ingress']})

interface Case {
  name: string
  source: string
  model?: EnforcerModel
  nps?: NetworkPolicy[]
  others: PolicyObject[]
  src?: ReturnType<typeof podEndpoint>
  dst?: ReturnType<typeof podEndpoint>
  port?: {protocol?: string; port: number}
  verdict: 'allowed' | 'denied' | 'unknown'
  decidedBy: string[]
}

const CASES: Case[] = [
  // ---- ClusterNetworkPolicy / AdminNetworkPolicy (Kubernetes precedence) ----
  {name: 'CNP Admin Deny beats an NP allow', source: 'network-policy-api conformance/tests/admin-network-policy-standard-integration.go "Should Deny traffic from slytherin to gryffindor respecting admin CNP"', nps: [npAllowSlytherin], others: [cnp('pass-example', 'Admin', 10, 'Deny'), cnp('default', 'Baseline', 10, 'Deny')], verdict: 'denied', decidedBy: ['ClusterNetworkPolicy pass-example ingress[0] "deny-from-slytherin"']},
  {name: 'CNP Admin Pass hands over to the NP that allows', source: 'same file, "Should support a \'pass-ingress\' policy for admin CNP and respect the match for network policy"', nps: [npAllowSlytherin], others: [cnp('pass-example', 'Admin', 10, 'Pass'), cnp('default', 'Baseline', 10, 'Deny')], verdict: 'allowed', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor ingress[0]']},
  {name: 'CNP Admin Pass with no NP: the Baseline Deny decides', source: 'same file, "... respect the match for baseline cluster network policy" (the NP is deleted)', others: [cnp('pass-example', 'Admin', 10, 'Pass'), cnp('default', 'Baseline', 10, 'Deny')], verdict: 'denied', decidedBy: ['ClusterNetworkPolicy default ingress[0] "deny-from-slytherin"']},
  {name: 'lower priority number wins within the Admin tier', source: 'network-policy-api apis/v1alpha2 Priority: "lower priority values have higher precedence"; conformance/tests/admin-network-policy-standard-priority.go', others: [cnp('allow-10', 'Admin', 10, 'Accept'), cnp('deny-20', 'Admin', 20, 'Deny')], verdict: 'allowed', decidedBy: ['ClusterNetworkPolicy allow-10 ingress[0] "accept-from-slytherin"']},
  {name: 'a rule for another port does not match: falls through to default allow', source: 'conformance/base/admin_tier/standard-ingress-tcp-rules.yaml (protocols tcp destinationPort)', others: [cnp('tcp-8080', 'Admin', 5, 'Deny', [{tcp: {destinationPort: {number: 8080}}}])], port: {port: 80}, verdict: 'allowed', decidedBy: []},
  {name: 'ANP Deny beats an NP allow', source: 'network-policy-api v0.1.5 conformance/tests/admin-network-policy-core-integration.go', nps: [npAllowSlytherin], others: [anp('deny-slytherin', 10, 'Deny')], verdict: 'denied', decidedBy: ['AdminNetworkPolicy deny-slytherin ingress[0] "deny-from-slytherin"']},
  {name: 'ANP Allow beats NP isolation', source: 'network-policy-api v0.1.5 apis/v1alpha1 AdminNetworkPolicy: Allow "will be allowed irrespective of other policies"', nps: [npDenyAll], others: [anp('allow-slytherin', 10, 'Allow')], verdict: 'allowed', decidedBy: ['AdminNetworkPolicy allow-slytherin ingress[0] "allow-from-slytherin"']},
  {name: 'ANP namedPort resolves on the destination pod', source: 'network-policy-api v0.1.5 apis/v1alpha1 shared_types.go NamedPort', others: [anp('deny-web', 10, 'Deny', [{namedPort: 'web'}])], port: {port: 80}, verdict: 'denied', decidedBy: ['AdminNetworkPolicy deny-web ingress[0] "deny-from-slytherin"']},
  {name: 'BANP Deny when no NP selects', source: 'conformance/tests/baseline-admin-network-policy-core-gress-rules.go', others: [banp('Deny')], verdict: 'denied', decidedBy: ['BaselineAdminNetworkPolicy default ingress[0] "from-slytherin"']},
  {name: 'BANP ignored once an NP selects the pod', source: 'network-policy-api v0.1.5 apis/v1alpha1 BaselineAdminNetworkPolicy: NetworkPolicies take precedence', nps: [npAllowSlytherin], others: [banp('Deny')], verdict: 'allowed', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor ingress[0]']},
  {name: 'an ANP that kube-network-policies does not enforce decides nothing', source: 'DESIGN: a kind nothing enforces is a finding, not a rule', model: 'cilium', others: [anp('deny-slytherin', 10, 'Deny')], verdict: 'allowed', decidedBy: []},
  // ---- Cilium ----
  {name: 'Cilium deny wins over a Kubernetes NP allow', source: 'docs.cilium.io/en/latest/security/policy/deny/: "Deny policies take precedence over allow policies, regardless of ... Kubernetes Network Policy"', model: 'cilium', nps: [npAllowSlytherin], others: [{apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: 'deny-80', namespace: gryffindor.metadata!.name!}, spec: {endpointSelector: {}, ingressDeny: [{fromEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': slytherin.metadata!.name!}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]}]}}], port: {port: 80}, verdict: 'denied', decidedBy: ['CiliumNetworkPolicy network-policy-conformance-gryffindor/deny-80 ingressDeny[0]']},
  {name: 'Cilium: a policy selecting the pod isolates it; fromEndpoints without a namespace stays in the policy namespace', source: 'docs.cilium.io/en/latest/security/policy/language/ (ingress default deny; namespace-scoped endpoint selectors)', model: 'cilium', others: [{apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: 'same-ns', namespace: gryffindor.metadata!.name!}, spec: {endpointSelector: {}, ingress: [{fromEndpoints: [{matchLabels: {'conformance-house': 'slytherin'}}]}]}}], verdict: 'denied', decidedBy: ['CiliumNetworkPolicy network-policy-conformance-gryffindor/same-ns']},
  {name: 'Cilium allow with the namespace label (k8s: prefix) allows', source: 'docs.cilium.io/en/latest/security/policy/kubernetes/ (io.kubernetes.pod.namespace)', model: 'cilium', others: [{apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: 'from-slytherin', namespace: gryffindor.metadata!.name!}, spec: {endpointSelector: {}, ingress: [{fromEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': slytherin.metadata!.name!}}], toPorts: [{ports: [{port: '80'}]}]}]}}], port: {port: 80}, verdict: 'allowed', decidedBy: ['CiliumNetworkPolicy network-policy-conformance-gryffindor/from-slytherin ingress[0]']},
  {name: 'Cilium L7 rule on the port: unknown', source: 'docs.cilium.io/en/latest/security/policy/language/#layer-7-examples (HTTP rules filter requests, not connections)', model: 'cilium', others: [{apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: 'l7', namespace: gryffindor.metadata!.name!}, spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'GET'}]}}]}]}}], port: {port: 80}, verdict: 'unknown', decidedBy: ['CiliumNetworkPolicy network-policy-conformance-gryffindor/l7 ingress[0]']},
  {name: 'Cilium toFQDNs egress: unknown', source: 'docs.cilium.io/en/latest/security/policy/language/#dns-based (resolved at run time)', model: 'cilium', src: podEndpoint(harry, gryffindor), dst: ipEndpoint('203.0.113.7') as ReturnType<typeof podEndpoint>, others: [{apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: {name: 'fqdn'}, spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchName: 'api.example.com'}]}]}}], port: {port: 443}, verdict: 'unknown', decidedBy: ['CiliumClusterwideNetworkPolicy fqdn egress[0]']},
  // ---- Calico ----
  {name: 'Calico: earlier tier Deny beats the default tier', source: 'docs.tigera.io/calico/latest/reference/resources/tier ("Tiers are sorted by their order - smallest number first")', model: 'calico', nps: [npAllowSlytherin], others: [{apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: {name: 'security'}, spec: {order: 100}}, {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: 'security.block-slytherin'}, spec: {tier: 'security', order: 10, selector: "conformance-house == 'gryffindor'", ingress: [{action: 'Deny', source: {namespaceSelector: "conformance-house == 'slytherin'"}}], types: ['Ingress']}}], verdict: 'denied', decidedBy: ['GlobalNetworkPolicy security.block-slytherin ingress[0]']},
  {name: 'Calico: Pass jumps to the default tier, where the NP allows', source: 'docs.tigera.io/calico/latest/reference/resources/tier ("Passes the packet, the next Tier ... processes the packet")', model: 'calico', nps: [npAllowSlytherin], others: [{apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: {name: 'security'}, spec: {order: 100}}, {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: 'security.pass'}, spec: {tier: 'security', order: 10, selector: 'all()', ingress: [{action: 'Pass'}]}}], verdict: 'allowed', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor ingress[0]']},
  {name: 'Calico: a tier that selects the endpoint and matches nothing denies (end-of-tier deny)', source: 'docs.tigera.io/calico/latest/reference/resources/tier ("If the Tier applies to the endpoint, but takes no action on the packet the packet is dropped")', model: 'calico', others: [{apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: {name: 'platform'}, spec: {order: 50}}, {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: 'platform.only-dns'}, spec: {tier: 'platform', selector: "has(conformance-house)", ingress: [{action: 'Allow', protocol: 'UDP', destination: {ports: [53]}}]}}], port: {port: 80}, verdict: 'denied', decidedBy: ['GlobalNetworkPolicy platform.only-dns']},
  {name: 'Calico: tier defaultAction Pass goes on', source: 'docs.tigera.io/calico/latest/reference/resources/tier (defaultAction)', model: 'calico', others: [{apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: {name: 'platform'}, spec: {order: 50, defaultAction: 'Pass'}}, {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: 'platform.only-dns'}, spec: {tier: 'platform', selector: 'all()', ingress: [{action: 'Allow', protocol: 'UDP', destination: {ports: [53]}}]}}], port: {port: 80}, verdict: 'allowed', decidedBy: []},
  {name: 'Calico: order decides within a tier, Log goes on', source: 'docs.tigera.io/calico/latest/reference/resources/networkpolicy (order; Log action)', model: 'calico', others: [{apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'deny-late', namespace: gryffindor.metadata!.name!}, spec: {order: 200, selector: 'all()', ingress: [{action: 'Deny'}]}}, {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'allow-early', namespace: gryffindor.metadata!.name!}, spec: {order: 100, selector: "conformance-house in {'gryffindor'}", ingress: [{action: 'Log'}, {action: 'Allow', protocol: 'TCP', source: {namespaceSelector: "projectcalico.org/name starts with 'network-policy-conformance-s'"}, destination: {ports: ['80:90']}}]}}], port: {port: 80}, verdict: 'allowed', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/allow-early ingress[1]']},
  {name: 'Calico: the Kubernetes NP sits at order 1000 in the default tier, after an order-10 Calico Deny', source: 'docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy (Kubernetes policies in the default tier)', model: 'calico', nps: [npAllowSlytherin], others: [{apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: {name: 'deny-first', namespace: gryffindor.metadata!.name!}, spec: {order: 10, selector: 'all()', ingress: [{action: 'Deny', source: {selector: "conformance-house == 'slytherin'", namespaceSelector: 'all()'}}]}}], verdict: 'denied', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/deny-first ingress[0]']},
  {name: 'Calico: a staged policy never enforces', source: 'docs.tigera.io/calico/latest/reference/resources/stagednetworkpolicy', model: 'calico', others: [{apiVersion: 'projectcalico.org/v3', kind: 'StagedNetworkPolicy', metadata: {name: 'would-deny', namespace: gryffindor.metadata!.name!}, spec: {selector: 'all()', ingress: [{action: 'Deny'}]}}], verdict: 'allowed', decidedBy: []},
  {name: 'Calico: http match (L7) is unknown', source: 'docs.tigera.io/calico/latest/reference/resources/networkpolicy (HTTPMatch needs application layer policy)', model: 'calico', others: [{apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'l7', namespace: gryffindor.metadata!.name!}, spec: {selector: 'all()', ingress: [{action: 'Allow', http: {methods: ['GET']}}]}}], verdict: 'unknown', decidedBy: ['NetworkPolicy network-policy-conformance-gryffindor/l7 ingress[0]']},
]

function describeDecider(d: {kind: string; namespace?: string; name: string; rule?: string}): string {
  return `${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}${d.rule ? ` ${d.rule}` : ''}`
}

describe('policy layers: verdicts and the objects that decide them', () => {
  for (const c of CASES) {
    it(`${c.name} [${c.source}]`, () => {
      const model = c.model ?? 'kubernetes'
      const set = buildPolicySet({networkPolicies: c.nps ?? [], others: c.others}, {model, name: model, enforces: model === 'cilium' ? new Set([...ALL].filter((k) => !k.startsWith('policy.networking'))) : ALL})
      const v = evaluateFlow(set, c.src ?? fromDraco, c.dst ?? toHarry, c.port ?? {protocol: 'TCP', port: 80})
      assert.equal(v.verdict, c.verdict, v.chain.join('\n'))
      assert.deepEqual(v.decidedBy.map(describeDecider), c.decidedBy, v.chain.join('\n'))
      for (const d of v.decidedBy) assert.ok(d.apiVersion && d.apiVersion.includes('/'), `apiVersion on ${describeDecider(d)}`)
    })
  }

  it("a pod's traffic to itself is allowed even under a deny-all NetworkPolicy [kubernetes.io/docs/concepts/services-networking/network-policies: a pod cannot block access to itself]", () => {
    const set = buildPolicySet({networkPolicies: [npDenyAll]}, {model: 'kubernetes', name: 'k', enforces: ALL})
    const v = evaluateFlow(set, toHarry, toHarry, {protocol: 'TCP', port: 80})
    assert.equal(v.verdict, 'allowed')
  })
})

describe('deciding rules in a sweep', () => {
  it('one frozen object per policy and rule, shared by every flow it decides (listing deciders dedupes by identity)', () => {
    const allowWeb = policy('allow-web', 'shop', {podSelector: {matchLabels: {app: 'web'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {}}]}]})
    const set = buildPolicySet({networkPolicies: [allowWeb]}, {model: 'calico', name: 'calico', enforces: ALL})
    const shop = namespace('shop')
    const web = podEndpoint(pod('web-1', 'shop', {app: 'web'}, {ip: '10.0.0.2'}), shop)
    const [a, b] = ['a', 'b'].map((name, i) => evaluateFlow(set, podEndpoint(pod(name, 'shop', {app: name}, {ip: `10.0.0.${10 + i}`}), shop), web, {protocol: 'TCP', port: 80}))
    assert.equal(a!.verdict, 'allowed')
    assert.deepEqual(a!.decidedBy.map((d) => `${d.name} ${d.rule}`), ['allow-web ingress[0]'])
    assert.equal(a!.decidedBy[0], b!.decidedBy[0])
    assert.ok(Object.isFrozen(a!.decidedBy[0]))
  })
})

describe('malformed policy objects fail closed, naming the object and field', () => {
  const bad: Array<[string, PolicyObject | NetworkPolicy, RegExp]> = [
    ['NP with an unknown operator', policy('bad-op', 'shop', {podSelector: {matchExpressions: [{key: 'app', operator: 'Equals', values: ['x']}]}}), /NetworkPolicy shop\/bad-op \(networking.k8s.io\/v1\): spec.podSelector.*unknown operator "Equals"/],
    ['NP with an invalid label value', policy('bad-value', 'shop', {podSelector: {matchLabels: {app: 'not a value!'}}}), /NetworkPolicy shop\/bad-value.*spec.podSelector.matchLabels: label value "not a value!" is not a valid label value/],
    ['NP whose ingress is not a list', policy('bad-ingress', 'shop', {podSelector: {}, ingress: {from: []}}), /NetworkPolicy shop\/bad-ingress.*spec.ingress: must be a list/],
    ['ANP with an unknown action', anp('bad-action', 10, 'Reject'), /AdminNetworkPolicy bad-action.*spec.ingress\[0\].action: must be one of Allow, Deny, Pass/],
    ['ANP with a priority out of range', anp('bad-priority', 5000, 'Deny'), /AdminNetworkPolicy bad-priority.*spec.priority/],
    ['Calico selector outside the grammar', {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: 'bad-sel'}, spec: {selector: "app =~ 'x'"}}, /GlobalNetworkPolicy bad-sel \(projectcalico.org\/v3\): spec.selector: cannot parse selector/],
    ['Calico unknown action', {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'bad', namespace: 'shop'}, spec: {ingress: [{action: 'Drop'}]}}, /NetworkPolicy shop\/bad \(projectcalico.org\/v3\): spec.ingress\[0\].action/],
    ['Cilium unknown entity', {apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: 'bad', namespace: 'shop'}, spec: {endpointSelector: {}, ingress: [{fromEntities: ['everyone']}]}}, /CiliumNetworkPolicy shop\/bad \(cilium.io\/v2\): spec.ingress\[0\].fromEntities\[0\]: unknown entity "everyone"/],
  ]
  for (const [name, object, message] of bad) {
    it(name, () => {
      const isNp = object.apiVersion === 'networking.k8s.io/v1'
      assert.throws(() => buildPolicySet(isNp ? {networkPolicies: [object as NetworkPolicy]} : {others: [object as PolicyObject]}, {model: 'kubernetes', name: 'k', enforces: ALL}), message)
    })
  }
})
