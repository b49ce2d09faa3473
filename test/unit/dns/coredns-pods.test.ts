import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {Deployment, Pod} from '../../../src/cluster/types.js'
import {analyzeCorednsPods, describePod, podState} from '../../../src/analysis/dns/coredns-pods.js'

const IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3'

const deployment = (replicas: number): Deployment =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'coredns', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}},
    spec: {replicas, selector: {matchLabels: {'k8s-app': 'kube-dns'}}, template: {metadata: {labels: {'k8s-app': 'kube-dns'}}, spec: {containers: [{name: 'coredns', image: IMAGE}]}}},
    status: {replicas, readyReplicas: replicas},
  }) as unknown as Deployment

interface PodOpts {
  node?: string
  ready?: boolean
  restarts?: number
  waiting?: string
  last?: {reason: string; exitCode: number}
  image?: string
  phase?: string
  deleting?: boolean
}

// Shape of `kubectl get pod -o json` for a kubeadm CoreDNS pod, trimmed (timestamps are strings as the API sends them).
const corednsPod = (name: string, o: PodOpts = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: {'k8s-app': 'kube-dns', 'pod-template-hash': name.split('-')[1]},
      ...(o.deleting ? {deletionTimestamp: '2026-11-22T10:00:00Z'} : {}),
    },
    spec: {nodeName: o.node ?? 'node-1', containers: [{name: 'coredns', image: o.image ?? IMAGE, args: ['-conf', '/etc/coredns/Corefile']}], dnsPolicy: 'Default'},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-22T09:59:50Z'},
        {type: 'Ready', status: o.ready === false ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: '2026-11-22T10:00:14Z', ...(o.ready === false ? {reason: 'ContainersNotReady', message: 'containers with unready status: [coredns]'} : {})},
        {type: 'ContainersReady', status: o.ready === false ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: '2026-11-22T10:00:14Z'},
        {type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-22T09:59:50Z'},
      ],
      containerStatuses: [
        {
          name: 'coredns',
          state: o.waiting
            ? {waiting: {reason: o.waiting, message: `back-off 5m0s restarting failed container=coredns pod=${name}_kube-system(78f85706-777f-431b-9cb6-528d9d3f1398)`}}
            : {running: {startedAt: '2026-11-22T10:00:12Z'}},
          lastState: o.last ? {terminated: {exitCode: o.last.exitCode, reason: o.last.reason, startedAt: '2026-11-22T10:16:12Z', finishedAt: '2026-11-22T10:16:13Z'}} : {},
          ready: o.ready !== false,
          restartCount: o.restarts ?? 0,
          image: o.image ?? IMAGE,
          imageID: 'registry.k8s.io/coredns/coredns@sha256:9caabbf6238b189a65d0d6e6ac138de60d6a1c419e5a341fbbb7c78382559c6e',
          started: !o.waiting,
        },
      ],
    },
  }) as unknown as Pod

describe('podState / describePod', () => {
  it('reads readiness, restarts, waiting and last termination from the real status shape', () => {
    const s = podState(corednsPod('coredns-6955765f44-wm4vg', {ready: false, restarts: 13, waiting: 'CrashLoopBackOff', last: {reason: 'Error', exitCode: 1}}))
    assert.deepEqual(s, {
      name: 'coredns-6955765f44-wm4vg',
      node: 'node-1',
      phase: 'Running',
      ready: false,
      restarts: 13,
      waitingReason: 'CrashLoopBackOff',
      lastTerminationReason: 'Error',
      lastExitCode: 1,
      image: IMAGE,
    })
    assert.equal(describePod(s), 'coredns-6955765f44-wm4vg CrashLoopBackOff (Error, 13 restarts)')
  })
  const described: [PodOpts, string][] = [
    [{}, 'coredns-5d78c9869d-abcde Running'],
    [{ready: false}, 'coredns-5d78c9869d-abcde Running, not ready'],
    [{ready: false, restarts: 1, last: {reason: 'Completed', exitCode: 0}}, 'coredns-5d78c9869d-abcde Running, not ready (1 restart)'],
    [{ready: false, phase: 'Pending', waiting: 'ContainerCreating'}, 'coredns-5d78c9869d-abcde ContainerCreating'],
    [{ready: false, phase: 'Pending'}, 'coredns-5d78c9869d-abcde Pending'],
  ]
  for (const [o, want] of described) it(want, () => assert.equal(describePod(podState(corednsPod('coredns-5d78c9869d-abcde', o))), want))
})

