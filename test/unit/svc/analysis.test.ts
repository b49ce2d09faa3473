import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {groupBackends} from '../../../src/analysis/svc/backend-groups.js'
import {summarizeEndpointSlices, nodesWithReadyEndpoints} from '../../../src/analysis/svc/endpoint-slices.js'
import {getentHostsCommand, parseGetentHosts} from '../../../src/analysis/svc/getent.js'
import {detectProxyReplacement, kubeProxyOnNodes} from '../../../src/analysis/svc/kube-proxy.js'
import {clusterDomainFromSearch, judgeResolution, serviceDnsNames} from '../../../src/analysis/svc/names.js'
import {describeProbe, podNotReadyReason} from '../../../src/analysis/svc/pod-readiness.js'
import {checkTargetPorts, describeServicePort, selectServicePorts} from '../../../src/analysis/svc/service-ports.js'
import {rankCandidates, selectorDifference} from '../../../src/analysis/label-difference.js'
import {differenceClause, selectorMismatchSummary, selectorPatch} from '../../../src/analysis/svc/selector-hint.js'
import type {ConfigMap, DaemonSet, Pod, ServicePort} from '../../../src/cluster/types.js'
import {backendPods, endpointSlice, kubeProxyDaemonSet, kubeProxyPod, pod, service} from '../../helpers/svc-fixtures.js'

