import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {rootCause, runDns} from '../helpers/dns-cluster.js'
import {KUBEADM_COREFILE, LOOP_LOG, corednsConfigMap, corednsDeployment, corednsPod, kubeDnsService, kubeDnsSlice, nodeLocalDnsDaemonSet, nodeLocalDnsPod} from '../helpers/dns-fixtures.js'
import {kindNodes, kubeProxyDaemonSet} from '../helpers/path-fixtures.js'
import {strictNock} from '../helpers/nock.js'

const API_CHECKS = ['dns.pods', 'dns.service', 'dns.endpoints', 'dns.corefile', 'dns.logs', 'dns.nodelocal', 'dns.policy', 'dns.policy-enforcement', 'dns.pod-config']
const PROBES = ['dns.probe.source', 'dns.probe.resolv-conf', 'dns.probe.internal', 'dns.probe.search', 'dns.probe.replicas', 'dns.probe.external', 'dns.probe.latency']

describe('kubectl netdiag dns: the DNS server (nock)', () => {
  strictNock()

  it('a healthy kubeadm cluster under --no-probe: every API check passes, no warning, exit 0', async () => {
    const r = await runDns()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.deepEqual(r.report.target, {namespace: 'shop', externalName: 'kubernetes.io'})
    assert.deepEqual(r.statuses(), Object.fromEntries([['preflight.access', 'pass'], ...API_CHECKS.map((id) => [id, 'pass']), ...PROBES.map((id) => [id, 'skip'])]))
    for (const id of PROBES) assert.equal(r.check(id).skippedBecause, 'no-probe', id)
    assert.equal(r.report.status, 'pass')
    assert.deepEqual(r.report.diagnosis, {rootCause: null, findings: []})
    assert.equal(r.check('dns.pods').summary, '2/2 CoreDNS pods ready, 0 restarts')
    assert.equal(r.check('dns.service').summary, 'Service kube-system/kube-dns has ClusterIP 10.96.0.10 serving 53/UDP and 53/TCP')
    assert.match(r.check('dns.pod-config').summary, /^a new pod in shop: dnsPolicy ClusterFirst, nameserver 10\.96\.0\.10, search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local, ndots:5$/)
  })

  it("CoreDNS 0/2 ready, crash-looping with 'plugin/loop: Loop detected': dns.pods is the root cause, the empty endpoints a consequence", async () => {
    const pods = [corednsPod(0, 'crash-loop'), corednsPod(1, 'crash-loop')]
    const r = await runDns({pods, deployment: corednsDeployment({ready: 0}), logs: LOOP_LOG, previousLogs: LOOP_LOG})
    const root = rootCause(r, 'dns.pods')
    assert.match(root.summary, /^CoreDNS \(Deployment kube-system\/coredns\) has 0 of 2 pods ready: coredns-668d6bf9bc-4xkqp CrashLoopBackOff \(Error, 9 restarts\); coredns-668d6bf9bc-t8m2z CrashLoopBackOff \(Error, 9 restarts\)/)
    assert.match(root.summary, /the logs say: CoreDNS detected a forwarding loop \(127\.0\.0\.1:44358 -> :53 zone \.\).*plugin\/loop: Loop \(127\.0\.0\.1:44358 -> :53\) detected/)
    // The fix the crash log points to first; reading the log is no longer the first advice.
    assert.match(root.remediation, /^Give CoreDNS real upstreams: kubelet resolvConf: \/run\/systemd\/resolve\/resolv\.conf .*; kubectl -n kube-system logs coredns-668d6bf9bc-4xkqp --previous/)
    assert.deepEqual(root.objects[0], {kind: 'Deployment', namespace: 'kube-system', name: 'coredns'})
    // Consequences come after the cause, never instead of it.
    assert.equal(r.check('dns.endpoints').status, 'fail')
    assert.equal(r.check('dns.logs').status, 'fail')
    assert.deepEqual(r.report.diagnosis.findings, ['dns.pods', 'dns.logs', 'dns.endpoints'])
  })

  it('the kube-dns Service missing: dns.service is the root cause and the endpoints check is skipped because of it', async () => {
    const r = await runDns({service: null})
    const root = rootCause(r, 'dns.service')
    assert.match(root.summary, /^Service kube-system\/kube-dns does not exist: pods' nameserver \(the kubelet's clusterDNS\) points at nothing/)
    assert.match(root.remediation, /kubeadm init phase addon coredns/)
    assert.equal(r.check('dns.endpoints').skippedBecause, 'dns.service')
    assert.equal(r.report.diagnosis.findings[0], 'dns.service')
  })

  it('a kube-dns Service without 53/TCP: root cause with the patch that adds it', async () => {
    const service = kubeDnsService([
      {name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
      {name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
    ])
    const r = await runDns({service, slices: null})
    assert.equal(r.check('dns.endpoints').skippedBecause, 'dns.service')
    const root = rootCause(r, 'dns.service')
    assert.equal(root.summary, 'Service kube-system/kube-dns does not serve 53/TCP: large answers and TCP fallback fail')
    assert.equal(root.remediation, `kubectl -n kube-system patch service kube-dns --type=json -p '[{"op":"add","path":"/spec/ports/-","value":{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}}]'`)
  })

  it('EndpointSlices with no ready endpoint while CoreDNS is ready: the Service selector is blamed, not the pods', async () => {
    const service = kubeDnsService()
    service.spec!.selector = {'k8s-app': 'coredns'}
    const r = await runDns({service, slices: [kubeDnsSlice([])]})
    assert.equal(r.check('dns.pods').status, 'pass')
    const root = rootCause(r, 'dns.endpoints')
    assert.match(root.summary, /^Service kube-system\/kube-dns has no ready endpoints although 2 CoreDNS pod\(s\) are ready: its selector \{k8s-app=coredns\} matches none of them \(they carry k8s-app=kube-dns\); every lookup to its ClusterIP times out$/)
    assert.match(root.remediation, /kubectl -n kube-system patch service kube-dns --type=merge -p '\{"spec":\{"selector":\{"k8s-app":"kube-dns"\}\}\}'/)
  })

  it('a Corefile forwarding to 127.0.0.1: the lint finding with its line number is the root cause', async () => {
    const corefile = KUBEADM_COREFILE.replace('forward . /etc/resolv.conf', 'forward . 127.0.0.1')
    const r = await runDns({configMap: corednsConfigMap(corefile)})
    const root = rootCause(r, 'dns.corefile')
    const line = corefile.split('\n').findIndex((l) => l.includes('forward . 127.0.0.1')) + 1
    assert.equal(line, 13)
    assert.match(root.summary, /^Corefile line 13: forward to 127\.0\.0\.1: a loopback address inside the CoreDNS pod is CoreDNS itself/)
    assert.match(root.remediation, /Forward to the real upstream resolvers.*\(kubectl -n kube-system edit configmap coredns\)/)
    assert.deepEqual(root.objects, [{kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns'}])
  })

  it('a Corefile without the kubernetes plugin: Service names cannot resolve, named at the server block line', async () => {
    const corefile = KUBEADM_COREFILE.replace(/ {4}kubernetes cluster\.local[^}]*\}\n/, '')
    assert.doesNotMatch(corefile, /kubernetes/)
    const r = await runDns({configMap: corednsConfigMap(corefile)})
    const root = rootCause(r, 'dns.corefile')
    assert.match(root.summary, /^Corefile line 1: Server block \.:53 serves cluster\.local\. but has no kubernetes plugin: Service and pod names cannot resolve/)
    assert.match(root.remediation, /^Add these lines inside \.:53 \{ \.\.\. \} .*\(kubectl -n kube-system edit configmap coredns\)\nkubernetes cluster\.local in-addr\.arpa ip6\.arpa \{\n {3}pods insecure\n/)
  })

  it('NodeLocal DNSCache detected and healthy: passes, naming the link-local IP pods should use', async () => {
    const r = await runDns({kubeSystemDaemonSets: [kubeProxyDaemonSet(), nodeLocalDnsDaemonSet()]})
    assert.equal(r.exitCode, 0, r.stderr)
    const check = r.check('dns.nodelocal')
    assert.equal(check.status, 'pass')
    assert.equal(check.summary, 'NodeLocal DNSCache kube-system/node-local-dns answers on 169.254.20.10 (-localip on node-cache), ready on 3/3 nodes')
    assert.deepEqual(check.details, {installed: true, daemonSet: 'node-local-dns', localIP: '169.254.20.10', localIPSource: '-localip on node-cache', desired: 3, ready: 3, unavailable: 0, nodesWithoutCache: []})
  })

  it('NodeLocal DNSCache whose DaemonSet skips a node (ready = desired): a warning naming that node', async () => {
    const nodes = kindNodes().map((n) => n.metadata!.name!)
    const r = await runDns({kubeSystemDaemonSets: [kubeProxyDaemonSet(), nodeLocalDnsDaemonSet({desired: 2})], nodeLocalPods: nodes.slice(0, 2).map((n) => nodeLocalDnsPod(n))})
    const check = r.check('dns.nodelocal')
    assert.equal(check.status, 'warn', JSON.stringify(check))
    assert.equal(check.summary, `NodeLocal DNSCache kube-system/node-local-dns has no ready pod on ${nodes[2]} (ready on 2/2 scheduled): pods there whose nameserver is 169.254.20.10 get no answer`)
    assert.deepEqual(check.objects, [{kind: 'DaemonSet', namespace: 'kube-system', name: 'node-local-dns'}, {kind: 'Node', name: nodes[2]}])
  })

  it('NodeLocal DNSCache not ready on one node: root cause, with the nodes to look at', async () => {
    const r = await runDns({kubeSystemDaemonSets: [kubeProxyDaemonSet(), nodeLocalDnsDaemonSet({ready: 2})]})
    const root = rootCause(r, 'dns.nodelocal')
    assert.equal(root.summary, 'NodeLocal DNSCache kube-system/node-local-dns is ready on 2 of 3 nodes: pods on the others send DNS to 169.254.20.10, where nothing answers')
    assert.match(root.remediation, /kubectl -n kube-system get pods -l k8s-app=node-local-dns -o wide/)
  })
})
