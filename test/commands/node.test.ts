import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {
  agentPod,
  apiServerPod,
  flannelConfigMap,
  flannelDaemonSet,
  kindNodes,
  kubeProxyConfigMap,
  kubeProxyDaemonSet,
  kubernetesService,
  list,
  node,
  pathPod,
  sandboxEvent,
} from '../helpers/path-fixtures.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
// list nodes, list daemonsets, list pods, list daemonsets/pods in kube-system, get configmaps in kube-system, get services in default, list events.
const NO_PROBE_REVIEWS = 8

interface Cluster {
  nodes?: ReturnType<typeof kindNodes>
  flannelPods?: unknown[]
  allPods?: unknown[]
  events?: unknown[]
  serviceRange?: string
  one?: string
}

function mockCluster(c: Cluster) {
  const nodes = c.nodes ?? kindNodes()
  const names = nodes.map((n) => n.metadata!.name!)
  const scope = nock(TEST_SERVER)
    .post(SSAR)
    .times(NO_PROBE_REVIEWS)
    .reply(201, {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', status: {allowed: true}})
    .get('/version')
    .reply(200, {major: '1', minor: '32', gitVersion: 'v1.32.2'})
    .get('/api/v1/nodes')
    .reply(200, list('NodeList', nodes))
    .get('/apis/apps/v1/daemonsets')
    .reply(200, list('DaemonSetList', [flannelDaemonSet(), kubeProxyDaemonSet()], 'apps/v1'))
    .get('/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg')
    .reply(200, flannelConfigMap())
    .get('/api/v1/namespaces/kube-flannel/pods')
    .reply(200, list('PodList', c.flannelPods ?? names.map((n) => agentPod('flannel', n))))
    .get('/apis/apps/v1/namespaces/kube-system/daemonsets')
    .query({labelSelector: 'k8s-app=kube-proxy'})
    .reply(200, list('DaemonSetList', [kubeProxyDaemonSet()], 'apps/v1'))
    .get('/api/v1/namespaces/kube-system/pods')
    .query({labelSelector: 'k8s-app=kube-proxy'})
    .reply(200, list('PodList', names.map((n) => agentPod('kube-proxy', n))))
    .get('/api/v1/namespaces/kube-system/configmaps/kube-proxy')
    .reply(200, kubeProxyConfigMap('iptables'))
    .get('/api/v1/namespaces/kube-system/pods')
    .query({labelSelector: 'component=kube-apiserver'})
    .reply(200, list('PodList', [apiServerPod(c.serviceRange)]))
    .get('/api/v1/namespaces/kube-system/pods')
    .query({labelSelector: 'component=kube-controller-manager'})
    .reply(200, list('PodList', []))
    .get('/api/v1/namespaces/default/services/kubernetes')
    .reply(200, kubernetesService())
    .get('/api/v1/pods')
    .query(c.one ? {fieldSelector: `spec.nodeName=${c.one}`} : {})
    .reply(200, list('PodList', (c.allPods ?? []).filter((p) => !c.one || (p as {spec?: {nodeName?: string}}).spec?.nodeName === c.one)))
    .get('/api/v1/events')
    .query({fieldSelector: 'reason=FailedCreatePodSandBox'})
    .reply(200, list('EventList', c.events ?? []))
  // All nodes: the command ranks them by pods stuck creating, which it asks the API to filter to Pending.
  if (!c.one) {
    scope
      .get('/api/v1/pods')
      .query({fieldSelector: 'status.phase=Pending'})
      .reply(200, list('PodList', (c.allPods ?? []).filter((p) => (p as {status?: {phase?: string}}).status?.phase === 'Pending')))
  }
  if (c.one) scope.get(`/api/v1/nodes/${c.one}`).reply(200, nodes.find((n) => n.metadata!.name === c.one)!)
  return scope
}

async function nodeCommand(args: string[]) {
  const result = await run(['node', ...args, '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe'])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  return {...result, report, check}
}

describe('kubectl netdiag node (nock)', () => {
  strictNock()

  it('one healthy node: every API check passes, probes are skipped (no debug pod is created)', async () => {
    const scope = mockCluster({one: 'kind-worker'})
    const r = await nodeCommand(['kind-worker'])
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.deepEqual(r.report.target, {nodes: ['kind-worker'], nodeNamespace: 'kube-system'})
    const statuses = Object.fromEntries(r.report.checks.map((c: {id: string; status: string}) => [c.id, c.status]))
    assert.deepEqual(statuses, {
      'preflight.access': 'pass',
      'node.ready': 'pass',
      'node.cni': 'pass',
      'node.kube-proxy': 'pass',
      'node.cidrs': 'pass',
      'node.ipam': 'pass',
      'node.sandbox-errors': 'pass',
      'node.probe.source': 'skip',
      'node.probe.cni': 'skip',
      'node.probe.mtu': 'skip',
      'node.probe.kube-proxy': 'skip',
      'node.probe.service-rules': 'skip',
      'node.probe.kernel': 'skip',
      'node.probe.firewall': 'skip',
      'node.probe.ipam': 'skip',
    })
    assert.match(r.check('node.cni').summary, /^CNI flannel \(vxlan, 50 bytes per packet; NetworkPolicy not enforced\); kind-worker: kube-flannel\/kube-flannel-ds-orker ready/)
    assert.match(r.check('node.cidrs').summary, /pod CIDRs 10\.244\.0\.0\/16, Service CIDR 10\.96\.0\.0\/16 and 3 node address\(es\) do not overlap/)
    assert.match(r.check('node.ipam').summary, /kind-worker: 253 pod addresses for up to 110 pods/)
  })

  it('all nodes, most suspicious first: a NotReady node with a crash-looping flannel pod and sandbox errors is the root cause', async () => {
    const nodes = [
      node({name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24'}),
      node({name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24'}),
      node({name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24', ready: 'False'}),
    ]
    const stuck = pathPod({name: 'api-5f7d-abcde', node: 'kind-worker2', phase: 'Pending', ip: null})
    const scope = mockCluster({
      nodes,
      flannelPods: [agentPod('flannel', 'kind-control-plane'), agentPod('flannel', 'kind-worker'), agentPod('flannel', 'kind-worker2', 'crash-loop')],
      allPods: [stuck],
      events: [sandboxEvent('api-5f7d-abcde', 'kind-worker2', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4e0c...": plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory')],
    })
    const r = await nodeCommand([])
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.deepEqual(r.report.target.nodes, ['kind-worker2', 'kind-control-plane', 'kind-worker'])
    assert.equal(r.report.diagnosis.rootCause.checkId, 'node.ready')
    assert.match(r.report.diagnosis.rootCause.summary, /^node kind-worker2: Ready=False \(KubeletNotReady: container runtime network not ready: .*cni plugin not initialized\)/)
    assert.match(r.check('node.cni').summary, /node kind-worker2: CNI agent pod kube-flannel\/kube-flannel-ds-rker2 on kind-worker2: kube-flannel CrashLoopBackOff \(14 restarts\)/)
    assert.match(r.check('node.sandbox-errors').summary, /^1 pod\(s\) stuck in ContainerCreating because the CNI plugin failed to wire the pod: shop\/api-5f7d-abcde on kind-worker2/)
    assert.deepEqual(r.report.diagnosis.findings.slice(0, 3), ['node.ready', 'node.cni', 'node.sandbox-errors'])
  })

  it('a Service range overlapping the pod range fails node.cidrs', async () => {
    const scope = mockCluster({one: 'kind-worker', serviceRange: '10.244.128.0/17'})
    const r = await nodeCommand(['kind-worker'])
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'node.cidrs')
    assert.match(r.report.diagnosis.rootCause.summary, /^pod CIDR 10\.244\.0\.0\/16 overlaps Service CIDR 10\.244\.128\.0\/17/)
  })

  it('unknown node: exit 2', async () => {
    const scope = nock(TEST_SERVER)
      .get('/version')
      .reply(200, {gitVersion: 'v1.32.2'})
      .get('/api/v1/nodes/nope')
      .reply(404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'nodes "nope" not found', reason: 'NotFound', details: {name: 'nope', kind: 'nodes'}, code: 404})
    const r = await nodeCommand(['nope'])
    scope.done()
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /node "nope" not found; list them with: kubectl get nodes/)
  })
})