describe('podNotReadyReason', () => {
  const base = pod({name: 'backend-1'})
  const withStatus = (status: Record<string, unknown>, extra: Record<string, unknown> = {}): Pod => ({...base, ...extra, status: {...base.status, ...status}}) as Pod
  const cases: Array<[string, Pod, string | undefined, RegExp | undefined]> = [
    ['ready pod', base, undefined, undefined],
    ['readiness probe failing', pod({name: 'b', state: 'readiness-failing'}), 'readiness-probe', /container app runs but fails its readiness probe \(httpGet :8080\/healthz, 0 restarts\)/],
    ['crash loop', pod({name: 'b', state: 'crash-loop'}), 'crash-loop', /container app is in CrashLoopBackOff \(7 restarts, last exit 1: Error\)/],
    ['container creating', pod({name: 'b', state: 'pending'}), 'container-waiting', /container app is waiting \(ContainerCreating\)/],
    ['terminating', {...base, metadata: {...base.metadata, deletionTimestamp: '2026-11-20T10:00:00Z'}} as Pod, 'terminating', /terminating \(deletion requested at 2026-11-20T10:00:00Z\)/],
    ['finished', withStatus({phase: 'Failed', reason: 'Evicted'}), 'finished', /phase Failed, Evicted/],
    [
      'unschedulable',
      withStatus({phase: 'Pending', containerStatuses: undefined, conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.'}]}),
      'unschedulable',
      /cannot be scheduled \(Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\.\)/,
    ],
    [
      'image pull',
      withStatus({phase: 'Pending', conditions: [{type: 'Ready', status: 'False'}], containerStatuses: [{name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: {waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"'}}}]}),
      'image-pull',
      /cannot pull its image \(ImagePullBackOff: Back-off pulling image "x"\)/,
    ],
    [
      'init container crash',
      withStatus({phase: 'Pending', conditions: [{type: 'Ready', status: 'False'}], initContainerStatuses: [{name: 'migrate', ready: false, restartCount: 3, image: '', imageID: '', state: {waiting: {reason: 'CrashLoopBackOff'}}}]}),
      'crash-loop',
      /init container migrate is in CrashLoopBackOff \(3 restarts\)/,
    ],
    [
      'startup probe',
      {
        ...base,
        spec: {...base.spec, containers: [{...base.spec!.containers[0], startupProbe: {tcpSocket: {port: 8080}}}]},
        status: {...base.status, conditions: [{type: 'Ready', status: 'False'}], containerStatuses: [{name: 'app', ready: false, started: false, restartCount: 1, image: '', imageID: '', state: {running: {}}}]},
      } as Pod,
      'startup-probe',
      /has not passed its startup probe \(tcpSocket :8080, 1 restart\)/,
    ],
    [
      'readiness gate',
      {
        ...base,
        spec: {...base.spec, readinessGates: [{conditionType: 'target-health.elbv2.k8s.aws/backend'}]},
        status: {...base.status, conditions: [{type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady'}], containerStatuses: [{name: 'app', ready: true, restartCount: 0, image: '', imageID: '', state: {running: {}}}]},
      } as Pod,
      'readiness-gate',
      /readiness gate target-health\.elbv2\.k8s\.aws\/backend is not True/,
    ],
  ]
  for (const [name, input, code, message] of cases) {
    it(name, () => {
      const reason = podNotReadyReason(input)
      assert.equal(reason?.code, code)
      if (message) assert.match(reason!.message, message)
    })
  }
  it('describes every probe kind', () => {
    assert.equal(describeProbe({httpGet: {port: 'http', path: '/ready', scheme: 'HTTPS'}}), 'httpGet https :http/ready')
    assert.equal(describeProbe({exec: {command: ['pg_isready', '-U', 'app']}}), 'exec pg_isready -U app')
    assert.equal(describeProbe({grpc: {port: 9090}}), 'grpc :9090')
    assert.equal(describeProbe(undefined), undefined)
  })
})

describe('summarizeEndpointSlices', () => {
  const ports = service().spec!.ports!
  it('counts ready/serving/terminating per Service port and dedupes addresses across slices', () => {
    const pods = backendPods()
    const slice = endpointSlice(pods)
    slice.endpoints![1]!.conditions = {ready: false, serving: true, terminating: true}
    const dup = endpointSlice([pods[0]!], {name: 'backend-dup'})
    const s = summarizeEndpointSlices([slice, dup], ports)
    assert.deepEqual(s.slices, ['backend-x7k2p', 'backend-dup'])
    assert.equal(s.ports[0]!.endpoints.length, 2)
    assert.deepEqual([s.ports[0]!.ready, s.ports[0]!.serving, s.ports[0]!.terminating, s.ports[0]!.notReady], [1, 2, 1, 1])
    assert.equal(s.ports[0]!.endpoints[0]!.port, 8080)
    assert.deepEqual(s.managedBy, ['endpointslice-controller.k8s.io'])
    assert.deepEqual(nodesWithReadyEndpoints(s.ports[0]!), ['kind-worker'])
  })
  it('unset conditions mean ready and serving, not terminating', () => {
    const slice = endpointSlice(backendPods())
    for (const e of slice.endpoints!) e.conditions = {}
    const p = summarizeEndpointSlices([slice], ports).ports[0]!
    assert.deepEqual([p.ready, p.serving, p.terminating], [2, 2, 0])
  })
  it('endpoints of a slice without the port are listed as withoutPorts (named targetPort missing)', () => {
    const s = summarizeEndpointSlices([endpointSlice(backendPods(), {ports: []})], ports)
    assert.equal(s.ports[0]!.endpoints.length, 0)
    assert.deepEqual(s.withoutPorts.map((e) => e.pod), ['backend-6d8f7b9c4-2xkqp', 'backend-6d8f7b9c4-7mzrt'])
  })
  it('matches an unnamed single port by the empty name and by protocol', () => {
    const sp: ServicePort[] = [{port: 53, protocol: 'UDP', targetPort: 5353 as unknown as ServicePort['targetPort']}]
    const slice = endpointSlice(backendPods(), {ports: [{port: 5353, protocol: 'UDP'}, {port: 5353, protocol: 'TCP', name: 'tcp'}]})
    assert.equal(summarizeEndpointSlices([slice], sp).ports[0]!.ready, 2)
    assert.equal(summarizeEndpointSlices([slice], [{port: 53, protocol: 'TCP'}]).ports[0]!.ready, 0)
  })
})

describe('selectServicePorts / checkTargetPorts', () => {
  const svc = service({spec: {ports: [{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'}, {name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090}]}})
  const table: Array<[string | undefined, string[] | RegExp]> = [
    [undefined, ['http', 'metrics']],
    ['http', ['http']],
    ['80', ['http']],
    ['9090', ['metrics']],
    ['grpc', /has no port "grpc"; its ports: http 80\/TCP -> http, metrics 9090\/TCP -> 9090/],
    ['81', /has no port "81"/],
  ]
  for (const [flag, want] of table) {
    it(`--port ${flag ?? '(none)'}`, () => {
      const r = selectServicePorts(svc, flag)
      if (want instanceof RegExp) assert.match(r.error ?? '', want)
      else assert.deepEqual(r.ports.map((p) => p.name), want)
    })
  }
  it('--port matches a targetPort number when no Service port has it', () => {
    assert.deepEqual(selectServicePorts(service({spec: {ports: [{name: 'web', port: 80, targetPort: 8080}]}}), '8080').ports.map((p) => p.name), ['web'])
  })
  const portCases: Array<[string, ServicePort, Pod[], 'pass' | 'warn' | 'fail', RegExp]> = [
    ['named port present', {name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' as never}, backendPods(), 'pass', /resolves to 8080\/TCP on 2 pod/],
    ['named port missing', {name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' as never}, backendPods('ready', {ports: [{name: 'web', containerPort: 8080}]}), 'fail', /pods of Deployment backend \(2\) have no port named http \(they declare 8080\/TCP \(web\)\)/],
    ['named port for another protocol', {name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' as never}, backendPods('ready', {ports: [{name: 'dns', containerPort: 53, protocol: 'TCP'}]}), 'fail', /name a port dns but not for UDP/],
    ['numeric undeclared', {port: 80, protocol: 'TCP', targetPort: 9000 as never}, backendPods(), 'warn', /no container of pods of Deployment backend \(2\) declares 9000\/TCP/],
    ['numeric other protocol', {port: 8080, protocol: 'UDP', targetPort: 8080 as never}, backendPods(), 'fail', /declare 8080 only for another protocol.*the Service sends UDP/],
    ['targetPort defaults to port', {port: 8080, protocol: 'TCP'}, backendPods(), 'pass', /resolves to 8080\/TCP/],
  ]
  for (const [name, sp, pods, status, message] of portCases) {
    it(name, () => {
      const [f] = checkTargetPorts([sp], pods)
      assert.equal(f!.status, status)
      assert.match(f!.message, message)
      assert.equal(f!.groups.length, 1, 'replicas of one Deployment make one group')
    })
  }
  it('describes ports', () => assert.equal(describeServicePort({port: 53, protocol: 'UDP'}), '53/UDP -> 53'))
})

describe('selector hints', () => {
  const d = selectorDifference({matchLabels: {app: 'backend-api', tier: 'api'}}, {name: 'backend', kind: 'Deployment', namespace: 'shop', labels: {app: 'backend'}})
  it('states the difference and builds the merge patch', () => {
    assert.equal(differenceClause(d), 'pods of Deployment shop/backend carry app=backend and no tier label')
    assert.deepEqual(selectorPatch(d), {app: 'backend', tier: null})
    assert.equal(selectorMismatchSummary('shop/backend', 'shop', {matchLabels: {app: 'x'}}, []), 'Service shop/backend selects app=x but no pod in shop matches, and no pod runs in shop at all')
  })
  it('names a runner-up only when it is about as near as the best candidate', () => {
    const selector = {matchLabels: {app: 'backend-api'}}
    const candidate = (name: string, app: string) => ({name, kind: 'Deployment', namespace: 'shop', labels: {app}})
    const far = rankCandidates(selector, [candidate('backend', 'backend'), candidate('frontend', 'frontend')])
    assert.equal(selectorMismatchSummary('shop/backend', 'shop', selector, far), 'Service shop/backend selects app=backend-api but no pod in shop matches; pods of Deployment shop/backend carry app=backend')
    const tie = rankCandidates(selector, [candidate('backend-v1', 'backend-ap1'), candidate('backend-v2', 'backend-ap2')])
    assert.match(selectorMismatchSummary('shop/backend', 'shop', selector, tie), /carry app=backend-ap1; pods of Deployment shop\/backend-v2 carry app=backend-ap2$/)
  })
  it('a bare pod is singular', () => {
    assert.equal(differenceClause(selectorDifference({matchLabels: {app: 'a'}}, {name: 'debug', kind: 'Pod', labels: {app: 'b'}})), 'pod debug carries app=b')
  })
})

describe('kube-proxy analysis', () => {
  const cm = (name: string, data: Record<string, string>): ConfigMap => ({metadata: {name, namespace: 'kube-system'}, data})
  const ds = (name: string, container: Record<string, unknown>): DaemonSet => ({metadata: {name, namespace: 'kube-system'}, spec: {selector: {}, template: {spec: {containers: [{name, ...container}]}}}}) as DaemonSet
  const cases: Array<[string, DaemonSet[], ConfigMap[], string | undefined]> = [
    ['cilium config true', [], [cm('cilium-config', {'kube-proxy-replacement': 'true'})], 'cilium'],
    ['cilium config strict', [], [cm('cilium-config', {'kube-proxy-replacement': 'strict'})], 'cilium'],
    ['cilium partial is not a replacement', [], [cm('cilium-config', {'kube-proxy-replacement': 'partial'})], undefined],
    ['cilium flag', [ds('cilium', {args: ['--kube-proxy-replacement=true']})], [], 'cilium'],
    ['calico ebpf', [ds('calico-node', {env: [{name: 'FELIX_BPFENABLED', value: 'true'}]})], [], 'calico-ebpf'],
    ['kube-router', [ds('kube-router', {args: ['--run-router=true', '--run-service-proxy=true']})], [], 'kube-router'],
    ['antrea proxyAll', [], [cm('antrea-config', {'antrea-agent.conf': 'antreaProxy:\n  proxyAll: true\n'})], 'antrea'],
    ['nothing', [kubeProxyDaemonSet()], [], undefined],
  ]
  for (const [name, daemonSets, configMaps, want] of cases) it(name, () => assert.equal(detectProxyReplacement(daemonSets, configMaps)?.name, want))
  it('kube-proxy per node: ready, crash-looping, missing', () => {
    const states = kubeProxyOnNodes([kubeProxyPod('kind-worker'), kubeProxyPod('kind-worker2', false)], ['kind-worker2', 'kind-worker', 'kind-worker3'])
    assert.deepEqual(states.map((s) => [s.node, s.ready]), [['kind-worker', true], ['kind-worker2', false], ['kind-worker3', false]])
    assert.match(states[1]!.reason!, /CrashLoopBackOff/)
    assert.equal(states[2]!.reason, 'no kube-proxy pod on this node')
  })
})

describe('names and getent', () => {
  it('service names', () => assert.deepEqual(serviceDnsNames('backend', 'shop', 'corp.local'), {short: 'backend', namespaced: 'backend.shop', fqdn: 'backend.shop.svc.corp.local.'}))
  const domains: Array<[string[], string | undefined]> = [
    [['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], 'cluster.local'],
    [['shop.svc.corp.example', 'svc.corp.example'], 'corp.example'],
    [['svc.k8s.internal'], 'k8s.internal'],
    [['example.com'], undefined],
  ]
  for (const [search, want] of domains) it(`cluster domain from ${search.join(' ')}`, () => assert.equal(clusterDomainFromSearch(search, 'shop'), want))
  const getent: Array<[string, number, string, string[]]> = [
    ['10.96.41.17     backend.shop.svc.cluster.local  backend.shop.svc.cluster.local\n', 0, 'resolved', ['10.96.41.17']],
    ['10.244.1.23     db.shop.svc.cluster.local\n10.244.2.31     db.shop.svc.cluster.local\n', 0, 'resolved', ['10.244.1.23', '10.244.2.31']],
    ['', 2, 'not-found', []],
    ['', 127, 'missing-tool', []],
    ['', 1, 'error', []],
  ]
  for (const [stdout, exit, outcome, addresses] of getent) {
    it(`getent exit ${exit} ${outcome}`, () => {
      const r = parseGetentHosts(stdout, exit)
      assert.equal(r.outcome, outcome)
      assert.deepEqual(r.addresses, addresses)
    })
  }
  it('getent command', () => assert.deepEqual(getentHostsCommand('backend'), ['getent', 'hosts', 'backend']))
  it('judges resolutions', () => {
    assert.equal(judgeResolution(['10.96.41.17'], {expected: ['10.96.41.17']}, undefined), 'ok')
    assert.equal(judgeResolution(['10.96.0.99'], {expected: ['10.96.41.17']}, undefined), 'wrong-address')
    assert.equal(judgeResolution([], {expected: ['10.96.41.17']}, 'nxdomain'), 'nxdomain')
    assert.equal(judgeResolution([], {expected: ['10.96.41.17']}, undefined), 'no-answer')
    assert.equal(judgeResolution(['93.184.216.34'], {expected: [], cname: 'example.com'}, undefined), 'ok')
  })
})

describe('groupBackends', () => {
  it('replicas with the same labels and ports share a group; other labels or ports split', () => {
    const [a, b] = backendPods()
    const canary = pod({name: 'backend-canary', labels: {app: 'backend', track: 'canary'}})
    const otherPort = pod({name: 'backend-9', ports: [{name: 'http', containerPort: 9090}]})
    const groups = groupBackends([a!, b!, canary, otherPort])
    assert.deepEqual(groups.map((g) => g.pods.map((p) => p.metadata?.name)), [['backend-6d8f7b9c4-2xkqp', 'backend-6d8f7b9c4-7mzrt'], ['backend-canary'], ['backend-9']])
  })
})
