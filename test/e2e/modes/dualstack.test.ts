// Dual-stack (NETDIAG_IP_FAMILY=dual): IPv4 and IPv6 pod, node and Service ranges. svc reads ipFamilyPolicy and the
// per-family EndpointSlices, asks CoreDNS for A and AAAA and connects over both families; path probes over IPv6 on
// one node and across the two; node is healthy; an IPv4-only Service asked about IPv6 clients is named, and so is
// a dual-stack Service whose IPv6 family has no endpoint (by svc and by scan).
import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, PROBE_IMAGE, sleep, waitFor, web, WEB_IMAGE, withNamespace} from '../helpers.js'
import {mode, NODE1, NODE2, unlessMode} from './cluster-mode.js'
import {clientPod} from './pods.js'

const probe = ['--image', PROBE_IMAGE, '-o', 'json']
const show = (c: unknown) => JSON.stringify(c, null, 2)
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function service(name: string, policy: 'SingleStack' | 'RequireDualStack'): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  ipFamilyPolicy: ${policy}
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]
`
}

/** A web pod pinned to a node, with its http port declared (path probes it). */
function webPod(namespace: string, name: string, node: string): string[] {
  apply(
    namespace,
    `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: ${WEB_IMAGE}
    imagePullPolicy: IfNotPresent
    args: ["8080"]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 2}
`,
  )
  kubectlOk(['-n', namespace, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=90s'])
  return kubectlOk(['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.status.podIPs[*].ip}']).trim().split(/\s+/)
}

/** Both families' EndpointSlices list `ready` ready endpoints, and kube-proxy had its second to program them. */
async function slicesReady(namespace: string, name: string, families: string[], ready: number): Promise<void> {
  const count = () => kubectlOk(['-n', namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${name}`, '-o', 'jsonpath={range .items[*]}{.addressType}={range .endpoints[?(@.conditions.ready==true)]}x{end} {end}']).trim().split(/\s+/).sort().join(' ')
  const want = families.map((f) => `${f}=${'x'.repeat(ready)}`).sort().join(' ')
  await waitFor(`${namespace}/${name}: ${want}`, () => count() === want)
  await sleep(2000)
}

function clusterIPs(namespace: string, name: string): string[] {
  return kubectlOk(['-n', namespace, 'get', 'svc', name, '-o', 'jsonpath={.spec.clusterIPs[*]}']).trim().split(/\s+/)
}

