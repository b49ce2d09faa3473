// Service-diagnosis fixtures: shapes trimmed from `kubectl get -o json` on a kind cluster (v1.32) running a
// Deployment shop/backend behind Service shop/backend. Builders take overrides for the failure classes.
import type {DaemonSet, EndpointSlice, Namespace, NetworkPolicy, Pod, Service} from '../../src/cluster/types.js'

type Json = Record<string, any>

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return {apiVersion: 'v1', kind: 'Namespace', metadata: {name, uid: `ns-${name}-uid`, labels: {'kubernetes.io/metadata.name': name, ...labels}}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}} as Namespace
}

export function service(overrides: {name?: string; namespace?: string; spec?: Json; status?: Json} = {}): Service {
  const name = overrides.name ?? 'backend'
  const ns = overrides.namespace ?? 'shop'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name, namespace: ns, uid: '3b2c1f7e-5a4d-4e8b-9c1a-7f6e5d4c3b2a', resourceVersion: '48213', creationTimestamp: '2026-11-20T09:12:44Z', labels: {app: name}},
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.41.17',
      clusterIPs: ['10.96.41.17'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      selector: {app: name},
      ports: [{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'}],
      ...overrides.spec,
    },
    status: {loadBalancer: {}, ...overrides.status},
  } as Service
}

export interface PodOptions {
  name: string
  namespace?: string
  labels?: Record<string, string>
  /** ReplicaSet owner `<deployment>-<hash>`; null for a bare pod. */
  deployment?: string | null
  hash?: string
  node?: string
  ip?: string
  ports?: Json[]
  state?: 'ready' | 'readiness-failing' | 'crash-loop' | 'pending'
  readinessProbe?: Json
}

export function pod(options: PodOptions): Pod {
  const ns = options.namespace ?? 'shop'
  const deployment = options.deployment === undefined ? 'backend' : options.deployment
  const hash = options.hash ?? '6d8f7b9c4'
  const state = options.state ?? 'ready'
  const labels = options.labels ?? {app: deployment ?? options.name, ...(deployment ? {'pod-template-hash': hash} : {})}
  const container = {
    name: 'app',
    image: 'ghcr.io/example/backend:1.4.2',
    ports: options.ports ?? [{name: 'http', containerPort: 8080, protocol: 'TCP'}],
    readinessProbe: options.readinessProbe ?? {httpGet: {path: '/healthz', port: 8080, scheme: 'HTTP'}, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3},
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    imagePullPolicy: 'IfNotPresent',
  }
  const ready = state === 'ready'
  const containerState =
    state === 'crash-loop'
      ? {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app pod=' + options.name}}
      : state === 'pending'
        ? {waiting: {reason: 'ContainerCreating'}}
        : {running: {startedAt: '2026-11-20T09:13:02Z'}}
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name,
      namespace: ns,
      uid: `pod-${options.name}-uid`,
      labels,
      ...(deployment
        ? {ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment}-${hash}`, uid: `rs-${deployment}-uid`, controller: true, blockOwnerDeletion: true}]}
        : {}),
    },
    spec: {containers: [container], nodeName: options.node ?? 'kind-worker', restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', serviceAccountName: 'default'},
    status: {
      phase: state === 'pending' ? 'Pending' : 'Running',
      podIP: options.ip ?? '10.244.1.23',
      podIPs: [{ip: options.ip ?? '10.244.1.23'}],
      hostIP: '172.18.0.3',
      conditions: [
        {type: 'PodReadyToStartContainers', status: 'True'},
        {type: 'Initialized', status: 'True'},
        {type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : {reason: 'ContainersNotReady', message: 'containers with unready status: [app]'})},
        {type: 'ContainersReady', status: ready ? 'True' : 'False'},
        {type: 'PodScheduled', status: 'True'},
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'ghcr.io/example/backend:1.4.2',
          imageID: 'ghcr.io/example/backend@sha256:4f1c0b0e',
          ready,
          started: state !== 'pending' && state !== 'crash-loop',
          restartCount: state === 'crash-loop' ? 7 : 0,
          state: containerState,
          ...(state === 'crash-loop' ? {lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: '2026-11-20T09:20:00Z', finishedAt: '2026-11-20T09:20:01Z'}}} : {}),
        },
      ],
    },
  } as Pod
}

/** The two backend replicas, on two nodes. */
export function backendPods(state: PodOptions['state'] = 'ready', extra: Partial<PodOptions> = {}): Pod[] {
  return [
    pod({name: 'backend-6d8f7b9c4-2xkqp', node: 'kind-worker', ip: '10.244.1.23', state, ...extra}),
    pod({name: 'backend-6d8f7b9c4-7mzrt', node: 'kind-worker2', ip: '10.244.2.31', state, ...extra}),
  ]
}

export function endpointSlice(pods: Pod[], options: {service?: string; namespace?: string; ports?: Json[]; name?: string} = {}): EndpointSlice {
  const svc = options.service ?? 'backend'
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: options.name ?? `${svc}-x7k2p`,
      namespace: options.namespace ?? 'shop',
      generateName: `${svc}-`,
      uid: 'c3d9e2a1-0b7f-4c55-8e21-9a0d6b4f2e17',
      labels: {'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc},
      ownerReferences: [{apiVersion: 'v1', kind: 'Service', name: svc, uid: '3b2c1f7e-5a4d-4e8b-9c1a-7f6e5d4c3b2a', controller: true, blockOwnerDeletion: true}],
    },
    addressType: 'IPv4',
    ports: options.ports ?? [{name: 'http', port: 8080, protocol: 'TCP'}],
    endpoints: pods.map((p) => {
      const ready = (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
      return {
        addresses: [p.status!.podIP!],
        conditions: {ready, serving: ready, terminating: false},
        nodeName: p.spec!.nodeName!,
        targetRef: {kind: 'Pod', namespace: p.metadata!.namespace!, name: p.metadata!.name!, uid: p.metadata!.uid!},
      }
    }),
  } as EndpointSlice
}

export function networkPolicy(name: string, spec: Json, ns = 'shop'): NetworkPolicy {
  return {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name, namespace: ns, uid: `np-${name}-uid`, generation: 1}, spec} as NetworkPolicy
}

export function kubeProxyDaemonSet(options: {args?: string[]; ready?: number; desired?: number} = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'kube-proxy', namespace: 'kube-system', uid: 'ds-kube-proxy-uid', labels: {'k8s-app': 'kube-proxy'}},
    spec: {
      selector: {matchLabels: {'k8s-app': 'kube-proxy'}},
      template: {
        metadata: {labels: {'k8s-app': 'kube-proxy'}},
        spec: {
          hostNetwork: true,
          containers: [{name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.2', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)', ...(options.args ?? [])]}],
        },
      },
    },
    status: {currentNumberScheduled: 3, desiredNumberScheduled: options.desired ?? 3, numberAvailable: options.ready ?? 3, numberMisscheduled: 0, numberReady: options.ready ?? 3, observedGeneration: 1, updatedNumberScheduled: 3},
  } as DaemonSet
}

export function kubeProxyPod(node: string, ready = true): Pod {
  const suffix = {'kind-control-plane': 'h2n8x', 'kind-worker': 'q7d4m', 'kind-worker2': 'v9c2k'}[node] ?? 'zz9zz'
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `kube-proxy-${suffix}`,
      namespace: 'kube-system',
      uid: `pod-kube-proxy-${suffix}-uid`,
      labels: {'k8s-app': 'kube-proxy', 'controller-revision-hash': '7b8f9d6c5d', 'pod-template-generation': '1'},
      ownerReferences: [{apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', uid: 'ds-kube-proxy-uid', controller: true, blockOwnerDeletion: true}],
    },
    spec: {nodeName: node, hostNetwork: true, containers: [{name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.2'}]},
    status: {
      phase: 'Running',
      podIP: '172.18.0.3',
      conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}],
      containerStatuses: [
        ready
          ? {name: 'kube-proxy', ready: true, started: true, restartCount: 0, image: '', imageID: '', state: {running: {startedAt: '2026-11-20T09:00:00Z'}}}
          : {name: 'kube-proxy', ready: false, started: false, restartCount: 12, image: '', imageID: '', state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s'}}, lastState: {terminated: {exitCode: 1, reason: 'Error'}}},
      ],
    },
  } as Pod
}

export function kubeProxyConfigMap(mode = 'iptables') {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'kube-proxy', namespace: 'kube-system', labels: {app: 'kube-proxy'}},
    data: {
      'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nbindAddress: 0.0.0.0\nclusterCIDR: 10.244.0.0/16\nmode: "${mode}"\n`,
      'kubeconfig.conf': 'apiVersion: v1\nkind: Config\n',
    },
  }
}

