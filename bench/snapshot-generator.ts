// Seeded generator of large, healthy-looking cluster snapshots for `npm run bench`: what `kubectl netdiag snapshot`
// captures from a Calico + kube-proxy (iptables) cluster. Object shapes come from the test fixtures (trimmed real API JSON);
// this file only decides how many, with which names, labels, addresses and policies.
import {readFileSync} from 'node:fs'

import {formatSnapshotList} from '../src/cluster/snapshot-layout.js'
import {kubeProxyConfigMap} from '../test/helpers/path-fixtures.js'
import {endpointSlice, kubeProxyDaemonSet, namespace, pod, service} from '../test/helpers/svc-fixtures.js'
import {agentPod, calicoDaemonSet, clusterNode, deployment} from './cluster-objects.js'
import {Ids, seededRandom} from './random.js'
import {teamPolicies} from './team-policies.js'
import {controlPlaneCount, namespaceName, nodeIp, nodeName, podCidr, serviceIp, serviceName, tierOf} from './topology.js'

type Json = Record<string, any>

export interface SnapshotScale {
  namespaces: number
  /** Replicas per Deployment cycle through 3,7,5,4,6: five pods per Service on average. */
  servicesPerNamespace: number
  policiesPerNamespace: number
  nodes: number
}

export const SIZES = {
  tiny: {namespaces: 2, servicesPerNamespace: 5, policiesPerNamespace: 10, nodes: 3},
  small: {namespaces: 10, servicesPerNamespace: 10, policiesPerNamespace: 4, nodes: 10},
  medium: {namespaces: 50, servicesPerNamespace: 20, policiesPerNamespace: 4, nodes: 50},
  large: {namespaces: 200, servicesPerNamespace: 50, policiesPerNamespace: 10, nodes: 500},
} satisfies Record<string, SnapshotScale>

export type SizeName = keyof typeof SIZES

/** Bump when the output changes, so cached files under .bench/ are regenerated. */
export const GENERATOR_VERSION = 2

const REPLICAS = [3, 7, 5, 4, 6]
const KUBE_VERSION = 'v1.32.2'
const DNS_IP = '10.96.0.10'

/** What the bench asks about: a backend Service, a namespace for dns, a frontend → backend pod pair for path. */
export interface BenchTargets {
  service: {namespace: string; name: string}
  dnsNamespace: string
  path: {from: string; to: string}
}

export function benchTargets(scale: SnapshotScale): BenchTargets {
  const ns = namespaceName(Math.floor(scale.namespaces / 2))
  const frontend = serviceName(0)
  const backend = serviceName(1)
  return {
    service: {namespace: ns, name: backend},
    dnsNamespace: ns,
    // Pod names are random; the generator records the first replica of each, see generateSnapshot.
    path: {from: `${ns}/${frontend}`, to: `${ns}/${backend}`},
  }
}

/** Allocates pod IPs from each node's podCIDR and spreads replicas over the workers. */
class Placement {
  private readonly nextHost: number[]

  constructor(
    private readonly scale: SnapshotScale,
    private readonly random: () => number,
  ) {
    this.nextHost = Array.from({length: scale.nodes}, () => 2)
  }

  /** `avoid`: nodes already holding a replica, for Deployments with pod anti-affinity (CoreDNS). */
  place(avoid?: Set<number>): {node: string; nodeIndex: number; ip: string} {
    const controlPlanes = controlPlaneCount(this.scale)
    const workers = Math.max(1, this.scale.nodes - controlPlanes)
    let nodeIndex = Math.min(this.scale.nodes - 1, controlPlanes + Math.floor(this.random() * workers))
    for (let tries = 0; avoid?.has(nodeIndex) && tries < 20; tries++) nodeIndex = Math.min(this.scale.nodes - 1, controlPlanes + Math.floor(this.random() * workers))
    avoid?.add(nodeIndex)
    const host = this.nextHost[nodeIndex]!++
    const [a, b, c] = podCidr(nodeIndex).split('.')
    return {node: nodeName(nodeIndex, this.scale), nodeIndex, ip: `${a}.${b}.${c}.${host}`}
  }
}

export interface App {
  namespace: string
  name: string
  labels: Record<string, string>
  replicas: number
  image: string
  ports: Json[]
  servicePorts: Json[]
  slicePorts: Json[]
  state?: (random: () => number) => 'ready' | 'readiness-failing' | 'crash-loop'
  spread?: boolean
  podSpec?: (pod: Json) => void
}

