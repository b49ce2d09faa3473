import nock from 'nock'
import assert from 'node:assert/strict'

import type {ConfigMap, DaemonSet, Deployment, EndpointSlice, NetworkPolicy, Pod, Service} from '../../src/cluster/types.js'
import {forbiddenStatus, notFoundStatus} from './api-status.js'
import {COREDNS_PODS, HEALTHY_LOG, corednsConfigMap, corednsDeployment, corednsPod, kubeDnsService, kubeDnsSlice, nodeLocalDnsPod} from './dns-fixtures.js'
import {TEST_SERVER, writeKubeconfig} from './kubeconfig.js'
import {flannelDaemonSet, kindNodes, kubeProxyDaemonSet} from './path-fixtures.js'
import {run} from './run.js'
import {assertValidReport} from './schema.js'
import {backendPods, list, namespace} from './svc-fixtures.js'

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'
const KS = '/api/v1/namespaces/kube-system'

type Attributes = {verb: string; resource: string; subresource?: string; namespace?: string}

/** Answers `times` SelfSubjectAccessReviews, allowing all but what `deny` refuses. */
export function accessReviews(scope: nock.Scope, times: number, deny?: (a: Attributes) => boolean): nock.Scope {
  return scope
    .post(SSAR)
    .times(times)
    .reply(201, (_uri, body) => {
      const attributes = (body as {spec: {resourceAttributes: Attributes}}).spec.resourceAttributes
      return {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: {resourceAttributes: attributes}, status: {allowed: !deny?.(attributes)}}
    })
}

export interface DnsCluster {
  /** CoreDNS pods (default: both replicas ready). */
  pods?: Pod[]
  deployment?: Deployment
  /** null: no kube-dns Service (404, and none labelled k8s-app=kube-dns). */
  service?: Service | null
  /** null: not read (dns.endpoints is skipped when dns.service fails). */
  slices?: EndpointSlice[] | null
  /** null: ConfigMap kube-system/coredns does not exist. */
  configMap?: ConfigMap | null
  /** What each Running CoreDNS pod logged in the last ten minutes. */
  logs?: string
  /** The previous (crashed) container's log, read for crash-looping pods. */
  previousLogs?: string
  kubeSystemDaemonSets?: DaemonSet[]
  /** Every DaemonSet in the cluster besides kube-system's: the CNI (default: flannel alone). */
  cniDaemonSets?: DaemonSet[]
  /** 'forbidden': listing them in shop is refused (403) although the access review allowed it. */
  policies?: NetworkPolicy[] | 'forbidden'
  dnsPolicies?: NetworkPolicy[]
  /** Pods of namespace shop (default: the two backend replicas). */
  clients?: Pod[]
  /** --from-pod: the pod, fetched by name instead of listing the namespace. */
  fromPod?: Pod
  deny?: (a: Attributes) => boolean
  /** node-local-dns pods, listed when kubeSystemDaemonSets holds its DaemonSet (default: one ready per node). */
  nodeLocalPods?: Pod[]
}

// Distinct permissions the dns plan needs with --no-probe (see each check's `requires`); --from-pod adds get pods.
const NO_PROBE_REVIEWS = 13

