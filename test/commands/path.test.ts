import nock from 'nock'
import assert from 'node:assert/strict'
import {writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {db, flannelConfigMap, flannelDaemonSet, kindNodes, list, namespace, networkPolicy, networkPolicyAgentDaemonSet, node, pathPod, web} from '../helpers/path-fixtures.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
// Distinct permissions the path plan needs with --no-probe: get pods, list networkpolicies, get namespaces, list nodes, list daemonsets.
const NO_PROBE_REVIEWS = 5

interface Cluster {
  a?: unknown
  b?: unknown
  policies?: unknown[]
  nodes?: unknown[]
  /** A NetworkPolicy enforcer runs beside flannel (default true); without it policies are decorative. */
  enforcer?: boolean
  deny?: (attributes: {verb: string; resource: string; namespace?: string}) => boolean
  /** The cluster serves AdminNetworkPolicy (v1alpha1): its objects, or a 403 on listing them. */
  anps?: unknown[] | 'forbidden'
}

const ANP_GROUP = '/apis/policy.networking.k8s.io/v1alpha1'

/** kube-network-policies started as its install-anp.yaml does (sigs.k8s.io/kube-network-policies v0.7.0). */
function anpAgentDaemonSet() {
  const ds = networkPolicyAgentDaemonSet()
  ds.spec!.template.spec!.containers[0]!.args = ['-v=2', '-admin-network-policy=true', '-baseline-admin-network-policy=true', '--hostname-override=$(MY_NODE_NAME)', '--nfqueue-id=99']
  return ds
}

/** API discovery as the API server answers it: the group list, then the group version's resources. */
function mockPolicyDiscovery(scope: nock.Scope, anps: unknown[] | 'forbidden'): void {
  scope
    .get('/apis')
    .reply(200, {kind: 'APIGroupList', apiVersion: 'v1', groups: [{name: 'policy.networking.k8s.io', versions: [{groupVersion: 'policy.networking.k8s.io/v1alpha1', version: 'v1alpha1'}], preferredVersion: {groupVersion: 'policy.networking.k8s.io/v1alpha1', version: 'v1alpha1'}}]})
    .get(ANP_GROUP)
    .reply(200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'policy.networking.k8s.io/v1alpha1',
      resources: [
        {name: 'adminnetworkpolicies', singularName: 'adminnetworkpolicy', namespaced: false, kind: 'AdminNetworkPolicy', verbs: ['get', 'list', 'watch'], shortNames: ['anp']},
        {name: 'baselineadminnetworkpolicies', singularName: 'baselineadminnetworkpolicy', namespaced: false, kind: 'BaselineAdminNetworkPolicy', verbs: ['get', 'list', 'watch'], shortNames: ['banp']},
      ],
    })
    .get(`${ANP_GROUP}/adminnetworkpolicies`)
    .reply(
      ...((anps === 'forbidden'
        ? [403, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'adminnetworkpolicies.policy.networking.k8s.io is forbidden: User "alice" cannot list resource "adminnetworkpolicies" in API group "policy.networking.k8s.io" at the cluster scope', reason: 'Forbidden', details: {group: 'policy.networking.k8s.io', kind: 'adminnetworkpolicies'}, code: 403}]
        : [200, {kind: 'AdminNetworkPolicyList', apiVersion: 'policy.networking.k8s.io/v1alpha1', metadata: {resourceVersion: '1'}, items: anps}]) as [number, object]),
    )
    .get(`${ANP_GROUP}/baselineadminnetworkpolicies`)
    .reply(200, {kind: 'BaselineAdminNetworkPolicyList', apiVersion: 'policy.networking.k8s.io/v1alpha1', metadata: {resourceVersion: '1'}, items: []})
}

