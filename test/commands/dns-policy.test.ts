import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {rootCause, runDns} from '../helpers/dns-cluster.js'
import {nodeLocalDnsDaemonSet} from '../helpers/dns-fixtures.js'
import {flannelDaemonSet, kubeProxyDaemonSet, networkPolicyAgentDaemonSet} from '../helpers/path-fixtures.js'
import {networkPolicy, pod} from '../helpers/svc-fixtures.js'
import {strictNock} from '../helpers/nock.js'

const ENFORCED = [flannelDaemonSet(), networkPolicyAgentDaemonSet()]
const defaultDenyEgress = () => networkPolicy('default-deny-egress', {podSelector: {}, policyTypes: ['Egress']})

function frontend(dnsPolicy: string, dnsConfig?: Record<string, unknown>) {
  const p = pod({name: 'frontend-5c7d8b9f6-qw2er', deployment: 'frontend', hash: '5c7d8b9f6', ip: '10.244.1.40'})
  p.spec!.dnsPolicy = dnsPolicy
  if (dnsConfig) p.spec!.dnsConfig = dnsConfig
  return p
}

describe('kubectl netdiag dns: policies and the pod DNS config (nock)', () => {
  strictNock()

  it('a default-deny egress policy in the namespace: the policy is named, UDP and TCP 53 blocked, the allow rule as YAML', async () => {
    const r = await runDns({policies: [defaultDenyEgress()], cniDaemonSets: ENFORCED})
    const root = rootCause(r, 'dns.policy')
    assert.match(root.summary, /^NetworkPolicy shop\/default-deny-egress blocks egress 53\/UDP and 53\/TCP from pods in shop with \{app=backend, pod-template-hash=6d8f7b9c4\} to kube-system\/kube-dns \(2 label groups affected\)$/)
    assert.deepEqual(root.objects, [{kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny-egress'}])
    assert.match(root.remediation, /kind: NetworkPolicy\n[\s\S]*namespace: shop\nspec:\n {2}podSelector: \{\}\n {2}policyTypes: \[Egress\][\s\S]*kubernetes\.io\/metadata\.name: kube-system[\s\S]*k8s-app: kube-dns[\s\S]*- \{protocol: UDP, port: 53\}\n {4}- \{protocol: TCP, port: 53\}/)
    assert.equal(r.check('dns.policy-enforcement').status, 'pass')
    assert.deepEqual(r.report.diagnosis.findings, ['dns.policy'])
  })

  it('a DNS egress rule whose namespaceSelector uses a label kube-system does not carry: the near miss is explained', async () => {
    const allowDns = networkPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{to: [{namespaceSelector: {matchLabels: {name: 'kube-system'}}}], ports: [{protocol: 'UDP', port: 53}, {protocol: 'TCP', port: 53}]}],
    })
    const r = await runDns({policies: [defaultDenyEgress(), allowDns], cniDaemonSets: ENFORCED})
    const root = rootCause(r, 'dns.policy')
    assert.match(root.summary, /^NetworkPolicies shop\/allow-dns, shop\/default-deny-egress isolate the pods and none of them allows egress 53\/UDP and 53\/TCP from pods in shop with \{app=backend, pod-template-hash=6d8f7b9c4\} to kube-system\/kube-dns/)
    assert.match(root.summary, /; namespaceSelector requires name=kube-system but namespace kube-system has labels \{kubernetes\.io\/metadata\.name=kube-system\}/)
    assert.deepEqual(root.objects.map((o: {name: string}) => o.name), ['allow-dns', 'default-deny-egress'])
    assert.match(root.remediation, /kubernetes\.io\/metadata\.name: kube-system/)
  })

  it('NodeLocal DNSCache with a DNS egress rule that allows kube-dns pods by selector only: the policy and the cache address are named', async () => {
    // The allow rule kubernetes.io's NetworkPolicy docs suggest for DNS; the cache is node-cache's upstream manifest.
    const allowDns = networkPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}], ports: [{protocol: 'UDP', port: 53}, {protocol: 'TCP', port: 53}]}],
    })
    const r = await runDns({policies: [allowDns], cniDaemonSets: ENFORCED, kubeSystemDaemonSets: [kubeProxyDaemonSet(), nodeLocalDnsDaemonSet()]})
    const check = r.check('dns.policy')
    assert.equal(check.status, 'warn', JSON.stringify(check))
    assert.match(check.summary, /^pods in shop with \{app=backend, pod-template-hash=6d8f7b9c4\} may reach CoreDNS pods, but NodeLocal DNSCache answers their lookups on 169\.254\.20\.10, and shop\/allow-dns does not allow egress 53\/UDP and 53\/TCP there/)
    assert.deepEqual(check.objects, [{kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-dns'}])
    assert.match(check.remediation, /ipBlock: \{cidr: 169\.254\.20\.10\/32\}/)
    assert.deepEqual(check.details.explains, ['dns.probe.internal', 'dns.probe.search', 'dns.probe.external', 'dns.probe.latency'])
  })

  it('NodeLocal DNSCache and a DNS egress rule that also allows its address (ipBlock): no warning', async () => {
    const allowDns = networkPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}, {ipBlock: {cidr: '169.254.20.10/32'}}], ports: [{protocol: 'UDP', port: 53}, {protocol: 'TCP', port: 53}]}],
    })
    const r = await runDns({policies: [allowDns], cniDaemonSets: ENFORCED, kubeSystemDaemonSets: [kubeProxyDaemonSet(), nodeLocalDnsDaemonSet()]})
    assert.equal(r.check('dns.policy').status, 'pass', JSON.stringify(r.check('dns.policy')))
  })

  it('policies with flannel alone (nothing enforces them): a warning that they are decorative, not a failure; exit 0', async () => {
    const r = await runDns({policies: [defaultDenyEgress()], cniDaemonSets: [flannelDaemonSet()]})
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.report.status, 'warn')
    assert.equal(r.report.diagnosis.rootCause, null)
    const enforcement = r.check('dns.policy-enforcement')
    assert.equal(enforcement.status, 'warn')
    assert.equal(enforcement.summary, '1 NetworkPolicy(ies) (shop/default-deny-egress) exist but CNI flannel does not enforce NetworkPolicy: they are decorative')
    assert.equal(r.check('dns.policy').status, 'warn')
    assert.match(r.check('dns.policy').summary, /blocks egress 53\/UDP and 53\/TCP .*; but CNI flannel does not enforce NetworkPolicy, so the policy is decorative$/)
    assert.deepEqual(r.report.diagnosis.findings, ['dns.policy-enforcement', 'dns.policy'])
  })

  it('--fail-on warn turns the decorative-policy warning into exit 1', async () => {
    const r = await runDns({policies: [defaultDenyEgress()], cniDaemonSets: [flannelDaemonSet()]}, ['--no-probe', '--fail-on', 'warn'])
    assert.equal(r.exitCode, 1, r.stderr)
    assert.equal(r.report.status, 'warn')
  })

  it('pods/log denied in pre-flight: dns.logs is skipped (forbidden), preflight.access warns with the rule to grant; exit 0', async () => {
    const r = await runDns({deny: (a) => a.resource === 'pods' && a.subresource === 'log'})
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.check('dns.logs').status, 'skip')
    assert.equal(r.check('dns.logs').skippedBecause, 'forbidden')
    const access = r.check('preflight.access')
    assert.equal(access.status, 'warn')
    assert.equal(access.summary, 'not allowed to get pods/log in namespace kube-system: 1 check(s) skipped (dns.logs)')
    assert.match(access.remediation, /resources: \["pods\/log"\]\n {2}verbs: \["get"\]/)
  })

  it('--from-pod with dnsPolicy Default: a warning that Service names do not resolve from it', async () => {
    const fromPod = frontend('Default')
    const r = await runDns({fromPod}, ['--no-probe', '--from-pod', 'frontend-5c7d8b9f6-qw2er'])
    assert.equal(r.exitCode, 0, r.stderr)
    assert.deepEqual(r.report.target, {namespace: 'shop', fromPod: 'frontend-5c7d8b9f6-qw2er', externalName: 'kubernetes.io'})
    const config = r.check('dns.pod-config')
    assert.equal(config.status, 'warn')
    assert.match(config.summary, /^pod shop\/frontend-5c7d8b9f6-qw2er resolves through the node's resolv\.conf \(dnsPolicy Default\): Service names do not resolve/)
    assert.match(config.remediation, /set dnsPolicy: ClusterFirst/)
    assert.deepEqual(config.objects, [{kind: 'Pod', namespace: 'shop', name: 'frontend-5c7d8b9f6-qw2er'}])
  })

  it('--from-pod with dnsPolicy None and no nameservers: the pod has no resolver, root cause', async () => {
    const fromPod = frontend('None', {searches: ['shop.svc.cluster.local']})
    const r = await runDns({fromPod}, ['--no-probe', '--from-pod', 'frontend-5c7d8b9f6-qw2er'])
    const root = rootCause(r, 'dns.pod-config')
    assert.equal(root.summary, 'pod shop/frontend-5c7d8b9f6-qw2er has dnsPolicy None and no dnsConfig.nameservers: it has no resolver at all')
    assert.equal(root.remediation, 'set spec.dnsConfig.nameservers, or use dnsPolicy: ClusterFirst')
  })
})