/** The objects in kubectl's order (by kind), and the concrete pod names the bench targets. */
export function generateSnapshot(scale: SnapshotScale, seed: number): {items: Json[]; targets: BenchTargets} {
  const random = seededRandom(seed)
  const ids = new Ids(random)
  const placement = new Placement(scale, random)
  const byKind: Record<string, Json[]> = {Namespace: [], Node: [], Pod: [], Service: [], EndpointSlice: [], NetworkPolicy: [], Deployment: [], DaemonSet: [], ConfigMap: []}
  const add = (object: Json) => {
    object.metadata.uid = ids.uid()
    object.metadata.creationTimestamp ??= ids.timestamp()
    object.metadata.resourceVersion = String(1000 + Math.floor(random() * 9_000_000))
    byKind[object.kind]!.push(object)
    return object
  }
  const targets = benchTargets(scale)
  const firstPods = new Map<string, string>()

  const addApp = (app: App) => {
    const hash = ids.suffix(10)
    const used = app.spread ? new Set<number>() : undefined
    const pods = Array.from({length: app.replicas}, () => {
      const {node: nodeName, nodeIndex, ip} = placement.place(used)
      const created = pod({
        name: `${app.name}-${hash}-${ids.suffix(5)}`,
        namespace: app.namespace,
        labels: {...app.labels, 'pod-template-hash': hash},
        deployment: app.name,
        hash,
        node: nodeName,
        ip,
        ports: app.ports,
        state: app.state?.(random) ?? 'ready',
      }) as Json
      created.status.hostIP = nodeIp(nodeIndex)
      created.status.hostIPs = [{ip: nodeIp(nodeIndex)}]
      created.spec.containers[0].image = app.image
      created.status.containerStatuses[0].image = app.image
      app.podSpec?.(created)
      return add(created)
    })
    firstPods.set(`${app.namespace}/${app.name}`, pods[0]!.metadata.name)
    const ready = pods.filter((p) => p.status.conditions.some((c: Json) => c.type === 'Ready' && c.status === 'True')).length
    add(deployment(app, hash, ready))
    const svc = service({name: app.name, namespace: app.namespace, spec: {clusterIP: undefined, selector: {app: app.labels.app}, ports: app.servicePorts}}) as Json
    svc.metadata.labels = {...app.labels}
    add(svc)
    add(endpointSlice(pods as never, {service: app.name, namespace: app.namespace, name: `${app.name}-${ids.suffix(5)}`, ports: app.slicePorts}))
    return svc
  }

  // Namespaces, then the system workloads, then the teams.
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx', 'monitoring']) add(namespace(name))
  for (let n = 0; n < scale.namespaces; n++) add(namespace(namespaceName(n), {team: `team-${n % 20}`, environment: n % 4 === 0 ? 'staging' : 'production'}))
  for (let i = 0; i < scale.nodes; i++) add(clusterNode(i, scale))

  let serviceIndex = 0
  const assignIp = (svc: Json, ip = serviceIp(serviceIndex++)) => {
    svc.spec.clusterIP = ip
    svc.spec.clusterIPs = [ip]
  }
  const http = {ports: [{name: 'http', containerPort: 8080, protocol: 'TCP'}], servicePorts: [{name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'}], slicePorts: [{name: 'http', port: 8080, protocol: 'TCP'}]}

  const dns = addApp({
    namespace: 'kube-system',
    name: 'coredns',
    labels: {'k8s-app': 'kube-dns'},
    replicas: 2,
    spread: true,
    image: 'registry.k8s.io/coredns/coredns:v1.11.3',
    ports: [
      {name: 'dns', containerPort: 53, protocol: 'UDP'},
      {name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
      {name: 'metrics', containerPort: 9153, protocol: 'TCP'},
    ],
    servicePorts: [],
    slicePorts: [
      {name: 'dns', port: 53, protocol: 'UDP'},
      {name: 'dns-tcp', port: 53, protocol: 'TCP'},
      {name: 'metrics', port: 9153, protocol: 'TCP'},
    ],
    podSpec: (p) => {
      p.spec.containers[0].name = 'coredns'
      p.spec.containers[0].args = ['-conf', '/etc/coredns/Corefile']
      p.spec.containers[0].readinessProbe = {httpGet: {path: '/ready', port: 8181, scheme: 'HTTP'}, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3}
      p.spec.priorityClassName = 'system-cluster-critical'
      p.spec.dnsPolicy = 'Default'
      p.status.containerStatuses[0].name = 'coredns'
    },
  })
  // kube-dns keeps the CoreDNS pods' label as its selector and its own name, as kubeadm installs it.
  dns.metadata.name = 'kube-dns'
  dns.metadata.labels = {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'}
  dns.spec.selector = {'k8s-app': 'kube-dns'}
  dns.spec.ports = [
    {name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
    {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
    {name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
  ]
  assignIp(dns, DNS_IP)
  const dnsSlice = byKind.EndpointSlice!.at(-1)!
  dnsSlice.metadata.name = `kube-dns-${ids.suffix(5)}`
  dnsSlice.metadata.labels['kubernetes.io/service-name'] = 'kube-dns'
  dnsSlice.metadata.ownerReferences[0].name = 'kube-dns'

  assignIp(addApp({namespace: 'ingress-nginx', name: 'ingress-nginx-controller', labels: {app: 'ingress-nginx-controller', 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller'}, replicas: 2, image: 'registry.k8s.io/ingress-nginx/controller:v1.12.0', ...http}))
  assignIp(addApp({namespace: 'monitoring', name: 'prometheus', labels: {app: 'prometheus', 'app.kubernetes.io/name': 'prometheus'}, replicas: 1, image: 'quay.io/prometheus/prometheus:v3.1.0', ...http}))

  for (let n = 0; n < scale.namespaces; n++) {
    const ns = namespaceName(n)
    for (let s = 0; s < scale.servicesPerNamespace; s++) {
      const name = serviceName(s)
      const tier = tierOf(name)
      const app: App = {
        namespace: ns,
        name,
        labels: {app: name, tier, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': ns},
        replicas: REPLICAS[s % REPLICAS.length]!,
        image: `registry.example.com/${ns}/${name.replace(/-\d+$/, '')}:1.${s % 9}.${n % 7}`,
        ...http,
        // A few unhealthy pods, as a real cluster always has; not among the bench's targets, which should pass.
        state: (r) => {
          if (ns === targets.service.namespace && s < 2) return 'ready'
          const x = r()
          return x < 0.001 ? 'crash-loop' : x < 0.005 ? 'readiness-failing' : 'ready'
        },
      }
      assignIp(addApp(app))
    }
    for (const policy of teamPolicies(ns, scale.policiesPerNamespace, serviceName)) add(policy)
  }

  const kubernetes = service({name: 'kubernetes', namespace: 'default', spec: {selector: undefined, ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 6443}]}}) as Json
  kubernetes.metadata.labels = {component: 'apiserver', provider: 'kubernetes'}
  assignIp(kubernetes, '10.96.0.1')
  add(kubernetes)

  const workers = scale.nodes
  const kubeProxy = kubeProxyDaemonSet({desired: workers, ready: workers}) as Json
  kubeProxy.status = {...kubeProxy.status, currentNumberScheduled: workers, updatedNumberScheduled: workers}
  add(kubeProxy)
  add(calicoDaemonSet(workers))
  for (let i = 0; i < scale.nodes; i++) {
    add(agentPod('kube-proxy', 'registry.k8s.io/kube-proxy:' + KUBE_VERSION, i, scale, ids))
    add(agentPod('calico-node', 'docker.io/calico/node:v3.29.1', i, scale, ids))
  }

  add(kubeProxyConfigMap('iptables', '10.244.0.0/14'))
  add({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'coredns', namespace: 'kube-system'}, data: {Corefile: readFileSync(new URL('../test/fixtures/dns/corefile/kubeadm-1.32.Corefile', import.meta.url), 'utf8')}})
  add({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'calico-config', namespace: 'kube-system'},
    data: {calico_backend: 'bird', cni_network_config: '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico","mtu":1450,"ipam":{"type":"calico-ipam"},"policy":{"type":"k8s"}},{"type":"portmap","capabilities":{"portMappings":true}}]}', typha_service_name: 'none', veth_mtu: '1450'},
  })

  const [nsFrom, appFrom] = targets.path.from.split('/') as [string, string]
  const [nsTo, appTo] = targets.path.to.split('/') as [string, string]
  targets.path = {from: `${nsFrom}/${firstPods.get(targets.path.from) ?? appFrom}`, to: `${nsTo}/${firstPods.get(targets.path.to) ?? appTo}`}
  return {items: Object.values(byKind).flat(), targets}
}

/** What `kubectl netdiag snapshot` writes: one compact List, one item per line, in the layout it marks (snapshot-layout.ts). */
export function snapshotText(items: Json[]): string {
  return formatSnapshotList({metadata: {resourceVersion: ''}, items})
}