function mockCluster(c: Cluster) {
  const nodes = (c.nodes ?? kindNodes()) as Array<{metadata: {name: string}}>
  const scope = nock(TEST_SERVER)
    .post(SSAR)
    .times(NO_PROBE_REVIEWS)
    .reply(201, (_uri, body) => {
      const attributes = (body as {spec: {resourceAttributes: {verb: string; resource: string; namespace?: string}}}).spec.resourceAttributes
      return {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: {resourceAttributes: attributes}, status: {allowed: !c.deny?.(attributes)}}
    })
    .get('/version')
    .reply(200, {major: '1', minor: '32', gitVersion: 'v1.32.2'})
    .get('/api/v1/namespaces/shop')
    .reply(200, namespace('shop'))
    .get('/api/v1/namespaces/shop/pods/web-7d9c6b7f5-x2x8q')
    .reply(200, (c.a ?? web()) as object)
    .get('/api/v1/namespaces/shop/pods/db-0')
    .reply(200, (c.b ?? db()) as object)
    .get('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies')
    .reply(200, list('NetworkPolicyList', c.policies ?? [], 'networking.k8s.io/v1'))
    // API discovery for the policy layers (AdminNetworkPolicy, Cilium, Calico): none served here.
    .get('/apis/apps/v1/daemonsets')
    .reply(200, list('DaemonSetList', c.enforcer === false ? [flannelDaemonSet()] : [flannelDaemonSet(), c.anps ? anpAgentDaemonSet() : networkPolicyAgentDaemonSet()], 'apps/v1'))
    .get('/api/v1/nodes')
    .reply(200, list('NodeList', nodes))
    .get('/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg')
    .reply(200, flannelConfigMap())
  for (const name of ['kind-worker', 'kind-worker2']) scope.get(`/api/v1/nodes/${name}`).reply(200, nodes.find((n) => n.metadata.name === name) as object)
  // API discovery for the policy layers (AdminNetworkPolicy, Cilium, Calico): none served unless asked.
  if (c.anps) mockPolicyDiscovery(scope, c.anps)
  else scope.get('/apis').optionally().reply(200, {kind: 'APIGroupList', apiVersion: 'v1', groups: []})
  return scope
}

/** A run that stops at path.pods: the access reviews, the version, the namespace and the two pods. */
function mockPodsOnly(a: unknown, b: unknown) {
  return nock(TEST_SERVER)
    .post(SSAR)
    .times(NO_PROBE_REVIEWS)
    .reply(201, {status: {allowed: true}})
    .get('/version')
    .reply(200, {gitVersion: 'v1.32.2'})
    .get('/api/v1/namespaces/shop')
    .reply(200, namespace('shop'))
    .get('/api/v1/namespaces/shop/pods/web-7d9c6b7f5-x2x8q')
    .reply(200, a as object)
    .get('/api/v1/namespaces/shop/pods/db-0')
    .reply(200, b as object)
}

async function path(args: string[] = ['web-7d9c6b7f5-x2x8q', 'db-0', '-n', 'shop'], extra: string[] = ['--no-probe']) {
  const result = await run(['path', ...args, '--kubeconfig', writeKubeconfig(), '-o', 'json', ...extra])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  return {...result, report, check}
}

