import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {notFoundStatus} from '../helpers/api-status.js'
import {TEST_SERVER, writeKubeconfig} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {
  backendPods,
  dualStackService,
  endpointSlice,
  endpointSliceIpv6,
  kubeProxyConfigMap,
  kubeProxyDaemonSet,
  kubeProxyPod,
  list,
  namespace,
  networkPolicy,
  pod,
  service,
  withIpv6,
} from '../helpers/svc-fixtures.js'

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
// Distinct API permissions the svc plan needs with --no-probe (see each check's `requires`).
const NO_PROBE_REVIEWS = 7
const proxyNodes = ['kind-control-plane', 'kind-worker', 'kind-worker2']

interface Cluster {
  svc?: unknown
  selected?: unknown[]
  selector?: string
  allPods?: unknown[]
  slices?: unknown[]
  policies?: unknown[]
  deny?: (attributes: {verb: string; resource: string; namespace?: string}) => boolean
  kubeProxy?: boolean
}

/** The calls every --no-probe run of `svc backend -n shop` makes, in the order the checks need them. */
function mockCluster(c: Cluster) {
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
  if (c.svc === undefined) return scope
  scope.get('/api/v1/namespaces/shop/services/backend').reply(200, c.svc as object)
  if (c.selected !== undefined) scope.get('/api/v1/namespaces/shop/pods').query({labelSelector: c.selector ?? 'app=backend'}).reply(200, list('PodList', c.selected))
  if (c.allPods !== undefined) scope.get('/api/v1/namespaces/shop/pods').reply(200, list('PodList', c.allPods))
  if (c.slices !== undefined)
    scope.get('/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices').query({labelSelector: 'kubernetes.io/service-name=backend'}).reply(200, list('EndpointSliceList', c.slices, 'discovery.k8s.io/v1'))
  if (c.policies !== undefined) scope.get('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies').reply(200, list('NetworkPolicyList', c.policies, 'networking.k8s.io/v1'))
  // API discovery for the policy layers (AdminNetworkPolicy, Cilium, Calico): none served here.
  scope.get('/apis').optionally().reply(200, {kind: 'APIGroupList', apiVersion: 'v1', groups: []})
  if (c.kubeProxy !== false) {
    scope
      .get('/apis/apps/v1/namespaces/kube-system/daemonsets')
      .query({labelSelector: 'k8s-app=kube-proxy'})
      .reply(200, list('DaemonSetList', [kubeProxyDaemonSet()], 'apps/v1'))
      .get('/api/v1/namespaces/kube-system/pods')
      .query({labelSelector: 'k8s-app=kube-proxy'})
      .reply(200, list('PodList', proxyNodes.map((n) => kubeProxyPod(n))))
      .get('/api/v1/namespaces/kube-system/configmaps/kube-proxy')
      .reply(200, kubeProxyConfigMap('iptables'))
  }
  return scope
}

/** shop has no Service backend: the 404, then where svc.service looks for one (other namespaces, similar names in shop). */
function mockMissingService(elsewhere: unknown[], inShop: unknown[]) {
  return mockCluster({})
    .get('/api/v1/namespaces/shop/services/backend')
    .reply(404, notFoundStatus('services', 'backend'))
    .get('/api/v1/services')
    .query({fieldSelector: 'metadata.name=backend'})
    .reply(200, list('ServiceList', elsewhere))
    .get('/api/v1/namespaces/shop/services')
    .reply(200, list('ServiceList', inShop))
}

