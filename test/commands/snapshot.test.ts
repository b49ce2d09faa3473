import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {writeTempFile} from '../helpers/files.js'
import {corednsConfigMap, corednsDeployment, corednsPod, kubeDnsService, kubeDnsSlice} from '../helpers/dns-fixtures.js'
import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {flannelDaemonSet, kindNodes, kubeProxyConfigMap, kubeProxyDaemonSet} from '../helpers/path-fixtures.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, list, namespace, service} from '../helpers/svc-fixtures.js'

type Item = Record<string, any>

/** The API's list items carry no apiVersion/kind; the snapshot must add them back. */
function apiList(kind: string, items: Item[], apiVersion = 'v1') {
  return list(kind, items.map(({apiVersion: _v, kind: _k, ...rest}) => rest), apiVersion)
}

const configMap = (name: string, data: Record<string, string>) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'kube-system'}, data})
const kubeSystemConfigMaps = () => [
  {...corednsConfigMap(), metadata: {...corednsConfigMap().metadata, managedFields: [{manager: 'kubeadm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {'f:data': {}}}]}},
  kubeProxyConfigMap('iptables'),
  configMap('calico-config', {calico_backend: 'bird', veth_mtu: '0'}),
  configMap('cilium-config', {'enable-policy': 'default'}),
  configMap('node-local-dns', {Corefile: 'cluster.local:53 {\n    errors\n    cache 30\n}\n'}),
  configMap('kubeadm-config', {ClusterConfiguration: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n'}),
  configMap('kube-root-ca.crt', {'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----\n'}),
  configMap('extension-apiserver-authentication', {'client-ca-file': '-----BEGIN CERTIFICATE-----\nMIIC...\n'}),
]

/** A healthy kubeadm cluster, listed the way `kubectl netdiag snapshot` reads it. */
function mockSnapshotSource() {
  const coredns = [corednsPod(0), corednsPod(1)]
  return nock(TEST_SERVER)
    .get('/api/v1/namespaces')
    .reply(200, apiList('NamespaceList', ['default', 'kube-system', 'shop'].map((n) => namespace(n))))
    .get('/api/v1/nodes')
    .reply(200, apiList('NodeList', kindNodes()))
    .get('/api/v1/pods')
    .reply(200, apiList('PodList', [...coredns, ...backendPods()]))
    .get('/api/v1/services')
    .reply(200, apiList('ServiceList', [kubeDnsService(), service()]))
    .get('/apis/discovery.k8s.io/v1/endpointslices')
    .reply(200, apiList('EndpointSliceList', [kubeDnsSlice(coredns)], 'discovery.k8s.io/v1'))
    .get('/apis/networking.k8s.io/v1/networkpolicies')
    .reply(200, apiList('NetworkPolicyList', [], 'networking.k8s.io/v1'))
    .get('/apis').reply(200, {kind: 'APIGroupList', apiVersion: 'v1', groups: []})
    .get('/apis/apps/v1/deployments')
    .reply(200, apiList('DeploymentList', [corednsDeployment()], 'apps/v1'))
    .get('/apis/apps/v1/daemonsets')
    .reply(200, apiList('DaemonSetList', [kubeProxyDaemonSet(), flannelDaemonSet()], 'apps/v1'))
    .get('/api/v1/namespaces/kube-system/configmaps')
    .reply(200, apiList('ConfigMapList', kubeSystemConfigMaps()))
    // Ingress is built in; this cluster serves no Gateway API (discovery of the group answers 404).
    .get('/apis/networking.k8s.io/v1/ingresses')
    .reply(200, apiList('IngressList', [], 'networking.k8s.io/v1'))
    .get('/apis/networking.k8s.io/v1/ingressclasses')
    .reply(200, apiList('IngressClassList', [], 'networking.k8s.io/v1'))
    .get(/^\/apis\/gateway\.networking\.k8s\.io\/(v1|v1beta1)$/)
    .times(2)
    .reply(404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404})
}

async function takeSnapshot() {
  const scope = mockSnapshotSource()
  // Tripwires: a request for Secrets, or for ConfigMaps outside kube-system, would be answered here.
  const forbidden = nock(TEST_SERVER).get(/\/secrets/).reply(200, {}).get('/api/v1/configmaps').reply(200, {})
  const r = await run(['snapshot', '--kubeconfig', writeKubeconfig()])
  scope.done()
  assert.ok(!forbidden.isDone(), 'snapshot asked for Secrets or for ConfigMaps of every namespace')
  assert.deepEqual(forbidden.pendingMocks().length, 2)
  return r
}

/** Counts requests that reached nock without an interceptor: with net connect disabled, every one would fail. */
function countStrayRequests() {
  const seen: string[] = []
  const listener = (req: {method?: string; path?: string; hostname?: string}) => seen.push(`${req.method} ${req.hostname}${req.path}`)
  nock.emitter.on('no match', listener)
  return {seen, stop: () => nock.emitter.removeListener('no match', listener)}
}

async function offlineDns(files: string[]) {
  const stray = countStrayRequests()
  const previous = process.env.KUBECONFIG
  process.env.KUBECONFIG = '/nonexistent/kubeconfig'
  try {
    const r = await run(['dns', '-n', 'shop', ...files.flatMap((f) => ['--snapshot', f]), '-o', 'json'])
    const report = r.stdout ? JSON.parse(r.stdout) : undefined
    if (report) assertValidReport(report)
    return {...r, report, stray: stray.seen, check: (id: string) => report?.checks.find((c: {id: string}) => c.id === id)}
  } finally {
    stray.stop()
    if (previous === undefined) delete process.env.KUBECONFIG
    else process.env.KUBECONFIG = previous
  }
}

function assertOfflineHealthy(r: Awaited<ReturnType<typeof offlineDns>>) {
  assert.equal(r.exitCode, 0, r.stderr)
  assert.deepEqual(r.stray, [], 'no network call at all')
  assert.equal(r.report.source, 'snapshot')
  assert.equal(r.report.status, 'pass', JSON.stringify(r.report.checks.filter((c: {status: string}) => c.status !== 'pass' && c.status !== 'skip')))
  for (const c of r.report.checks.filter((c: {id: string}) => c.id.startsWith('dns.probe.') || c.id === 'dns.logs')) assert.equal(c.skippedBecause, 'offline', c.id)
  for (const id of ['dns.pods', 'dns.service', 'dns.endpoints', 'dns.corefile', 'dns.nodelocal', 'dns.policy', 'dns.policy-enforcement', 'dns.pod-config']) assert.equal(r.check(id).status, 'pass', id)
  assert.equal(r.check('preflight.access'), undefined, 'no access review offline')
}

describe('kubectl netdiag snapshot (nock)', () => {
  strictNock()

  it('writes one List whose items carry apiVersion and kind, never Secrets, and only the allowed kube-system ConfigMaps', async () => {
    const r = await takeSnapshot()
    assert.equal(r.exitCode, 0, r.stderr)
    const snapshot = JSON.parse(r.stdout)
    assert.equal(snapshot.apiVersion, 'v1')
    assert.equal(snapshot.kind, 'List')
    for (const item of snapshot.items) {
      assert.equal(typeof item.apiVersion, 'string', JSON.stringify(item.metadata))
      assert.equal(typeof item.kind, 'string', JSON.stringify(item.metadata))
      assert.equal(item.metadata.managedFields, undefined)
    }
    const kinds = [...new Set(snapshot.items.map((i: Item) => `${i.apiVersion} ${i.kind}`))]
    assert.deepEqual(kinds, ['v1 Namespace', 'v1 Node', 'v1 Pod', 'v1 Service', 'discovery.k8s.io/v1 EndpointSlice', 'apps/v1 Deployment', 'apps/v1 DaemonSet', 'v1 ConfigMap'])
    const configMaps = snapshot.items.filter((i: Item) => i.kind === 'ConfigMap').map((i: Item) => `${i.metadata.namespace}/${i.metadata.name}`)
    assert.deepEqual(configMaps, ['kube-system/coredns', 'kube-system/kube-proxy', 'kube-system/calico-config', 'kube-system/cilium-config'])
    assert.doesNotMatch(r.stdout, /"kind":"Secret"|BEGIN CERTIFICATE|ClusterConfiguration/)
    assert.match(r.stderr, /captured 20 objects from context test/)
  })

  it('--snapshot round trip: the written file drives dns -o json with probes skipped as offline and no network call', async () => {
    const file = writeTempFile('cluster.json', (await takeSnapshot()).stdout)
    nock.cleanAll()
    assertOfflineHealthy(await offlineDns([file]))
  })

  it('reads several List documents concatenated in one file, as two kubectl commands print them', async () => {
    const snapshot = JSON.parse((await takeSnapshot()).stdout)
    nock.cleanAll()
    const isConfigMap = (i: Item) => i.kind === 'ConfigMap'
    const text = `${JSON.stringify({...snapshot, items: snapshot.items.filter((i: Item) => !isConfigMap(i))}, null, 4)}\n${JSON.stringify({...snapshot, items: snapshot.items.filter(isConfigMap)}, null, 4)}\n`
    const r = await offlineDns([writeTempFile('cluster.json', text)])
    assertOfflineHealthy(r)
    assert.match(r.check('dns.corefile').summary, /^Corefile serves \.:53 with the kubernetes plugin for cluster\.local/)
  })

  it('reads a file per List through repeated --snapshot', async () => {
    const snapshot = JSON.parse((await takeSnapshot()).stdout)
    nock.cleanAll()
    const isConfigMap = (i: Item) => i.kind === 'ConfigMap'
    const objects = writeTempFile('objects.json', JSON.stringify({...snapshot, items: snapshot.items.filter((i: Item) => !isConfigMap(i))}))
    const configMaps = writeTempFile('configmaps.json', JSON.stringify({...snapshot, items: snapshot.items.filter(isConfigMap)}))
    const r = await offlineDns([objects, configMaps])
    assertOfflineHealthy(r)
    assert.match(r.check('dns.corefile').summary, /^Corefile serves \.:53/)
    // Without the second file the Corefile is missing: proof that the second --snapshot was read.
    const alone = await offlineDns([objects])
    assert.equal(alone.check('dns.corefile').status, 'warn')
  })
})