describe('analyzeCorednsPods', () => {
  it('healthy kubeadm cluster: 2/2 on two nodes', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1'}), corednsPod('coredns-7db6d8ff4d-9kz7m', {node: 'node-2'})],
      nodeCount: 3,
    })
    assert.equal(v.status, 'pass')
    assert.equal(v.summary, '2/2 CoreDNS pods ready, 0 restarts')
    assert.deepEqual(v.objects.map((o) => `${o.kind}/${o.name}`), ['Deployment/coredns', 'Pod/coredns-7db6d8ff4d-4xq2p', 'Pod/coredns-7db6d8ff4d-9kz7m'])
    assert.deepEqual(v.details.nodes, ['node-1', 'node-2'])
  })
  it('healthy single-node cluster (kind, minikube): both replicas on one node is fine', () => {
    const pods = [corednsPod('coredns-7db6d8ff4d-4xq2p'), corednsPod('coredns-7db6d8ff4d-9kz7m')]
    assert.equal(analyzeCorednsPods({deployment: deployment(2), pods, nodeCount: 1}).status, 'pass')
    assert.equal(analyzeCorednsPods({deployment: deployment(2), pods}).status, 'pass')
  })
  it('healthy after node reboots: a few restarts with Unknown/Completed reasons are not a problem', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [
        corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1', restarts: 2, last: {reason: 'Unknown', exitCode: 255}}),
        corednsPod('coredns-7db6d8ff4d-9kz7m', {node: 'node-2', restarts: 1, last: {reason: 'Completed', exitCode: 0}}),
      ],
      nodeCount: 2,
    })
    assert.equal(v.status, 'pass')
    assert.equal(v.summary, '2/2 CoreDNS pods ready, 3 restarts')
  })

  it('all pods crash-looping from OOM: fail naming the pods', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [
        corednsPod('coredns-5d78c9869d-abcde', {ready: false, restarts: 14, waiting: 'CrashLoopBackOff', last: {reason: 'OOMKilled', exitCode: 137}}),
        corednsPod('coredns-5d78c9869d-fghij', {node: 'node-2', ready: false, restarts: 12, waiting: 'CrashLoopBackOff', last: {reason: 'OOMKilled', exitCode: 137}}),
      ],
    })
    assert.equal(v.status, 'fail')
    assert.equal(
      v.summary,
      'CoreDNS (Deployment kube-system/coredns) has 0 of 2 pods ready: coredns-5d78c9869d-abcde CrashLoopBackOff (OOMKilled, 14 restarts); coredns-5d78c9869d-fghij CrashLoopBackOff (OOMKilled, 12 restarts)',
    )
    assert.match(v.remediation ?? '', /memory/)
  })
  it('loop plugin exits: CrashLoopBackOff with Error points at the previous logs', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(1),
      pods: [corednsPod('coredns-6955765f44-wm4vg', {ready: false, restarts: 13, waiting: 'CrashLoopBackOff', last: {reason: 'Error', exitCode: 1}})],
    })
    assert.equal(v.status, 'fail')
    assert.equal(v.summary, 'CoreDNS (Deployment kube-system/coredns) has 0 of 1 pods ready: coredns-6955765f44-wm4vg CrashLoopBackOff (Error, 13 restarts)')
    assert.match(v.remediation ?? '', /logs coredns-6955765f44-wm4vg --previous/)
  })
  it('one of two ready: warn', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1'}), corednsPod('coredns-7db6d8ff4d-9kz7m', {node: 'node-2', ready: false})],
      nodeCount: 2,
    })
    assert.equal(v.status, 'warn')
    assert.equal(v.summary, 'CoreDNS (Deployment kube-system/coredns): 1 of 2 pods ready: coredns-7db6d8ff4d-9kz7m Running, not ready')
  })
  it('ready but recently OOMKilled: warn', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1', restarts: 3, last: {reason: 'OOMKilled', exitCode: 137}}), corednsPod('coredns-7db6d8ff4d-9kz7m', {node: 'node-2'})],
      nodeCount: 2,
    })
    assert.equal(v.status, 'warn')
    assert.match(v.summary, /coredns-7db6d8ff4d-4xq2p was OOMKilled \(3 restarts\)/)
  })
  it('many restarts with Error: warn; below the threshold: pass', () => {
    const pods = (restarts: number) => [
      corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1', restarts, last: {reason: 'Error', exitCode: 1}}),
      corednsPod('coredns-7db6d8ff4d-9kz7m', {node: 'node-2'}),
    ]
    assert.equal(analyzeCorednsPods({deployment: deployment(2), pods: pods(5), nodeCount: 2}).status, 'warn')
    assert.equal(analyzeCorednsPods({deployment: deployment(2), pods: pods(4), nodeCount: 2}).status, 'pass')
  })
  it('all replicas on one node of a multi-node cluster: warn naming the node', () => {
    const v = analyzeCorednsPods({deployment: deployment(2), pods: [corednsPod('coredns-7db6d8ff4d-4xq2p'), corednsPod('coredns-7db6d8ff4d-9kz7m')], nodeCount: 3})
    assert.equal(v.status, 'warn')
    assert.match(v.summary, /all 2 pods run on node node-1/)
  })
  it('one replica on a multi-node cluster is not a spreading problem', () => {
    assert.equal(analyzeCorednsPods({deployment: deployment(1), pods: [corednsPod('coredns-7db6d8ff4d-4xq2p')], nodeCount: 3}).status, 'pass')
  })
  it('different images: warn', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(2),
      pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {node: 'node-1'}), corednsPod('coredns-5d78c9869d-9kz7m', {node: 'node-2', image: 'registry.k8s.io/coredns/coredns:v1.10.1'})],
      nodeCount: 2,
    })
    assert.equal(v.status, 'warn')
    assert.deepEqual(v.details.images, ['registry.k8s.io/coredns/coredns:v1.10.1', IMAGE])
  })
  it('image pull failure', () => {
    const v = analyzeCorednsPods({deployment: deployment(1), pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {ready: false, phase: 'Pending', waiting: 'ImagePullBackOff'})]})
    assert.equal(v.status, 'fail')
    assert.match(v.summary, /ImagePullBackOff/)
    assert.match(v.remediation ?? '', /registry/)
  })
  it('scaled to zero', () => {
    const v = analyzeCorednsPods({deployment: deployment(0), pods: []})
    assert.equal(v.status, 'fail')
    assert.match(v.summary, /scaled to 0/)
  })
  it('no pods at all', () => {
    const v = analyzeCorednsPods({deployment: deployment(2), pods: []})
    assert.equal(v.status, 'fail')
    assert.match(v.summary, /No CoreDNS \(Deployment kube-system\/coredns\) pods found/)
  })
  it('terminating and evicted pods are ignored', () => {
    const v = analyzeCorednsPods({
      deployment: deployment(1),
      pods: [corednsPod('coredns-7db6d8ff4d-4xq2p'), corednsPod('coredns-7db6d8ff4d-old01', {deleting: true, ready: false}), corednsPod('coredns-7db6d8ff4d-evict', {phase: 'Failed', ready: false})],
    })
    assert.equal(v.status, 'pass')
    assert.equal(v.details.pods.length, 1)
  })
  it('without a Deployment (pods only), desired is the pod count', () => {
    const v = analyzeCorednsPods({pods: [corednsPod('coredns-7db6d8ff4d-4xq2p', {ready: false})]})
    assert.equal(v.status, 'fail')
    assert.equal(v.summary, 'CoreDNS has 0 of 1 pods ready: coredns-7db6d8ff4d-4xq2p Running, not ready')
  })
})
