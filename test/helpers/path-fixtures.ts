// Pod-to-pod and node fixtures: shapes trimmed from `kubectl get -o json` on a kind cluster (v1.32, flannel
// VXLAN): shop/web (Deployment) on kind-worker talks to shop/db-0 (StatefulSet) on kind-worker2.
import type {ConfigMap, DaemonSet, Event, Namespace, NetworkPolicy, Node, Pod} from '../../src/cluster/types.js'

type Json = Record<string, any>

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return {apiVersion: 'v1', kind: 'Namespace', metadata: {name, uid: `ns-${name}-uid`, labels: {'kubernetes.io/metadata.name': name, ...labels}}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}} as Namespace
}

export function list(kind: string, items: unknown[], apiVersion = 'v1') {
  return {kind, apiVersion, metadata: {resourceVersion: '51234'}, items}
}

export interface PathPodOptions {
  name: string
  namespace?: string
  labels?: Record<string, string>
  node?: string
  ip?: string | null
  ips?: string[]
  ports?: Json[]
  phase?: 'Running' | 'Pending'
  waiting?: string
  ready?: boolean
  hostNetwork?: boolean
}

export function pathPod(o: PathPodOptions): Pod {
  const ns = o.namespace ?? 'shop'
  const ready = o.ready ?? true
  const phase = o.phase ?? 'Running'
  const ip = o.ip === null ? undefined : (o.ip ?? '10.244.1.7')
  const ips = o.ips ?? (ip ? [ip] : [])
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: o.name, namespace: ns, uid: `pod-${o.name}-uid`, resourceVersion: '40112', creationTimestamp: '2026-11-20T09:13:00Z', labels: o.labels ?? {app: o.name.replace(/-[a-z0-9]+-[a-z0-9]+$|-\d+$/, '')}},
    spec: {
      nodeName: o.node ?? 'kind-worker',
      ...(o.hostNetwork ? {hostNetwork: true} : {}),
      containers: [{name: 'app', image: 'ghcr.io/example/app:1.4.2', ports: o.ports ?? [], resources: {}, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent'}],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
      tolerations: [{key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}],
    },
    status: {
      phase,
      conditions: [
        {type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-20T09:13:00Z'},
        {type: 'Ready', status: ready && phase === 'Running' ? 'True' : 'False', lastTransitionTime: '2026-11-20T09:13:05Z'},
      ],
      hostIP: '172.18.0.3',
      ...(ip ? {podIP: ip, podIPs: ips.map((i) => ({ip: i}))} : {}),
      startTime: '2026-11-20T09:13:00Z',
      containerStatuses: [
        {
          name: 'app',
          ready: ready && phase === 'Running',
          restartCount: 0,
          image: 'ghcr.io/example/app:1.4.2',
          imageID: '',
          started: phase === 'Running',
          state: o.waiting ? {waiting: {reason: o.waiting}} : phase === 'Running' ? {running: {startedAt: '2026-11-20T09:13:02Z'}} : {waiting: {reason: 'ContainerCreating'}},
        },
      ],
    },
  } as Pod
}

export const web = () => pathPod({name: 'web-7d9c6b7f5-x2x8q', labels: {app: 'web', 'pod-template-hash': '7d9c6b7f5'}, node: 'kind-worker', ip: '10.244.1.7'})
export const db = (o: Partial<PathPodOptions> = {}) =>
  pathPod({name: 'db-0', labels: {app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0'}, node: 'kind-worker2', ip: '10.244.2.9', ports: [{name: 'postgres', containerPort: 5432, protocol: 'TCP'}], ...o})

export function networkPolicy(name: string, spec: Json, ns = 'shop'): NetworkPolicy {
  return {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name, namespace: ns, uid: `np-${name}-uid`, generation: 1, creationTimestamp: '2026-11-21T08:00:00Z'}, spec} as NetworkPolicy
}

export interface NodeOptions {
  name: string
  ip?: string
  podCIDR?: string
  ready?: 'True' | 'False' | 'Unknown'
  networkUnavailable?: boolean
  pressure?: string
  allocatablePods?: string
  annotations?: Record<string, string>
  unschedulable?: boolean
}

export function node(o: NodeOptions): Node {
  const ready = o.ready ?? 'True'
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.name,
      uid: `node-${o.name}-uid`,
      labels: {'kubernetes.io/hostname': o.name, 'kubernetes.io/os': 'linux'},
      annotations: o.annotations ?? {'flannel.alpha.coreos.com/backend-type': 'vxlan', 'flannel.alpha.coreos.com/public-ip': o.ip ?? '172.18.0.3', 'node.alpha.kubernetes.io/ttl': '0'},
    },
    spec: {podCIDR: o.podCIDR ?? '10.244.1.0/24', podCIDRs: [o.podCIDR ?? '10.244.1.0/24'], providerID: `kind://docker/kind/${o.name}`, ...(o.unschedulable ? {unschedulable: true} : {})},
    status: {
      capacity: {cpu: '8', memory: '16283364Ki', pods: '110'},
      allocatable: {cpu: '8', memory: '16283364Ki', pods: o.allocatablePods ?? '110'},
      conditions: [
        ...(o.networkUnavailable !== undefined ? [{type: 'NetworkUnavailable', status: o.networkUnavailable ? 'True' : 'False', reason: o.networkUnavailable ? 'NoRouteCreated' : 'FlannelIsUp', message: o.networkUnavailable ? 'Node created without a route' : 'Flannel is running on this node'}] : []),
        {type: 'MemoryPressure', status: o.pressure === 'MemoryPressure' ? 'True' : 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available'},
        {type: 'DiskPressure', status: o.pressure === 'DiskPressure' ? 'True' : 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure'},
        {type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available'},
        ready === 'True'
          ? {type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status'}
          : ready === 'Unknown'
            ? {type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.'}
            : {type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'},
      ],
      addresses: [
        {type: 'InternalIP', address: o.ip ?? '172.18.0.3'},
        {type: 'Hostname', address: o.name},
      ],
      nodeInfo: {kubeletVersion: 'v1.32.2', containerRuntimeVersion: 'containerd://2.0.2', kernelVersion: '6.8.0-49-generic', osImage: 'Debian GNU/Linux 12 (bookworm)', architecture: 'amd64', operatingSystem: 'linux', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: 'v1.32.2'},
    },
  } as Node
}

export const kindNodes = () => [
  node({name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24'}),
  node({name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24'}),
  node({name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24'}),
]

export function flannelDaemonSet(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'kube-flannel-ds', namespace: 'kube-flannel', uid: 'ds-flannel-uid', labels: {app: 'flannel', 'k8s-app': 'flannel'}},
    spec: {
      selector: {matchLabels: {app: 'flannel'}},
      template: {
        metadata: {labels: {app: 'flannel', tier: 'node'}},
        spec: {
          hostNetwork: true,
          containers: [{name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.26.1', command: ['/opt/bin/flanneld'], args: ['--ip-masq', '--kube-subnet-mgr']}],
          initContainers: [{name: 'install-cni-plugin', image: 'ghcr.io/flannel-io/flannel-cni-plugin:v1.5.1-flannel2'}],
        },
      },
    },
    status: {currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 1},
  } as DaemonSet
}

export function kubeProxyDaemonSet(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'kube-proxy', namespace: 'kube-system', uid: 'ds-kp-uid', labels: {'k8s-app': 'kube-proxy'}},
    spec: {selector: {matchLabels: {'k8s-app': 'kube-proxy'}}, template: {metadata: {labels: {'k8s-app': 'kube-proxy'}}, spec: {hostNetwork: true, containers: [{name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.2', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)']}]}}},
    status: {currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3},
  } as DaemonSet
}

/** A DaemonSet pod (flannel or kube-proxy) on a node. */
export function agentPod(kind: 'flannel' | 'kube-proxy', nodeName: string, state: 'ready' | 'crash-loop' = 'ready'): Pod {
  const flannel = kind === 'flannel'
  const suffix = nodeName.replace(/[^a-z0-9]/g, '').slice(-5)
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: `${flannel ? 'kube-flannel-ds' : 'kube-proxy'}-${suffix}`, namespace: flannel ? 'kube-flannel' : 'kube-system', labels: flannel ? {app: 'flannel', tier: 'node', 'controller-revision-hash': '6d8f7b'} : {'k8s-app': 'kube-proxy', 'controller-revision-hash': '7c9d8f'}},
    spec: {nodeName, hostNetwork: true, containers: [{name: flannel ? 'kube-flannel' : 'kube-proxy', image: flannel ? 'ghcr.io/flannel-io/flannel:v0.26.1' : 'registry.k8s.io/kube-proxy:v1.32.2'}]},
    status: {
      phase: 'Running',
      podIP: '172.18.0.3',
      containerStatuses: [
        state === 'ready'
          ? {name: flannel ? 'kube-flannel' : 'kube-proxy', ready: true, restartCount: 0, image: '', imageID: '', started: true, state: {running: {startedAt: '2026-11-20T09:00:00Z'}}}
          : {name: flannel ? 'kube-flannel' : 'kube-proxy', ready: false, restartCount: 14, image: '', imageID: '', started: false, state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container'}}},
      ],
    },
  } as Pod
}

export function kubeProxyConfigMap(mode: string, clusterCIDR = '10.244.0.0/16'): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'kube-proxy', namespace: 'kube-system', labels: {app: 'kube-proxy'}},
    data: {'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: ${clusterCIDR}\nmode: ${mode}\nmetricsBindAddress: 0.0.0.0:10249\n`, kubeconfig: 'apiVersion: v1\nkind: Config\n'},
  } as ConfigMap
}

export function flannelConfigMap(backend = 'vxlan'): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'kube-flannel-cfg', namespace: 'kube-flannel', labels: {app: 'flannel', tier: 'node'}},
    data: {'net-conf.json': JSON.stringify({Network: '10.244.0.0/16', EnableNFTables: false, Backend: {Type: backend}}, null, 2), 'cni-conf.json': '{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}'},
  } as ConfigMap
}

export function apiServerPod(serviceRange = '10.96.0.0/16'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: 'kube-apiserver-kind-control-plane', namespace: 'kube-system', labels: {component: 'kube-apiserver', tier: 'control-plane'}},
    spec: {nodeName: 'kind-control-plane', hostNetwork: true, containers: [{name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.32.2', command: ['kube-apiserver', '--advertise-address=172.18.0.2', '--allow-privileged=true', '--authorization-mode=Node,RBAC', `--service-cluster-ip-range=${serviceRange}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local']}]},
    status: {phase: 'Running'},
  } as Pod
}

export function kubernetesService(ip = '10.96.0.1') {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name: 'kubernetes', namespace: 'default', labels: {component: 'apiserver', provider: 'kubernetes'}}, spec: {clusterIP: ip, clusterIPs: [ip], ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 6443}], type: 'ClusterIP'}}
}

