// Policy layers offline: snapshots derived from the README example (examples/shop.json, captured from the
// local cluster) with AdminNetworkPolicy, Calico and broken objects added.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {writeTempFile} from '../helpers/files.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'

interface Item {
  apiVersion?: string
  kind: string
  metadata: {name: string; namespace?: string; labels?: Record<string, string>}
  spec?: Record<string, any>
}

const BASE = JSON.parse(readFileSync(new URL('../../examples/shop.json', import.meta.url), 'utf8')) as {items: Item[]}
const FRONTEND = 'shop/frontend-79cdcfb8dd-7vdbv'
const BACKEND = 'shop/backend-f8699bf4c-pr2xn'

/** The example without its shop NetworkPolicies, kube-network-policies with or without its ANP flags, plus `extra`. */
function snapshot(extra: object[], options: {anpFlags?: boolean; keepPolicies?: boolean; edit?: (items: Item[]) => void} = {}): string {
  const items: Item[] = structuredClone(BASE.items).filter((i: Item) => options.keepPolicies || i.kind !== 'NetworkPolicy')
  if (options.anpFlags !== false) {
    const ds = items.find((i) => i.kind === 'DaemonSet' && i.metadata.name === 'kube-network-policies')!
    const command: string[] = ds.spec!.template.spec.containers[0].command
    command[command.length - 1] = command.at(-1)!.replace('--nfqueue-id=98', '--nfqueue-id=98 --admin-network-policy=true --baseline-admin-network-policy=true')
  }
  options.edit?.(items)
  return writeTempFile('snapshot.json', JSON.stringify({apiVersion: 'v1', kind: 'List', items: [...items, ...extra]}))
}

async function report(argv: string[], file: string) {
  const r = await run([...argv, '--snapshot', file, '-o', 'json'])
  const parsed = r.stdout ? JSON.parse(r.stdout) : undefined
  if (parsed) assertValidReport(parsed)
  const check = (id: string) => parsed?.checks.find((c: {id: string}) => c.id === id)
  return {...r, report: parsed, check}
}

const npAllowFrontend = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {name: 'backend-from-frontend', namespace: 'shop'},
  spec: {podSelector: {matchLabels: {app: 'backend'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}], ports: [{protocol: 'TCP', port: 8080}]}]},
}

function anp(action: string, name = 'protect-backend'): object {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: {name},
    spec: {priority: 10, subject: {pods: {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'shop'}}, podSelector: {matchLabels: {app: 'backend'}}}}, ingress: [{name: 'web-tier', action, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {tier: 'web'}}}}], ports: [{portNumber: {protocol: 'TCP', port: 8080}}]}]},
  }
}