/** Every call a `dns -n shop --no-probe` run makes against a kubeadm cluster, with the overrides of one failure class. */
export function mockDnsCluster(c: DnsCluster = {}): nock.Scope {
  const pods = c.pods ?? [corednsPod(0), corednsPod(1)]
  const refused = (verb: string, resource: string, subresource?: string) => Boolean(c.deny?.({verb, resource, subresource, namespace: 'kube-system'}))
  const scope = accessReviews(nock(TEST_SERVER), NO_PROBE_REVIEWS + (c.fromPod ? 1 : 0), c.deny)
    .get('/version')
    .reply(200, {major: '1', minor: '32', gitVersion: 'v1.32.2'})
    .get('/api/v1/namespaces/shop')
    .reply(200, namespace('shop'))
    .get(`${KS}/pods`)
    .query({labelSelector: 'k8s-app=kube-dns'})
    .reply(200, list('PodList', pods))
    .get('/apis/apps/v1/namespaces/kube-system/deployments')
    .query({labelSelector: 'k8s-app=kube-dns'})
    .reply(200, list('DeploymentList', [c.deployment ?? corednsDeployment()], 'apps/v1'))
    .get('/api/v1/nodes')
    .reply(200, list('NodeList', kindNodes()))
    .get('/apis/apps/v1/namespaces/kube-system/daemonsets')
    .reply(200, list('DaemonSetList', c.kubeSystemDaemonSets ?? [kubeProxyDaemonSet()], 'apps/v1'))
    .get('/apis/apps/v1/daemonsets')
    .reply(200, list('DaemonSetList', [...(c.kubeSystemDaemonSets ?? [kubeProxyDaemonSet()]), ...(c.cniDaemonSets ?? [flannelDaemonSet()])], 'apps/v1'))
    .get('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies')
    .reply(
      ...((c.policies === 'forbidden' ? [403, forbiddenStatus('networkpolicies.networking.k8s.io', 'list', {namespace: 'shop'})] : [200, list('NetworkPolicyList', c.policies ?? [], 'networking.k8s.io/v1')]) as [number, object]),
    )
    .get('/apis/networking.k8s.io/v1/namespaces/kube-system/networkpolicies')
    .reply(200, list('NetworkPolicyList', c.dnsPolicies ?? [], 'networking.k8s.io/v1'))
    // API discovery for the policy layers (AdminNetworkPolicy, Cilium, Calico): none served here.
    .get('/apis').optionally().reply(200, {kind: 'APIGroupList', apiVersion: 'v1', groups: []})
    .get(KS)
    .reply(200, namespace('kube-system'))
  if ((c.kubeSystemDaemonSets ?? []).some((d) => d.metadata?.name === 'node-local-dns')) {
    scope.get(`${KS}/pods`).query({labelSelector: 'k8s-app=node-local-dns'}).reply(200, list('PodList', c.nodeLocalPods ?? kindNodes().map((n) => nodeLocalDnsPod(n.metadata!.name!))))
  }
  if (c.fromPod) scope.get(`/api/v1/namespaces/shop/pods/${c.fromPod.metadata!.name}`).reply(200, c.fromPod)
  else scope.get('/api/v1/namespaces/shop/pods').reply(200, list('PodList', c.clients ?? backendPods()))

  if (c.service === null) {
    scope.get(`${KS}/services/kube-dns`).reply(404, notFoundStatus('services', 'kube-dns'))
    scope.get(`${KS}/services`).query({labelSelector: 'k8s-app=kube-dns'}).reply(200, list('ServiceList', []))
  } else {
    scope.get(`${KS}/services/kube-dns`).reply(200, c.service ?? kubeDnsService())
  }
  if (c.service !== null && c.slices !== null) {
    scope
      .get('/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices')
      .query({labelSelector: 'kubernetes.io/service-name=kube-dns'})
      .reply(200, list('EndpointSliceList', c.slices ?? [kubeDnsSlice(pods)], 'discovery.k8s.io/v1'))
  }
  if (c.configMap === null) scope.get(`${KS}/configmaps/coredns`).reply(404, notFoundStatus('configmaps', 'coredns'))
  else scope.get(`${KS}/configmaps/coredns`).reply(200, c.configMap ?? corednsConfigMap())

  if (!refused('get', 'pods', 'log')) {
    for (const pod of pods.filter((p) => p.status?.phase === 'Running')) {
      scope.get(`${KS}/pods/${pod.metadata!.name}/log`).query({sinceSeconds: '600', tailLines: '2000'}).reply(200, c.logs ?? HEALTHY_LOG)
    }
  }
  if (c.previousLogs !== undefined) {
    // dns.pods reads the previous container's log of the first restarted pod; it stops at the first signature.
    scope.get(`${KS}/pods/${COREDNS_PODS[0].name}/log`).query({previous: 'true', tailLines: '200'}).reply(200, c.previousLogs)
  }
  return scope
}

export type Report = Record<string, any>

/** Runs `dns -n shop -o json` against the nock cluster and validates the report against the schema. */
export async function dns(extra: string[] = ['--no-probe']) {
  const result = await run(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json', ...extra])
  const report: Report | undefined = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  const statuses = () => Object.fromEntries((report?.checks ?? []).map((c: {id: string; status: string}) => [c.id, c.status]))
  return {...result, report: report as Report, check, statuses}
}

/** mockDnsCluster, then dns: every request the mock expects must really have been made. */
export async function runDns(c: DnsCluster = {}, extra?: string[]) {
  const scope = mockDnsCluster(c)
  const r = await dns(extra)
  scope.done()
  return r
}

/** The run found a failure (exit 1) whose root cause is `checkId`; returns that root cause. */
export function rootCause(r: Awaited<ReturnType<typeof dns>>, checkId: string): Report {
  assert.equal(r.exitCode, 1, r.stderr)
  const root = r.report.diagnosis.rootCause
  assert.equal(root?.checkId, checkId, JSON.stringify(r.report.diagnosis))
  return root
}
