// Cluster-DNS fixtures: shapes trimmed from `kubectl get -o json` on a kubeadm v1.32 cluster (CoreDNS v1.11.3,
// Deployment kube-system/coredns behind Service kube-system/kube-dns at 10.96.0.10), nodes from path-fixtures.
import {readFileSync} from 'node:fs'

import type {ConfigMap, DaemonSet, Deployment, EndpointSlice, Pod, Service} from '../../src/cluster/types.js'

type Json = Record<string, any>

export const KUBE_DNS_IP = '10.96.0.10'
export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3'
export const KUBEADM_COREFILE = readFileSync(new URL('../fixtures/dns/corefile/kubeadm-1.32.Corefile', import.meta.url), 'utf8')

/** The two CoreDNS replicas kubeadm creates, spread by its preferred anti-affinity. */
export const COREDNS_PODS = [
  {name: 'coredns-668d6bf9bc-4xkqp', node: 'kind-worker', ip: '10.244.1.2'},
  {name: 'coredns-668d6bf9bc-t8m2z', node: 'kind-worker2', ip: '10.244.2.2'},
] as const

/** Last lines CoreDNS 1.11 prints before the loop plugin kills it (coredns/coredns#2087, kubernetes/kubeadm#1162). */
export const LOOP_LOG = `[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908
CoreDNS-1.11.3
linux/amd64, go1.21.11, a6338e9
[FATAL] plugin/loop: Loop (127.0.0.1:44358 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshoot. Query: "HINFO 4547991504243258144.3688648895315093531."
`
export const HEALTHY_LOG = `.:53
[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908
CoreDNS-1.11.3
linux/amd64, go1.21.11, a6338e9
`

export function corednsDeployment(options: {replicas?: number; ready?: number} = {}): Deployment {
  const replicas = options.replicas ?? 2
  const ready = options.ready ?? replicas
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'coredns', namespace: 'kube-system', uid: 'd8a4c2f1-6b3e-4f7a-9c5d-1e2f3a4b5c6d', generation: 1, labels: {'k8s-app': 'kube-dns'}},
    spec: {
      replicas,
      selector: {matchLabels: {'k8s-app': 'kube-dns'}},
      strategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: '25%'}},
      template: {
        metadata: {labels: {'k8s-app': 'kube-dns'}},
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          dnsPolicy: 'Default',
          affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchExpressions: [{key: 'k8s-app', operator: 'In', values: ['kube-dns']}]}, topologyKey: 'kubernetes.io/hostname'}}]}},
          containers: [corednsContainer()],
          volumes: [{name: 'config-volume', configMap: {name: 'coredns', items: [{key: 'Corefile', path: 'Corefile'}], defaultMode: 420}}],
        },
      },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      ...(ready > 0 ? {readyReplicas: ready, availableReplicas: ready} : {unavailableReplicas: replicas}),
      conditions: [
        {type: 'Available', status: ready > 0 ? 'True' : 'False', reason: ready > 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready > 0 ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'},
        {type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "coredns-668d6bf9bc" has successfully progressed.'},
      ],
    },
  } as Deployment
}