async function svc(extra: string[] = []) {
  const result = await run(['svc', 'backend', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe', ...extra])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  return {...result, report, check}
}

describe('kubectl netdiag svc (nock)', () => {
  strictNock()

  it('a healthy Deployment + Service passes every API check and exits 0', async () => {
    const pods = backendPods()
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: []})
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.report.command, 'svc')
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'backend'})
    assert.equal(r.report.status, 'pass')
    assert.equal(r.report.diagnosis.rootCause, null)
    const statuses = Object.fromEntries(r.report.checks.map((c: {id: string; status: string}) => [c.id, c.status]))
    assert.deepEqual(statuses, {
      'preflight.access': 'pass',
      'svc.service': 'pass',
      'svc.type': 'pass',
      'svc.selector': 'pass',
      'svc.ports': 'pass',
      'svc.endpoints': 'pass',
      'svc.ip-families': 'pass',
      'svc.policy': 'pass',
      'svc.kube-proxy': 'pass',
      'svc.dns': 'skip',
      'svc.connect': 'skip',
    })
    assert.equal(r.check('svc.ip-families').summary, 'Service shop/backend is SingleStack (IPv4 10.96.41.17): 2 ready IPv4 endpoint(s)')
    assert.equal(r.check('svc.dns').skippedBecause, 'no-probe')
    assert.match(r.check('svc.endpoints').summary, /2\/2 ready for http 80\/TCP/)
    assert.match(r.check('svc.kube-proxy').summary, /iptables mode.*ready on kind-worker, kind-worker2/)
    assert.match(r.check('svc.ports').summary, /resolves to 8080\/TCP on 2 pod/)
  })

  it('dual-stack: a RequireDualStack Service with one EndpointSlice per family passes, counted per family', async () => {
    const pods = withIpv6(backendPods())
    const scope = mockCluster({svc: dualStackService(), selected: pods, slices: [endpointSlice(pods), endpointSliceIpv6(pods)], policies: []})
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.check('svc.ip-families').summary, 'Service shop/backend is RequireDualStack (IPv4 10.96.41.17, IPv6 fd10:96::4a1): 2 ready IPv4 endpoint(s), 2 ready IPv6 endpoint(s)')
    assert.match(r.check('svc.endpoints').summary, /IPv4 2\/2 and IPv6 2\/2 ready for http 80\/TCP in 2 EndpointSlice/)
  })

  it('--ip-family IPv6 on a SingleStack IPv4 Service in a dual-stack cluster: root cause svc.ip-families, naming the Service and the patch', async () => {
    const pods = withIpv6(backendPods())
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: []})
    const r = await svc(['--ip-family', 'IPv6'])
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'backend', ipFamily: 'IPv6'})
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'svc.ip-families')
    assert.match(root.summary, /^Service shop\/backend is SingleStack \(IPv4 10\.96\.41\.17\): it has no IPv6 ClusterIP, so backend\.shop\.svc\.cluster\.local\. has no AAAA record and IPv6 clients cannot reach it; its pods have IPv6 addresses \(fd10:244:0:1::17\)/)
    assert.deepEqual(root.objects, [{kind: 'Service', namespace: 'shop', name: 'backend'}])
    assert.match(root.remediation, /"ipFamilyPolicy":"PreferDualStack"/)
  })

  it('--ip-family takes IPv4 or IPv6 only (exit 2)', async () => {
    const r = await run(['svc', 'backend', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '--ip-family', 'ipv7'])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /^error: .*ip-family.*IPv4, IPv6/m)
  })

  it('a Service in another namespace: fail (exit 1, not 2) naming NAME.OTHERNS', async () => {
    const scope = mockMissingService([service({namespace: 'payments'})], [service({name: 'frontend'})])
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'svc.service')
    assert.match(r.report.diagnosis.rootCause.summary, /Service shop\/backend does not exist, but payments\/backend does: from shop, address it as backend\.payments \(backend\.payments\.svc\.cluster\.local\)/)
    assert.match(r.report.diagnosis.rootCause.remediation, /kubectl netdiag svc backend -n payments/)
    for (const id of ['svc.type', 'svc.selector', 'svc.kube-proxy']) assert.equal(r.check(id).skippedBecause, 'svc.service', id)
    assert.equal(r.check('svc.endpoints').skippedBecause, 'svc.selector')
  })

  it('a Service that exists nowhere, with probes on: no debug pod is started (the probes would be skipped)', async () => {
    // The probe checks' own access reviews on top of the API checks'; any create (Job, pod) would be an
    // unexpected request, which the strict nock turns into a failure.
    const scope = mockMissingService([], [])
    const reviews = nock(TEST_SERVER)
      .post(SSAR)
      .reply(201, (_uri, body) => ({kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: (body as {spec: unknown}).spec, status: {allowed: true}}))
      .persist()
    const unexpected: string[] = []
    const record = (req: {method?: string; path?: string}) => unexpected.push(`${req.method} ${req.path}`)
    nock.emitter.on('no match', record)
    const result = await run(['svc', 'backend', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json']).finally(() => nock.emitter.off('no match', record))
    scope.done()
    reviews.persist(false)
    assert.deepEqual(unexpected, [], result.stderr)
    assert.equal(result.exitCode, 1, result.stderr)
    const report = JSON.parse(result.stdout)
    assert.equal(report.diagnosis.rootCause.checkId, 'svc.service')
    assert.equal(report.probe, undefined)
    assert.doesNotMatch(result.stderr, /created debug pod/)
  })

  it('a Service that exists nowhere: a diagnosis (exit 1), not bad input, naming the similar names in the namespace', async () => {
    const scope = mockMissingService([], [service({name: 'backends'}), service({name: 'frontend'})])
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1, r.stderr)
    assert.equal(r.stderr, '')
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'svc.service')
    assert.equal(root.summary, 'Service shop/backend does not exist in any namespace; Services in shop with similar names: backends')
    assert.equal(root.remediation, 'check the name the client uses: kubectl -n shop get service backends')
  })

  it('a selector typo: root cause names the selector, the Deployment and its label, and the patch', async () => {
    const pods = backendPods()
    const scope = mockCluster({
      svc: service({spec: {selector: {app: 'backend-api'}}}),
      selector: 'app=backend-api',
      selected: [],
      allPods: [...pods, pod({name: 'frontend-5c7d8b9f6-qw2er', deployment: 'frontend', hash: '5c7d8b9f6', ip: '10.244.1.40'})],
      slices: [],
    })
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1)
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'svc.selector')
    assert.equal(root.summary, 'Service shop/backend selects app=backend-api but no pod in shop matches; pods of Deployment shop/backend carry app=backend')
    assert.match(root.remediation, /kubectl -n shop patch service backend --type=merge -p '\{"spec":\{"selector":\{"app":"backend"\}\}\}'/)
    assert.deepEqual(root.objects[1], {kind: 'Deployment', namespace: 'shop', name: 'backend'})
    assert.equal(r.check('svc.endpoints').skippedBecause, 'svc.selector')
  })

  it('a named targetPort the pods do not declare: svc.ports is the root cause, not the empty endpoints', async () => {
    const pods = backendPods('ready', {ports: [{name: 'web', containerPort: 8080, protocol: 'TCP'}]})
    const slice = endpointSlice(pods, {ports: []})
    const scope = mockCluster({svc: service(), selected: pods, slices: [slice], policies: []})
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'svc.ports')
    assert.match(r.report.diagnosis.rootCause.summary, /targetPort http is not a named TCP port on pods of Deployment backend \(2\) have no port named http \(they declare 8080\/TCP \(web\)\)/)
    assert.match(r.report.diagnosis.rootCause.remediation, /"path":"\/spec\/ports\/0\/targetPort","value":"web"/)
    assert.equal(r.check('svc.endpoints').status, 'fail')
    assert.match(r.check('svc.endpoints').summary, /no ready endpoint for port http 80\/TCP.*targetPort does not resolve/)
    assert.deepEqual(r.report.diagnosis.findings.slice(0, 2), ['svc.ports', 'svc.endpoints'])
  })

  it('all backends failing readiness: svc.endpoints names each pod and its failing probe', async () => {
    const pods = backendPods('readiness-failing')
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: []})
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'svc.endpoints')
    assert.match(
      r.report.diagnosis.rootCause.summary,
      /^Service shop\/backend has no ready endpoint for port http 80\/TCP: backend-6d8f7b9c4-2xkqp: container app runs but fails its readiness probe \(httpGet :8080\/healthz, 0 restarts\); backend-6d8f7b9c4-7mzrt: /,
    )
    assert.match(r.report.diagnosis.rootCause.remediation, /kubectl -n shop describe pod backend-6d8f7b9c4-2xkqp/)
  })

  it('a NetworkPolicy that admits only app=frontend blocks the debug pod, naming the policy and a YAML fix', async () => {
    const pods = backendPods()
    const policy = networkPolicy('backend-from-frontend', {
      podSelector: {matchLabels: {app: 'backend'}},
      policyTypes: ['Ingress'],
      ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}], ports: [{protocol: 'TCP', port: 8080}]}],
    })
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: [policy]})
      .get('/api/v1/namespaces/kube-system/pods')
      .query({labelSelector: 'k8s-app=kube-dns'})
      .reply(200, list('PodList', []))
      .get('/api/v1/namespaces/kube-system')
      .reply(200, namespace('kube-system'))
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 1)
    const root = r.report.diagnosis.rootCause
    assert.equal(root.checkId, 'svc.policy')
    assert.match(root.summary, /^NetworkPolicy shop\/backend-from-frontend blocks ingress to pods of Deployment shop\/backend on 8080\/TCP from the netdiag debug pod/)
    assert.deepEqual(root.objects.at(-1), {kind: 'NetworkPolicy', namespace: 'shop', name: 'backend-from-frontend'})
    assert.match(root.remediation, /--from-pod/)
    assert.match(root.remediation, /kind: NetworkPolicy[\s\S]*app.kubernetes.io\/managed-by: "kubectl-netdiag"[\s\S]*port: 8080/)
  })

  it('--from-pod evaluates policies with the client pod\'s labels', async () => {
    const pods = backendPods()
    const client = pod({name: 'frontend-5c7d8b9f6-qw2er', deployment: 'frontend', hash: '5c7d8b9f6', ip: '10.244.1.40'})
    const policy = networkPolicy('backend-from-frontend', {
      podSelector: {matchLabels: {app: 'backend'}},
      policyTypes: ['Ingress'],
      ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}], ports: [{protocol: 'TCP', port: 8080}]}],
    })
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: [policy]})
      .get('/api/v1/namespaces/shop/pods/frontend-5c7d8b9f6-qw2er')
      .reply(200, client)
      .get('/api/v1/namespaces/kube-system/pods')
      .query({labelSelector: 'k8s-app=kube-dns'})
      .reply(200, list('PodList', []))
      .get('/api/v1/namespaces/kube-system')
      .reply(200, namespace('kube-system'))
    const r = await svc(['--from-pod', 'frontend-5c7d8b9f6-qw2er'])
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr + JSON.stringify(r.report?.diagnosis))
    assert.equal(r.check('svc.policy').status, 'pass')
    assert.match(r.check('svc.policy').summary, /allow pod shop\/frontend-5c7d8b9f6-qw2er to reach the backends/)
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'backend', fromPod: 'frontend-5c7d8b9f6-qw2er'})
  })

  it('list networkpolicies denied: svc.policy is skipped (forbidden) and preflight.access warns', async () => {
    const pods = backendPods()
    const scope = mockCluster({
      svc: service(),
      selected: pods,
      slices: [endpointSlice(pods)],
      deny: (a) => a.verb === 'list' && a.resource === 'networkpolicies',
    })
    const r = await svc()
    scope.done()
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.check('svc.policy').status, 'skip')
    assert.equal(r.check('svc.policy').skippedBecause, 'forbidden')
    assert.equal(r.check('preflight.access').status, 'warn')
    assert.match(r.check('preflight.access').summary, /not allowed to list networkpolicies in namespace shop: 1 check\(s\) skipped \(svc\.policy\)/)
    assert.equal(r.report.status, 'warn')
  })

  it('kube-proxy crash-looping on a backend node warns with the pod and reason', async () => {
    const pods = backendPods()
    const scope = mockCluster({svc: service(), selected: pods, slices: [endpointSlice(pods)], policies: [], kubeProxy: false})
      .get('/apis/apps/v1/namespaces/kube-system/daemonsets')
      .query({labelSelector: 'k8s-app=kube-proxy'})
      .reply(200, list('DaemonSetList', [kubeProxyDaemonSet({ready: 2})], 'apps/v1'))
      .get('/api/v1/namespaces/kube-system/pods')
      .query({labelSelector: 'k8s-app=kube-proxy'})
      .reply(200, list('PodList', [kubeProxyPod('kind-control-plane'), kubeProxyPod('kind-worker'), kubeProxyPod('kind-worker2', false)]))
      .get('/api/v1/namespaces/kube-system/configmaps/kube-proxy')
      .reply(200, kubeProxyConfigMap('ipvs'))
    const r = await svc()
    scope.done()
    assert.equal(r.check('svc.kube-proxy').status, 'warn')
    assert.match(r.check('svc.kube-proxy').summary, /kube-proxy \(ipvs mode\) is not ready on kind-worker2 \(pod kube-proxy-v9c2k: container kube-proxy is in CrashLoopBackOff \(12 restarts, last exit 1: Error\)\)/)
  })

  it('--port that the Service does not have is bad usage (exit 2) listing its ports', async () => {
    const scope = nock(TEST_SERVER)
      .get('/version')
      .reply(200, {gitVersion: 'v1.32.2'})
      .get('/api/v1/namespaces/shop')
      .reply(200, namespace('shop'))
      .get('/api/v1/namespaces/shop/services/backend')
      .reply(200, service())
    const r = await run(['svc', 'backend', '-n', 'shop', '--port', 'grpc', '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe'])
    scope.done()
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /Service shop\/backend has no port "grpc"; its ports: http 80\/TCP -> http/)
    assert.equal(r.stdout, '')
  })

  it('NAME.NS as the name is bad usage with the right command line, before any API call', async () => {
    const r = await run(['svc', 'backend.payments', '--kubeconfig', writeKubeconfig(), '-o', 'json'])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /"backend\.payments" is a DNS name, not a Service name: run kubectl netdiag svc backend -n payments/)
  })
})