describe('e2e modes: dual-stack', {skip: unlessMode(mode.dual, 'dual-stack (NETDIAG_IP_FAMILY=dual)')}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('svc on a RequireDualStack Service: both families, per-family EndpointSlices, A and AAAA, connects over both; dns healthy', async () => {
    await withNamespace('dual-svc', async (namespace) => {
      apply(namespace, web('backend', {replicas: 2}) + '---\n' + service('backend', 'RequireDualStack'))
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      clientPod(namespace, 'client', NODE2)
      await slicesReady(namespace, 'backend', ['IPv4', 'IPv6'], 2)
      const [v4, v6] = clusterIPs(namespace, 'backend')
      assert.match(v6 ?? '', /^fd10:96:/)
      const run = netdiag(['svc', 'backend', '-n', namespace, '--from-pod', 'client', ...probe])
      assert.ok(run.report, run.stderr + run.stdout)
      assert.equal(run.exitCode, 0, show(run.report.checks))
      const families = check(run.report, 'svc.ip-families')
      assert.equal(families.status, 'pass', show(families))
      assert.equal(families.summary, `Service ${namespace}/backend is RequireDualStack (IPv4 ${v4}, IPv6 ${v6}): 2 ready IPv4 endpoint(s), 2 ready IPv6 endpoint(s)`)
      assert.deepEqual(families.details.addressTypes, ['IPv4', 'IPv6'])
      assert.match(check(run.report, 'svc.endpoints').summary, /: IPv4 2\/2 and IPv6 2\/2 ready for http 80\/TCP in 2 EndpointSlice\(s\)$/)
      const dns = check(run.report, 'svc.dns')
      assert.equal(dns.status, 'pass', show(dns))
      assert.match(dns.summary, new RegExp(`\\(A ${esc(v4!)}; AAAA ${esc(v6!)}\\)$`))
      const connect = check(run.report, 'svc.connect')
      assert.equal(connect.status, 'pass', show(connect))
      const ports = connect.details.ports as Array<{port: string; verdict: string; attempts: Array<{host: string; outcome: string}>}>
      assert.deepEqual(ports.map((p) => [p.port, p.verdict]), [['http 80/TCP -> http (IPv4)', 'ok'], ['http 80/TCP -> http (IPv6)', 'ok']])
      assert.ok(ports[1]!.attempts.some((a) => a.host === v6 && a.outcome === 'connected'), show(ports[1]))

      // *.netdiag.test resolves through the node's stub upstream (test/cluster/README.md)
      const cluster = netdiag(['dns', '-n', namespace, '--from-pod', 'client', '--external-name', 'probe.netdiag.test', ...probe])
      assert.ok(cluster.report, cluster.stderr + cluster.stdout)
      assert.equal(cluster.exitCode, 0, show(cluster.report.checks))
      for (const id of ['dns.probe.internal', 'dns.probe.external']) assert.equal(check(cluster.report, id).status, 'pass', show(check(cluster.report, id)))
    })
  })

  it('path over IPv6, on one node and across the two: the IPv6 address is probed and answers', async () => {
    await withNamespace('dual-path', async (namespace) => {
      clientPod(namespace, 'a', NODE1)
      const near = webPod(namespace, 'near', NODE1)
      const far = webPod(namespace, 'far', NODE2)
      for (const [to, ips, where] of [['near', near, /both on node netdiag-node1/], ['far', far, /on different nodes/]] as const) {
        const v6 = ips.find((ip) => ip.includes(':'))!
        assert.match(v6, /^fd10:244:/)
        const run = netdiag(['path', `${namespace}/a`, `${namespace}/${to}`, '--ip-family', 'IPv6', ...probe])
        assert.ok(run.report, run.stderr + run.stdout)
        assert.equal(run.exitCode, 0, show(run.report.checks))
        const pods = check(run.report, 'path.pods')
        assert.match(pods.summary, where)
        assert.match(pods.summary, /IPv4 and IPv6; probing over IPv6/)
        const connect = check(run.report, 'path.probe.connect')
        assert.equal(connect.status, 'pass', show(connect))
        assert.match(connect.summary, new RegExp(esc(v6)))
        assert.match(connect.summary, /8080/)
      }
    })
  })

  it('node: both families\' pod ranges, CNI ranges and Service rules pass on both nodes', () => {
    const run = netdiag(['node', ...probe])
    assert.ok(run.report, run.stderr + run.stdout)
    // This VM's uplink MTU (1400) is below the pods' 1500 whatever the family: node.probe.mtu's own finding
    // (test/e2e/node.test.ts); nothing else may fail.
    const failing = run.report.checks.filter((c: {id: string; status: string}) => (c.status === 'fail' || c.status === 'error') && c.id !== 'node.probe.mtu')
    assert.deepEqual(failing, [], show(failing))
    const mtu = check(run.report, 'node.probe.mtu')
    if (mtu.status === 'fail') assert.match(mtu.summary, /pod MTU 1500 exceeds node MTU/)
    const cidrs = check(run.report, 'node.cidrs')
    assert.equal(cidrs.status, 'pass', show(cidrs))
    assert.match(cidrs.summary, /10\.244\.0\.0\/16, fd10:244::\/56/)
    for (const id of ['node.probe.cni', 'node.probe.kube-proxy', 'node.probe.service-rules']) assert.equal(check(run.report, id).status, 'pass', show(check(run.report, id)))
    const rules = check(run.report, 'node.probe.service-rules')
    assert.match(rules.summary, mode.proxy === 'nftables' ? /tables ip and ip6 kube-proxy/ : /IPv6: ip6tables-(nft-)?save/)
    assert.doesNotMatch(rules.summary, /not judged/)
  })

  it('a selector-less RequireDualStack Service with only an IPv4 EndpointSlice: svc names its IPv6 family, and scan names the same Service', async () => {
    await withNamespace('dual-manual', async (namespace) => {
      const [v4] = webPod(namespace, 'target', NODE1)
      // Endpoints managed by hand, one family only: no controller adds the IPv6 slice.
      apply(
        namespace,
        `apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ipFamilyPolicy: RequireDualStack
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: manual-ipv4, labels: {kubernetes.io/service-name: manual}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints: [{addresses: ["${v4}"], conditions: {ready: true}}]
`,
      )
      const [, v6] = clusterIPs(namespace, 'manual')
      const svc = netdiag(['svc', 'manual', '-n', namespace, '--no-probe', '-o', 'json'])
      assert.ok(svc.report, svc.stderr + svc.stdout)
      assert.equal(svc.exitCode, 1, show(svc.report.checks))
      const root = svc.report.diagnosis.rootCause
      assert.equal(root?.checkId, 'svc.ip-families', show(svc.report.diagnosis))
      // The Service, and the slices it has (the IPv4 one), where the IPv6 one would be.
      assert.deepEqual(root!.objects, [{kind: 'Service', namespace, name: 'manual'}, {kind: 'EndpointSlice', namespace, name: 'manual-ipv4'}])
      assert.match(root!.summary, new RegExp(`its IPv6 ClusterIP ${esc(v6!)} has no ready IPv6 endpoint \\(IPv4: 1 ready\\): IPv6 clients are refused`))

      const scan = netdiag(['scan', '-n', namespace, '-o', 'json'])
      assert.ok(scan.report, scan.stderr + scan.stdout)
      assert.equal(scan.exitCode, 1, show(scan.report.scan))
      const finding = (scan.report.scan.findings as Array<Record<string, any>>).find((f) => f.code === 'svc-ip-family-no-endpoints')
      assert.ok(finding, show(scan.report.scan.findings))
      assert.deepEqual(finding.object, {kind: 'Service', namespace, name: 'manual'})
      assert.equal(finding.checkId, root!.checkId)
      assert.deepEqual(finding.objects, root!.objects)
      assert.equal(finding.summary, root!.summary)
    })
  })

  it('an IPv4-only (SingleStack) Service asked about IPv6 clients: svc names the Service and its missing IPv6 ClusterIP; the AAAA is empty', async () => {
    await withNamespace('dual-single', async (namespace) => {
      apply(namespace, web('backend', {replicas: 1}) + '---\n' + service('v4only', 'SingleStack'))
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      clientPod(namespace, 'client', NODE2)
      await slicesReady(namespace, 'v4only', ['IPv4'], 1)
      const [v4] = clusterIPs(namespace, 'v4only')
      const fqdn = `v4only.${namespace}.svc.cluster.local.`
      // Without a client family: IPv4 clients are fine, and the run says what IPv6 ones get.
      const plain = netdiag(['svc', 'v4only', '-n', namespace, '--from-pod', 'client', ...probe])
      assert.ok(plain.report, plain.stderr + plain.stdout)
      assert.equal(plain.exitCode, 0, show(plain.report.checks))
      assert.match(check(plain.report, 'svc.ip-families').summary, new RegExp(`SingleStack \\(IPv4 ${esc(v4!)}\\): 1 ready IPv4 endpoint\\(s\\); its pods also have IPv6 addresses, which it does not serve`))

      const run = netdiag(['svc', 'v4only', '-n', namespace, '--from-pod', 'client', '--ip-family', 'IPv6', ...probe])
      assert.ok(run.report, run.stderr + run.stdout)
      assert.equal(run.exitCode, 1, show(run.report.checks))
      const root = run.report.diagnosis.rootCause
      assert.equal(root?.checkId, 'svc.ip-families', show(run.report.diagnosis))
      assert.match(root!.summary, new RegExp(`^Service ${namespace}/v4only is SingleStack \\(IPv4 ${esc(v4!)}\\): it has no IPv6 ClusterIP, so ${esc(fqdn)} has no AAAA record and IPv6 clients cannot reach it; its pods have IPv6 addresses \\(fd10:244:`))
      assert.deepEqual(root!.objects, [{kind: 'Service', namespace, name: 'v4only'}])
      assert.match(root!.remediation!, /"ipFamilyPolicy":"PreferDualStack"/)
      // The live evidence: CoreDNS answers the AAAA query with no record (NOERROR).
      const dns = check(run.report, 'svc.dns')
      assert.equal(dns.status, 'fail', show(dns))
      assert.match(dns.summary, new RegExp(`^${esc(fqdn)} has no AAAA record from .* \\(NOERROR, no AAAA record\\): IPv6 clients get no address for the Service, which has no IPv6 address`))
      assert.equal(check(run.report, 'svc.connect').skippedBecause, 'svc.ip-families')
    })
  })
})