/** A FailedCreatePodSandBox event as the kubelet writes it (core/v1 Event). */
export function sandboxEvent(podName: string, nodeName: string, message: string, ns = 'shop'): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {name: `${podName}.1818f3a2b4c5d6e7`, namespace: ns, creationTimestamp: '2026-11-22T10:00:00Z'},
    involvedObject: {kind: 'Pod', namespace: ns, name: podName, uid: `pod-${podName}-uid`, apiVersion: 'v1', resourceVersion: '50001'},
    reason: 'FailedCreatePodSandBox',
    message,
    source: {component: 'kubelet', host: nodeName},
    firstTimestamp: '2026-11-22T10:00:00Z',
    lastTimestamp: '2026-11-22T10:04:00Z',
    count: 12,
    type: 'Warning',
    reportingComponent: 'kubelet',
    reportingInstance: nodeName,
  } as Event
}

/** The NetworkPolicy enforcer kind and many small clusters run beside a CNI that does not enforce policies. */
export function networkPolicyAgentDaemonSet(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'kube-network-policies', namespace: 'kube-system', uid: 'ds-knp-uid', labels: {app: 'kube-network-policies', 'k8s-app': 'kube-network-policies'}},
    spec: {
      selector: {matchLabels: {app: 'kube-network-policies'}},
      template: {metadata: {labels: {app: 'kube-network-policies'}}, spec: {hostNetwork: true, containers: [{name: 'kube-network-policies', image: 'registry.k8s.io/networking/kube-network-policies:v0.6.1', args: ['/bin/netpol', '--hostname-override=$(MY_NODE_NAME)', '--v=2']}]}},
    },
    status: {currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3},
  } as DaemonSet
}