describe('policy layers from a snapshot', () => {
  it('path: an AdminNetworkPolicy Deny over a NetworkPolicy allow is the root cause, named with its apiVersion', async () => {
    const r = await report(['path', FRONTEND, BACKEND, '--port', '8080'], snapshot([npAllowFrontend, anp('Deny')]))
    assert.equal(r.exitCode, 1, r.stderr)
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'path.policy')
    assert.deepEqual(root.objects, [{kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'protect-backend'}])
    assert.match(root.summary, /^AdminNetworkPolicy protect-backend denies 8080\/TCP from shop\/frontend-79cdcfb8dd-7vdbv to shop\/backend-f8699bf4c-pr2xn \(ingress: AdminNetworkPolicy protect-backend \(priority 10\) ingress\[0\] "web-tier": Deny\)/)
    const verdicts = r.check('path.policy').details.verdicts
    assert.deepEqual(verdicts.map((v: {port: number; protocol: string; verdict: string}) => [v.port, v.protocol, v.verdict]), [[8080, 'TCP', 'denied']])
    assert.deepEqual(verdicts[0].decidedBy, [{kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'protect-backend', rule: 'ingress[0] "web-tier"'}])
    // today's details stay: the NetworkPolicy view alone allows it
    assert.equal(r.check('path.policy').details.ports[0].allowed, true)
    assert.match(root.remediation, /kubectl edit adminnetworkpolicy.policy.networking.k8s.io protect-backend/)
  })

  it('path: ANP Pass hands the flow to the NetworkPolicy, which allows it', async () => {
    const r = await report(['path', FRONTEND, BACKEND, '--port', '8080'], snapshot([npAllowFrontend, anp('Pass')]))
    assert.equal(r.exitCode, 0, r.stderr)
    const check = r.check('path.policy')
    assert.equal(check.status, 'pass')
    assert.deepEqual(check.details.verdicts[0].chain, ['egress: no NetworkPolicy selects the pod for egress', 'egress: no rule denies it: allowed by default', 'ingress: AdminNetworkPolicy protect-backend (priority 10) ingress[0] "web-tier": Pass', 'ingress: NetworkPolicy shop/backend-from-frontend ingress[0]: Allow'])
  })

  it('path: an ANP the enforcer does not run (no --admin-network-policy) decides nothing and is a warning', async () => {
    const r = await report(['path', FRONTEND, BACKEND, '--port', '8080'], snapshot([anp('Deny')], {anpFlags: false}))
    assert.equal(r.exitCode, 0, r.stderr)
    const check = r.check('path.policy')
    assert.equal(check.status, 'warn')
    assert.equal(check.details.verdicts[0].verdict, 'allowed')
    assert.match(check.summary, /AdminNetworkPolicy protect-backend \(policy.networking.k8s.io\/v1alpha1\) exists but kube-network-policies does not enforce AdminNetworkPolicy: it decides nothing/)
  })

  it('a Calico projectcalico.org/v3 NetworkPolicy is never read as a Kubernetes NetworkPolicy', async () => {
    const calico = {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: 'deny-all', namespace: 'shop'}, spec: {selector: 'all()', types: ['Ingress', 'Egress']}}
    const r = await report(['path', FRONTEND, BACKEND, '--port', '8080'], snapshot([calico]))
    const check = r.check('path.policy')
    assert.deepEqual(check.details.policies, [])
    assert.equal(check.details.verdicts[0].verdict, 'allowed')
    assert.match(check.summary, /NetworkPolicy shop\/deny-all \(projectcalico.org\/v3\) exists but kube-network-policies \(--admin-network-policy --baseline-admin-network-policy\) does not enforce NetworkPolicy: it decides nothing/)
  })

  it('a malformed AdminNetworkPolicy is one error line naming the object and field, exit 2', async () => {
    const r = await report(['path', FRONTEND, BACKEND, '--port', '8080'], snapshot([anp('Reject', 'broken')]))
    assert.equal(r.exitCode, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr.trim(), 'error: AdminNetworkPolicy broken (policy.networking.k8s.io/v1alpha1): spec.ingress[0].action: must be one of Allow, Deny, Pass, got "Reject"')
  })

  it('a NetworkPolicy with an unknown operator fails closed for dns: exit 2, never a pass', async () => {
    const bad = {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'typo', namespace: 'shop'}, spec: {podSelector: {matchExpressions: [{key: 'app', operator: 'Equals', values: ['web']}]}, policyTypes: ['Egress']}}
    const r = await report(['dns', '-n', 'shop'], snapshot([bad]))
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr.trim(), /^error: NetworkPolicy shop\/typo \(networking.k8s.io\/v1\): spec.podSelector: app: unknown operator "Equals"$/)
  })

  it('--port N/sctp is accepted offline and judged by the policies', async () => {
    const r = await report(['path', FRONTEND, BACKEND, '--port', '9000/sctp'], snapshot([npAllowFrontend]))
    assert.equal(r.exitCode, 1, r.stderr)
    const check = r.check('path.policy')
    assert.equal(check.status, 'fail')
    assert.deepEqual(check.details.verdicts.map((v: {port: number; protocol: string; verdict: string}) => [v.port, v.protocol, v.verdict]), [[9000, 'SCTP', 'denied']])
  })

  it("path from a pod to itself is never blocked by policy", async () => {
    const denyAll = {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'deny-all', namespace: 'shop'}, spec: {podSelector: {}, policyTypes: ['Ingress', 'Egress']}}
    const r = await report(['path', BACKEND, BACKEND, '--port', '8080'], snapshot([denyAll]))
    const check = r.check('path.policy')
    assert.equal(check.details.verdicts[0].verdict, 'allowed')
    assert.notEqual(check.status, 'fail')
  })
})

describe('dns.policy across replicas and protocols (snapshot)', () => {
  const egressUdpOnly = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {name: 'dns-udp-only', namespace: 'shop'},
    spec: {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}}], ports: [{protocol: 'UDP', port: 53}]}]},
  }

  it('egress that allows 53/UDP but not 53/TCP is a failure naming the policy (large answers need TCP)', async () => {
    const r = await report(['dns', '-n', 'shop'], snapshot([egressUdpOnly]))
    assert.equal(r.exitCode, 1, r.stderr)
    const check = r.check('dns.policy')
    assert.equal(check.status, 'fail')
    assert.deepEqual(check.objects, [{kind: 'NetworkPolicy', namespace: 'shop', name: 'dns-udp-only'}])
    assert.match(check.summary, /^NetworkPolicy shop\/dns-udp-only blocks egress 53\/TCP from .*larger than a UDP datagram .* are retried over TCP and fail/)
  })

  it('a kube-system policy that isolates one CoreDNS replica names that replica and the policy; the fix is a policy, never deleting a pod', async () => {
    const isolateOne = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {name: 'coredns-a-internal-only', namespace: 'kube-system'},
      spec: {podSelector: {matchLabels: {'statefulset.kubernetes.io/pod-name': 'coredns-695fc8d95c-484gh'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {}}]}]},
    }
    const r = await report(['dns', '-n', 'shop'], snapshot([isolateOne], {edit: (items) => (items.find((i) => i.metadata.name === 'coredns-695fc8d95c-484gh')!.metadata.labels!['statefulset.kubernetes.io/pod-name'] = 'coredns-695fc8d95c-484gh')}))
    const check = r.check('dns.policy')
    assert.equal(check.status, 'fail')
    assert.deepEqual(check.objects, [{kind: 'NetworkPolicy', namespace: 'kube-system', name: 'coredns-a-internal-only'}])
    assert.deepEqual(check.details.cutOffReplicas, ['kube-system/coredns-695fc8d95c-484gh'])
    assert.match(check.summary, /ingress to CoreDNS replica kube-system\/coredns-695fc8d95c-484gh on 53\/UDP and 53\/TCP .*1 of 2 replicas cut off/)
    assert.doesNotMatch(check.remediation, /delete pod/)
    assert.match(check.remediation, /kind: NetworkPolicy/)
  })
})