/** A List, as the API returns it. */
export function list(kind: string, items: unknown[], apiVersion = 'v1'): Json {
  return {kind, apiVersion, metadata: {resourceVersion: '48300'}, items}
}

// Dual-stack (IPv4 primary), as a 1.32 cluster with --service-cluster-ip-range=10.96.0.0/16,fd10:96::/112 and
// pod ranges 10.244.0.0/16,fd10:244::/56 writes them: podIPs in range order, one EndpointSlice per family.
export const DUAL_POD_IPS: Record<string, string> = {'10.244.1.23': 'fd10:244:0:1::17', '10.244.2.31': 'fd10:244:0:2::1f'}

/** Pods with an IPv6 address beside their IPv4 one (status.podIPs), as the kubelet reports them on a dual-stack node. */
export function withIpv6(pods: Pod[]): Pod[] {
  return pods.map((p) => {
    const v4 = p.status!.podIP!
    return {...p, status: {...p.status, podIPs: [{ip: v4}, {ip: DUAL_POD_IPS[v4] ?? `fd10:244::${v4.split('.').pop()}`}]}} as Pod
  })
}

export function dualStackService(policy: 'RequireDualStack' | 'PreferDualStack' = 'RequireDualStack', spec: Json = {}): Service {
  return service({spec: {clusterIP: '10.96.41.17', clusterIPs: ['10.96.41.17', 'fd10:96::4a1'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: policy, ...spec}})
}

/** The IPv6 EndpointSlice beside endpointSlice()'s IPv4 one: each pod's IPv6 address. */
export function endpointSliceIpv6(pods: Pod[], options: {ports?: Json[]} = {}): EndpointSlice {
  const slice = endpointSlice(pods, {name: 'backend-q9w2v', ...options})
  return {
    ...slice,
    metadata: {...slice.metadata, uid: 'f1e0d9c8-7b6a-4543-8c21-0f9e8d7c6b5a'},
    addressType: 'IPv6',
    endpoints: slice.endpoints.map((e, i) => ({...e, addresses: [pods[i]!.status!.podIPs!.find((a) => a.ip!.includes(':'))!.ip!]})),
  } as EndpointSlice
}