function corednsContainer(): Json {
  return {
    name: 'coredns',
    image: COREDNS_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: ['-conf', '/etc/coredns/Corefile'],
    ports: [
      {name: 'dns', containerPort: 53, protocol: 'UDP'},
      {name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
      {name: 'metrics', containerPort: 9153, protocol: 'TCP'},
    ],
    resources: {limits: {memory: '170Mi'}, requests: {cpu: '100m', memory: '70Mi'}},
    livenessProbe: {httpGet: {path: '/health', port: 8080, scheme: 'HTTP'}, initialDelaySeconds: 60, timeoutSeconds: 5, periodSeconds: 10, successThreshold: 1, failureThreshold: 5},
    readinessProbe: {httpGet: {path: '/ready', port: 8181, scheme: 'HTTP'}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3},
    volumeMounts: [{name: 'config-volume', readOnly: true, mountPath: '/etc/coredns'}],
  }
}

/** A CoreDNS pod: ready, or crash-looping (the loop plugin exits 1, so the last termination is Error). */
export function corednsPod(index: 0 | 1, state: 'ready' | 'crash-loop' = 'ready'): Pod {
  const {name, node, ip} = COREDNS_PODS[index]
  const ready = state === 'ready'
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: 'coredns-668d6bf9bc-',
      namespace: 'kube-system',
      uid: `pod-${name}-uid`,
      labels: {'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc'},
      ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-668d6bf9bc', uid: 'rs-coredns-uid', controller: true, blockOwnerDeletion: true}],
    },
    spec: {nodeName: node, dnsPolicy: 'Default', serviceAccountName: 'coredns', priorityClassName: 'system-cluster-critical', containers: [corednsContainer()]},
    status: {
      phase: 'Running',
      hostIP: '172.18.0.3',
      podIP: ip,
      podIPs: [{ip}],
      qosClass: 'Burstable',
      conditions: [
        {type: 'PodReadyToStartContainers', status: 'True'},
        {type: 'Initialized', status: 'True'},
        {type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : {reason: 'ContainersNotReady', message: 'containers with unready status: [coredns]'})},
        {type: 'ContainersReady', status: ready ? 'True' : 'False', ...(ready ? {} : {reason: 'ContainersNotReady', message: 'containers with unready status: [coredns]'})},
        {type: 'PodScheduled', status: 'True'},
      ],
      containerStatuses: [
        ready
          ? {name: 'coredns', image: COREDNS_IMAGE, imageID: 'registry.k8s.io/coredns/coredns@sha256:9caabbf6238b189a65d0d6e6ac138de60d6a1c419e5a341fbbb7c78382559c6e', ready: true, started: true, restartCount: 0, state: {running: {startedAt: '2026-11-20T09:01:12Z'}}}
          : {
              name: 'coredns',
              image: COREDNS_IMAGE,
              imageID: 'registry.k8s.io/coredns/coredns@sha256:9caabbf6238b189a65d0d6e6ac138de60d6a1c419e5a341fbbb7c78382559c6e',
              ready: false,
              started: false,
              restartCount: 9,
              state: {waiting: {reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=coredns pod=${name}_kube-system(pod-${name}-uid)`}},
              lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: '2026-11-22T10:14:02Z', finishedAt: '2026-11-22T10:14:03Z', containerID: 'containerd://5e1f0c2d7a'}},
            },
      ],
    },
  } as Pod
}

export function kubeDnsService(ports?: Json[]): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      uid: 'svc-kube-dns-uid',
      labels: {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'},
      annotations: {'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true'},
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: KUBE_DNS_IP,
      clusterIPs: [KUBE_DNS_IP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      selector: {'k8s-app': 'kube-dns'},
      ports: ports ?? [
        {name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
        {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
        {name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
      ],
    },
    status: {loadBalancer: {}},
  } as Service
}

/** The kube-dns EndpointSlice; with no pods it is the empty placeholder the controller keeps (`endpoints: null`). */
export function kubeDnsSlice(pods: Pod[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kube-dns-8wq4n',
      generateName: 'kube-dns-',
      namespace: 'kube-system',
      uid: 'eps-kube-dns-uid',
      labels: {'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS', 'kubernetes.io/service-name': 'kube-dns'},
      ownerReferences: [{apiVersion: 'v1', kind: 'Service', name: 'kube-dns', uid: 'svc-kube-dns-uid', controller: true, blockOwnerDeletion: true}],
    },
    addressType: 'IPv4',
    ports: [
      {name: 'dns-tcp', port: 53, protocol: 'TCP'},
      {name: 'dns', port: 53, protocol: 'UDP'},
      {name: 'metrics', port: 9153, protocol: 'TCP'},
    ],
    endpoints:
      pods.length === 0
        ? null
        : pods.map((p) => {
            const ready = (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
            return {
              addresses: [p.status!.podIP!],
              conditions: {ready, serving: ready, terminating: false},
              nodeName: p.spec!.nodeName!,
              targetRef: {kind: 'Pod', namespace: 'kube-system', name: p.metadata!.name!, uid: p.metadata!.uid!},
            }
          }),
  } as unknown as EndpointSlice
}

export function corednsConfigMap(corefile = KUBEADM_COREFILE): ConfigMap {
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns', namespace: 'kube-system', uid: 'cm-coredns-uid', resourceVersion: '231'}, data: {Corefile: corefile}} as ConfigMap
}

/** NodeLocal DNSCache as the upstream nodelocaldns.yaml installs it (-localip link-local,kube-dns ClusterIP). */
export function nodeLocalDnsDaemonSet(options: {ready?: number; desired?: number} = {}): DaemonSet {
  const desired = options.desired ?? 3
  const ready = options.ready ?? desired
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'node-local-dns', namespace: 'kube-system', uid: 'ds-node-local-dns-uid', labels: {'k8s-app': 'node-local-dns', 'kubernetes.io/cluster-service': 'true', 'addonmanager.kubernetes.io/mode': 'Reconcile'}},
    spec: {
      selector: {matchLabels: {'k8s-app': 'node-local-dns'}},
      template: {
        metadata: {labels: {'k8s-app': 'node-local-dns'}},
        spec: {
          hostNetwork: true,
          dnsPolicy: 'Default',
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: 'node-cache',
              image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
              args: ['-localip', `169.254.20.10,${KUBE_DNS_IP}`, '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream'],
              ports: [{containerPort: 53, name: 'dns', protocol: 'UDP'}, {containerPort: 53, name: 'dns-tcp', protocol: 'TCP'}, {containerPort: 9253, name: 'metrics', protocol: 'TCP'}],
            },
          ],
        },
      },
    },
    status: {currentNumberScheduled: desired, desiredNumberScheduled: desired, numberAvailable: ready, numberMisscheduled: 0, numberReady: ready, ...(ready < desired ? {numberUnavailable: desired - ready} : {}), observedGeneration: 1, updatedNumberScheduled: desired},
  } as DaemonSet
}

/** A node-local-dns pod of nodeLocalDnsDaemonSet on one node (hostNetwork: its IP is the node's). */
export function nodeLocalDnsPod(node: string, ready = true): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `node-local-dns-${node.replace(/[^a-z0-9]/g, '').slice(-5)}`,
      generateName: 'node-local-dns-',
      namespace: 'kube-system',
      uid: `pod-node-local-dns-${node}-uid`,
      labels: {'k8s-app': 'node-local-dns', 'controller-revision-hash': '6f8b7b9d7c', 'pod-template-generation': '1'},
      ownerReferences: [{apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-local-dns', uid: 'ds-node-local-dns-uid', controller: true, blockOwnerDeletion: true}],
    },
    spec: {nodeName: node, hostNetwork: true, dnsPolicy: 'Default', containers: [{name: 'node-cache', image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1'}]},
    status: {
      phase: 'Running',
      conditions: [
        {type: 'Initialized', status: 'True'},
        {type: 'Ready', status: ready ? 'True' : 'False'},
        {type: 'ContainersReady', status: ready ? 'True' : 'False'},
        {type: 'PodScheduled', status: 'True'},
      ],
    },
  } as Pod
}
