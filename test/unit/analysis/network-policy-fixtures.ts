// Real API JSON shapes (trimmed from `kubectl get -o json`) for the NetworkPolicy tests.
import type {Namespace, NetworkPolicy, Pod} from '../../../src/cluster/types.js'
import type {Endpoint} from '../../../src/analysis/network-policy.js'
import {podEndpoint} from '../../../src/analysis/network-policy.js'

export function namespace(name: string, labels: Record<string, string> = {}, withNameLabel = true): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: `ns-${name}`,
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z' as unknown as Date,
      labels: withNameLabel ? {'kubernetes.io/metadata.name': name, ...labels} : labels,
    },
    spec: {finalizers: ['kubernetes']},
    status: {phase: 'Active'},
  }
}

interface PodOptions {
  ip?: string
  ips?: string[]
  hostNetwork?: boolean
  ports?: {containerPort: number; name?: string; protocol?: string}[]
}

export function pod(name: string, ns: string, labels: Record<string, string>, options: PodOptions = {}): Pod {
  const ips = options.ips ?? (options.ip ? [options.ip] : [])
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, namespace: ns, uid: `pod-${name}`, labels},
    spec: {
      ...(options.hostNetwork ? {hostNetwork: true} : {}),
      containers: [{name: 'main', image: 'nginx:1.27', ...(options.ports ? {ports: options.ports} : {})}],
      nodeName: 'kind-worker',
    },
    status: {phase: 'Running', ...(ips[0] ? {podIP: ips[0], podIPs: ips.map((ip) => ({ip}))} : {}), hostIP: '172.18.0.2'},
  } as Pod
}

export function policy(name: string, ns: string, spec: Record<string, unknown>): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {name, namespace: ns, uid: `np-${name}`, generation: 1},
    spec: spec as NetworkPolicy['spec'],
  }
}

export const namespaces = {
  shop: namespace('shop', {team: 'shop'}),
  kubeSystem: namespace('kube-system'),
  monitoring: namespace('monitoring', {purpose: 'monitoring'}),
  /** From a pre-1.21 snapshot: no kubernetes.io/metadata.name label. */
  legacy: namespace('legacy', {team: 'legacy'}, false),
  /** A namespace someone labelled name=kube-system by hand, as old guides say. */
  kubeSystemNamed: namespace('kube-system', {name: 'kube-system'}),
}

export const pods = {
  web: pod('web-5d8f7c6b9-x2x4z', 'shop', {app: 'web', 'pod-template-hash': '5d8f7c6b9'}, {ip: '10.244.1.10', ports: [{containerPort: 8080, name: 'http'}]}),
  api: pod('api-6c7d8e9f0-abcde', 'shop', {app: 'api', tier: 'backend'}, {
    ip: '10.244.1.11',
    ports: [
      {containerPort: 8443, name: 'https', protocol: 'TCP'},
      {containerPort: 9090, name: 'metrics', protocol: 'TCP'},
    ],
  }),
  coredns: pod('coredns-5d78c9869d-8x2lq', 'kube-system', {'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d'}, {
    ip: '10.244.0.5',
    ports: [
      {containerPort: 53, name: 'dns', protocol: 'UDP'},
      {containerPort: 53, name: 'dns-tcp', protocol: 'TCP'},
      {containerPort: 9153, name: 'metrics', protocol: 'TCP'},
    ],
  }),
  prometheus: pod('prometheus-0', 'monitoring', {app: 'prometheus'}, {ip: '10.244.2.3'}),
  nodeExporter: pod('node-exporter-abcde', 'monitoring', {app: 'node-exporter'}, {ip: '172.18.0.2', hostNetwork: true, ports: [{containerPort: 9100, name: 'metrics'}]}),
  legacyApp: pod('legacy-app', 'legacy', {app: 'legacy'}, {ip: '10.244.3.3'}),
  dualStack: pod('v6-app', 'shop', {app: 'v6'}, {ips: ['10.244.1.20', 'fd00:10:244:1::20']}),
  pending: pod('pending', 'shop', {app: 'web'}),
}

export const ep = {
  web: podEndpoint(pods.web, namespaces.shop),
  api: podEndpoint(pods.api, namespaces.shop),
  coredns: podEndpoint(pods.coredns, namespaces.kubeSystem),
  prometheus: podEndpoint(pods.prometheus, namespaces.monitoring),
  nodeExporter: podEndpoint(pods.nodeExporter, namespaces.monitoring),
  legacyApp: podEndpoint(pods.legacyApp, namespaces.legacy),
  dualStackV6: podEndpoint(pods.dualStack, namespaces.shop, 'fd00:10:244:1::20'),
  dualStackV4: podEndpoint(pods.dualStack, namespaces.shop),
  pending: podEndpoint(pods.pending, namespaces.shop),
  internet: {ip: '93.184.215.14'} as Endpoint,
  internetV6: {ip: '2606:2800:21f:cb07:6820:80da:af6b:8b2c'} as Endpoint,
}

export const UDP53 = {protocol: 'UDP', port: 53}
export const TCP53 = {protocol: 'TCP', port: 53}
