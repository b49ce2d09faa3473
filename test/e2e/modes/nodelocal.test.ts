// NodeLocal DNSCache (NETDIAG_NODELOCAL=1): the cache's address read from the cluster, pods resolving through it,
// the cache missing on one node named, and a DNS egress rule by pod selector that cannot match the cache.
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectl, kubectlOk, netdiag, PROBE_IMAGE, waitFor, withNamespace} from '../helpers.js'
import {mode, NODE1, NODE2, NODELOCAL_IP, unlessMode} from './cluster-mode.js'
import {clientPod} from './pods.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']
const show = (c: unknown) => JSON.stringify(c, null, 2)
const ip = NODELOCAL_IP.replaceAll('.', '\\.')
const cachePods = () => kubectlOk(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=node-local-dns', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{" "}{end}']).trim().split(/\s+/).filter(Boolean)

describe('e2e modes: NodeLocal DNSCache', {skip: unlessMode(mode.nodeLocal, 'NodeLocal DNSCache')}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('healthy: the cache address comes from its Corefile, pods resolve through it on both nodes', async () => {
    await withNamespace('nodelocal-ok', async (namespace) => {
      clientPod(namespace, 'c2', NODE2)
      const run = netdiag(['dns', '-n', namespace, '--from-pod', 'c2', ...probe])
      assert.ok(run.report, run.stderr + run.stdout)
      const nodeLocal = check(run.report, 'dns.nodelocal')
      assert.equal(nodeLocal.status, 'pass', show(nodeLocal))
      assert.match(nodeLocal.summary, new RegExp(`answers on ${ip} \\(bind in ConfigMap kube-system/node-local-dns \\(Corefile\\)\\), ready on 2/2 nodes`))
      const resolv = check(run.report, 'dns.probe.resolv-conf')
      assert.equal(resolv.status, 'pass', show(resolv))
      assert.match(resolv.summary, new RegExp(`nameserver ${ip}`))
      assert.equal(check(run.report, 'dns.probe.internal').status, 'pass', show(check(run.report, 'dns.probe.internal')))
    })
  })

  it('the cache missing on node 2 (DaemonSet pinned to node 1): the pod there, its node and the DaemonSet are named', async () => {
    await withNamespace('nodelocal-down', async (namespace) => {
      clientPod(namespace, 'c2', NODE2)
      kubectlOk(['-n', 'kube-system', 'patch', 'ds', 'node-local-dns', '--type=merge', '-p', `{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/hostname":"${NODE1}"}}}}}`])
      try {
        await waitFor('the cache pod on node 2 to go', () => cachePods().join(' ') === NODE1)
        // The template change restarts node 1's cache pod too: wait until it is ready again, or the run rightly
        // finds the cache ready on no node at all.
        kubectlOk(['-n', 'kube-system', 'rollout', 'status', 'ds/node-local-dns', '--timeout=120s'])
        const run = netdiag(['dns', '-n', namespace, '--from-pod', 'c2', ...probe, '--timeout', '30s'])
        assert.ok(run.report, run.stderr + run.stdout)
        assert.equal(run.exitCode, 1, show(run.report.checks))
        const root = run.report.diagnosis.rootCause
        assert.equal(root?.checkId, 'dns.probe.resolv-conf', show(run.report.diagnosis))
        assert.match(root!.summary, new RegExp(`^pod ${namespace}/c2 on netdiag-node2 sends DNS to ${ip} \\(NodeLocal DNSCache\\), but no node-local-dns pod is ready on netdiag-node2`))
        const nodeLocal = check(run.report, 'dns.nodelocal')
        assert.equal(nodeLocal.status, 'warn', show(nodeLocal))
        assert.match(nodeLocal.summary, /has no ready pod on netdiag-node2/)
        assert.equal(check(run.report, 'dns.probe.internal').status, 'fail')
      } finally {
        kubectl(['-n', 'kube-system', 'patch', 'ds', 'node-local-dns', '--type=json', '-p', '[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]'])
        kubectlOk(['-n', 'kube-system', 'rollout', 'status', 'ds/node-local-dns', '--timeout=120s'])
      }
    })
  })

  it('a DNS egress policy that allows kube-dns pods by selector only: the policy and the cache address are named', async () => {
    await withNamespace('nodelocal-policy', async (namespace) => {
      apply(namespace, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`)
      clientPod(namespace, 'c1', NODE1)
      const run = netdiag(['dns', '-n', namespace, '--from-pod', 'c1', ...probe])
      assert.ok(run.report, run.stderr + run.stdout)
      const policy = check(run.report, 'dns.policy')
      assert.equal(policy.status, 'warn', show(policy))
      assert.match(policy.summary, new RegExp(`^pod ${namespace}/c1 may reach CoreDNS pods, but NodeLocal DNSCache answers their lookups on ${ip}, and ${namespace}/allow-dns does not allow egress 53/UDP and 53/TCP there`))
      assert.deepEqual(policy.objects, [{kind: 'NetworkPolicy', namespace, name: 'allow-dns'}])
      assert.match(policy.remediation, new RegExp(`ipBlock: \\{cidr: ${ip}/32\\}`))
    })
  })
})