describe('kubectl netdiag path (nock)', () => {
  strictNock()

  it('healthy cross-node path: pods, no policy, flannel VXLAN nodes; probes skipped; ports default to the declared ones', async () => {
    const scope = mockCluster({})
    const r = await path()
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.deepEqual(r.report.target, {from: 'shop/web-7d9c6b7f5-x2x8q', to: 'shop/db-0', ports: ['5432/TCP'], portsFrom: 'declared', probeMode: 'ephemeral'})
    const statuses = Object.fromEntries(r.report.checks.map((c: {id: string; status: string}) => [c.id, c.status]))
    assert.deepEqual(statuses, {
      'preflight.access': 'pass',
      'path.pods': 'pass',
      'path.policy': 'pass',
      'path.nodes': 'pass',
      'path.probe.source': 'skip',
      'path.probe.connect': 'skip',
      'path.probe.mtu': 'skip',
      'path.probe.trace': 'skip',
    })
    assert.equal(r.check('path.probe.connect').skippedBecause, 'no-probe')
    assert.match(r.check('path.pods').summary, /shop\/web-7d9c6b7f5-x2x8q \(10\.244\.1\.7, node kind-worker\) -> shop\/db-0 \(10\.244\.2\.9, node kind-worker2\): both Running, on different nodes, IPv4/)
    assert.match(r.check('path.policy').summary, /^no NetworkPolicy selects shop\/web-7d9c6b7f5-x2x8q \(egress\) or shop\/db-0 \(ingress\)/)
    assert.match(r.check('path.nodes').summary, /^CNI flannel \(VXLAN, 50 bytes per packet between nodes\); kind-worker Ready \(podCIDR 10\.244\.1\.0\/24, 172\.18\.0\.3\), kind-worker2 Ready \(podCIDR 10\.244\.2\.0\/24, 172\.18\.0\.4\)/)
    assert.equal(r.report.diagnosis.rootCause, null)
  })

  it('a default-deny ingress policy on db blocks 5432: root cause names it, with a YAML fix; exit 1', async () => {
    const deny = networkPolicy('db-default-deny', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress']})
    const scope = mockCluster({policies: [deny]})
    const r = await path(['shop/web-7d9c6b7f5-x2x8q', 'pod/db-0', '-n', 'shop'])
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'path.policy')
    assert.match(root.summary, /^NetworkPolicy shop\/db-default-deny blocks 5432\/TCP from shop\/web-7d9c6b7f5-x2x8q to shop\/db-0 \(ingress of shop\/db-0/)
    assert.deepEqual(root.objects, [{kind: 'NetworkPolicy', namespace: 'shop', name: 'db-default-deny'}])
    assert.match(root.remediation, /namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: "db"\n  policyTypes: \[Ingress\]/)
    assert.match(root.remediation, /app: "web"/)
    assert.doesNotMatch(root.remediation, /pod-template-hash|statefulset\.kubernetes\.io/)
    assert.match(root.remediation, /- \{protocol: TCP, port: 5432\}/)
  })

  it('--port with a name and a UDP port; a policy allowing only 5432 from web leaves 53/UDP blocked', async () => {
    const allow = networkPolicy('db-from-web', {
      podSelector: {matchLabels: {app: 'db'}},
      policyTypes: ['Ingress'],
      ingress: [{from: [{podSelector: {matchLabels: {app: 'web'}}}], ports: [{protocol: 'TCP', port: 5432}]}],
    })
    const scope = mockCluster({policies: [allow]})
    const r = await path(undefined, ['--no-probe', '--port', 'postgres', '--port', '53/udp'])
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.deepEqual(r.report.target.ports, ['5432/TCP', '53/UDP'])
    assert.equal(r.report.target.portsFrom, 'flag')
    assert.match(r.check('path.policy').summary, /blocks 53\/UDP .*; allowed: 5432\/TCP/)
    const ports = r.check('path.policy').details.ports
    assert.equal(ports[0].allowed, true)
    assert.deepEqual(ports[0].rules, [{policy: 'shop/db-from-web', direction: 'ingress', rule: 0, port: 0}])
  })

  it('the same policy with plain flannel and no enforcer: a warning that the policy is decorative, exit 0', async () => {
    const deny = networkPolicy('db-default-deny', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress']})
    const scope = mockCluster({policies: [deny], enforcer: false})
    const r = await path()
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.check('path.policy').status, 'warn')
    assert.match(r.check('path.policy').summary, /blocks 5432\/TCP .*; but CNI flannel does not enforce NetworkPolicy, so the policy is decorative$/)
  })

  it('a pod stuck in ContainerCreating fails path.pods and skips what depends on it', async () => {
    const stuck = db({phase: 'Pending', ip: null, waiting: 'ContainerCreating'})
    const scope = mockPodsOnly(web(), stuck)
    const r = await path()
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'path.pods')
    assert.equal(r.report.diagnosis.rootCause.summary, 'pod shop/db-0 is Pending (app: ContainerCreating)')
    assert.equal(r.check('path.policy').skippedBecause, 'path.pods')
    assert.equal(r.check('path.nodes').skippedBecause, 'path.pods')
  })

  it('--ip-family IPv6 when PODB has only an IPv4 address: path.pods is the root cause, naming PODB', async () => {
    const scope = mockPodsOnly(pathPod({name: 'web-7d9c6b7f5-x2x8q', labels: {app: 'web'}, node: 'kind-worker', ip: '10.244.1.7', ips: ['10.244.1.7', 'fd10:244:0:1::7']}), db())
    const r = await path(undefined, ['--no-probe', '--ip-family', 'IPv6'])
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    assert.deepEqual(r.report.target.ipFamily, 'IPv6')
    assert.equal(r.report.diagnosis.rootCause.checkId, 'path.pods')
    assert.equal(r.report.diagnosis.rootCause.summary, 'shop/db-0 (10.244.2.9, node kind-worker2) has no IPv6 address: the pods cannot talk over IPv6 (they share IPv4)')
    assert.deepEqual(r.report.diagnosis.rootCause.objects, [{kind: 'Pod', namespace: 'shop', name: 'db-0'}])
  })

  it('NetworkUnavailable on the destination node fails path.nodes', async () => {
    const nodes = [node({name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24'}), node({name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24', networkUnavailable: true})]
    const scope = mockCluster({nodes})
    const r = await path()
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'path.nodes')
    assert.match(r.report.diagnosis.rootCause.summary, /^node kind-worker2 has NetworkUnavailable=True \(NoRouteCreated: Node created without a route\)/)
  })

  it('unknown pod: exit 2 with one line', async () => {
    const scope = nock(TEST_SERVER)
      .get('/version')
      .reply(200, {gitVersion: 'v1.32.2'})
      .get('/api/v1/namespaces/shop')
      .reply(200, namespace('shop'))
      .get('/api/v1/namespaces/shop/pods/web-7d9c6b7f5-x2x8q')
      .reply(200, web())
      .get('/api/v1/namespaces/shop/pods/nope')
      .reply(404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: {name: 'nope', kind: 'pods'}, code: 404})
    const r = await path(['web-7d9c6b7f5-x2x8q', 'nope', '-n', 'shop'])
    scope.done()
    assert.equal(r.exitCode, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /pod "nope" not found in namespace shop; list them with: kubectl get pods -n shop/)
  })

  it('bad references and ports are exit 2 before any API call', async () => {
    for (const [args, message] of [
      [['pod/shop/web', 'db-0'], /is not a pod: use NAME, NAMESPACE\/NAME or pod\/NAME/],
      [['web', 'db-0', '--port', '99999'], /a port is 1-65535/],
      [['web', 'db-0', '--port', '5432/sctp'], /SCTP cannot be probed/],
    ] as const) {
      // Without --no-probe: SCTP is refused because it would be probed (offline its verdict is evaluated).
      const r = await path([...args], [])
      assert.equal(r.exitCode, 2, String(args))
      assert.match(r.stderr, message)
    }
  })

  it('a port name PODB does not declare is exit 2 naming the ones it has', async () => {
    const scope = nock(TEST_SERVER)
      .get('/version')
      .reply(200, {gitVersion: 'v1.32.2'})
      .get('/api/v1/namespaces/shop')
      .reply(200, namespace('shop'))
      .get('/api/v1/namespaces/shop/pods/web-7d9c6b7f5-x2x8q')
      .reply(200, web())
      .get('/api/v1/namespaces/shop/pods/db-0')
      .reply(200, db())
    const r = await path(undefined, ['--no-probe', '--port', 'http'])
    scope.done()
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /pod shop\/db-0 declares no port named http; it has postgres \(5432\/TCP\)/)
  })

  it('offline from a snapshot: API checks run, probes skip as offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-path-'))
    const file = join(dir, 'cluster.json')
    writeFileSync(file, JSON.stringify(list('List', [namespace('shop'), web(), db(), pathPod({name: 'other', namespace: 'other'}), namespace('other'), flannelDaemonSet(), ...kindNodes()])))
    const r = await run(['path', 'shop/web-7d9c6b7f5-x2x8q', 'shop/db-0', '--snapshot', file, '-o', 'json'])
    assert.equal(r.exitCode, 0, r.stderr)
    const report = JSON.parse(r.stdout)
    assertValidReport(report)
    assert.equal(report.source, 'snapshot')
    assert.equal(report.checks.find((c: {id: string}) => c.id === 'path.probe.connect').skippedBecause, 'offline')
    assert.equal(report.checks.find((c: {id: string}) => c.id === 'path.nodes').status, 'pass')
  })

  it('live: an AdminNetworkPolicy found through API discovery denies 5432 over no NetworkPolicy; named with its apiVersion', async () => {
    const anp = {metadata: {name: 'db-lockdown', uid: 'u1', resourceVersion: '7', generation: 1}, spec: {priority: 5, subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: 'db'}}}}, ingress: [{name: 'nobody', action: 'Deny', from: [{namespaces: {}}]}]}}
    const scope = mockCluster({anps: [anp]})
    const r = await path()
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'path.policy')
    assert.deepEqual(root.objects, [{kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'db-lockdown'}])
    assert.deepEqual(r.check('path.policy').details.verdicts[0].decidedBy, [{kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'db-lockdown', rule: 'ingress[0] "nobody"'}])
  })

  it('live: a served AdminNetworkPolicy API we may not list makes the verdict unknown, never allowed', async () => {
    const scope = mockCluster({anps: 'forbidden'})
    const r = await path()
    scope.done()
    const check = r.check('path.policy')
    assert.equal(check.status, 'warn')
    assert.equal(check.details.verdicts[0].verdict, 'unknown')
    assert.match(check.summary, /^unknown: .*cannot read adminnetworkpolicies.policy.networking.k8s.io \(forbidden\)/)
  })
})
