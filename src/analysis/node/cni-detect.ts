import {parse as parseYaml} from '../../yaml.js'

import type {ConfigMap, DaemonSet, Node} from '../../cluster/types.js'
import type {CniConfig} from './cni-conflist.js'
import {encapOverhead, type Encapsulation} from './mtu.js'

export type CniName =
  | 'calico'
  | 'canal'
  | 'cilium'
  | 'flannel'
  | 'weave'
  | 'aws-vpc-cni'
  | 'azure-cni'
  | 'kube-router'
  | 'antrea'
  | 'ovn-kubernetes'
  | 'kindnet'
  | 'bridge'
  | 'ptp'
  | 'unknown'

export interface CniDetection {
  cni: CniName
  encapsulation: Encapsulation
  /** Bytes the encapsulation adds per packet; undefined when the encapsulation is unknown. */
  overheadBytes?: number
  enforcesNetworkPolicy: boolean | 'unknown'
  /** What implements NetworkPolicy (`calico`, `cilium`, `aws-network-policy-agent`...), empty if nothing. */
  policyEngines: string[]
  /** Each fact the verdict rests on, naming the object: "DaemonSet kube-system/calico-node (image ...)". */
  evidence: string[]
}

export interface CniDetectInput {
  /** DaemonSets from every namespace (Calico's operator uses calico-system, flannel kube-flannel). */
  daemonSets?: DaemonSet[]
  nodes?: Node[]
  /** The active CNI config on a node, when a node probe read it. */
  activeConfig?: CniConfig
  /** cilium-config, calico-config, kube-flannel-cfg, antrea-config, amazon-vpc-cni, when readable. */
  configMaps?: ConfigMap[]
}

interface Signature {
  id: string
  names: RegExp
  images?: RegExp
}

/** How each agent's DaemonSet is recognised: its usual names, and its image, which survives renames. */
const SIGNATURES: Signature[] = [
  {id: 'calico', names: /^calico-node$/, images: /calico\/node[:@]|\/calico-node[:@]/},
  {id: 'canal', names: /^canal$/},
  {id: 'cilium', names: /^cilium$/, images: /cilium\/cilium[:@]|\/cilium:/},
  {id: 'flannel', names: /^(kube-flannel-ds|kube-flannel-ds-[a-z0-9]+|kube-flannel|flannel)$/, images: /flannel(cni)?[-/]flannel[:@]|\/flannel:/},
  {id: 'weave', names: /^weave-net$/, images: /weave-kube[:@]/},
  {id: 'aws-vpc-cni', names: /^aws-node$/, images: /amazon-k8s-cni[:@]/},
  {id: 'azure-cni', names: /^(azure-cns|azure-ip-masq-agent|azure-ip-masq|azure-cni)$/, images: /azure-cns[:@]|azure-cni[:@]/},
  {id: 'azure-npm', names: /^azure-npm$/, images: /azure-npm[:@]/},
  {id: 'kube-router', names: /^kube-router$/, images: /kube-router[:@]/},
  {id: 'antrea', names: /^antrea-agent$/, images: /antrea-(agent|ubuntu)[^/]*[:@]/},
  {id: 'ovn-kubernetes', names: /^ovnkube-node$/, images: /ovn-kubernetes|ovn-daemonset/},
  {id: 'kindnet', names: /^kindnet$/, images: /kindnetd[:@]/},
  {id: 'kube-network-policies', names: /^kube-network-policies$/, images: /kube-network-policies[:@]/},
]

interface Seen {
  ds: DaemonSet
  ref: string
}

function images(ds: DaemonSet): string[] {
  const spec = ds.spec?.template?.spec
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.image ?? '')
}

function envOf(ds: DaemonSet, name: string): string | undefined {
  for (const c of ds.spec?.template?.spec?.containers ?? []) {
    const e = c.env?.find((v) => v.name === name)
    if (e?.value !== undefined) return e.value
  }
  return undefined
}

function argsOf(ds: DaemonSet): string[] {
  return (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
}

function argValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === `--${flag}`) return args[i + 1] !== undefined && !args[i + 1].startsWith('-') ? args[i + 1] : 'true'
    if (a.startsWith(`--${flag}=`)) return a.slice(flag.length + 3)
  }
  return undefined
}

function findAgents(daemonSets: DaemonSet[]): Map<string, Seen> {
  const found = new Map<string, Seen>()
  for (const ds of daemonSets) {
    const name = ds.metadata?.name ?? ''
    const app = ds.metadata?.labels?.['k8s-app'] ?? ds.metadata?.labels?.['app'] ?? ''
    const imgs = images(ds)
    for (const sig of SIGNATURES) {
      if (found.has(sig.id)) continue
      const byName = sig.names.test(name) || (app !== '' && sig.names.test(app))
      const image = sig.images ? imgs.find((i) => sig.images!.test(i)) : undefined
      if (byName || image) {
        const ref = `DaemonSet ${ds.metadata?.namespace ?? '?'}/${name}${image ? ` (image ${image})` : ''}`
        found.set(sig.id, {ds, ref})
      }
    }
  }
  return found
}

function configMap(maps: ConfigMap[], name: string): ConfigMap | undefined {
  return maps.find((m) => m.metadata?.name === name)
}

const CONFIG_TYPE_TO_CNI: Record<string, CniName> = {
  calico: 'calico',
  'cilium-cni': 'cilium',
  flannel: 'flannel',
  'weave-net': 'weave',
  'aws-cni': 'aws-vpc-cni',
  'azure-vnet': 'azure-cni',
  antrea: 'antrea',
  'ovn-k8s-cni-overlay': 'ovn-kubernetes',
  bridge: 'bridge',
  ptp: 'ptp',
}

const INHERENT_POLICY: Partial<Record<CniName, string>> = {
  calico: 'calico',
  canal: 'calico',
  cilium: 'cilium',
  weave: 'weave',
  antrea: 'antrea',
  'ovn-kubernetes': 'ovn-kubernetes',
}

const ANNOTATION = {
  flannelBackend: 'flannel.alpha.coreos.com/backend-type',
  calicoIpip: 'projectcalico.org/IPv4IPIPTunnelAddr',
  calicoVxlan: 'projectcalico.org/IPv4VXLANTunnelAddr',
  calicoVxlanV6: 'projectcalico.org/IPv6VXLANTunnelAddr',
  calicoWireguard: 'projectcalico.org/IPv4WireguardInterfaceAddr',
  ciliumWireguard: 'network.cilium.io/wg-pub-key',
}

function nodesWith(nodes: Node[], key: string): Node[] {
  return nodes.filter((n) => n.metadata?.annotations?.[key] !== undefined)
}

function nodeList(nodes: Node[]): string {
  const names = nodes.map((n) => n.metadata?.name ?? '?')
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')
}

/** True when every node's InternalIP is IPv6: the tunnel's outer header is then 40 bytes, not 20. */
function ipv6Underlay(nodes: Node[]): boolean {
  const ips = nodes.flatMap((n) => (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address))
  return ips.length > 0 && ips.every((ip) => ip.includes(':'))
}

interface EncapVerdict {
  encap: Encapsulation
  evidence: string[]
}

function calicoEncap(nodes: Node[], agent: Seen | undefined, maps: ConfigMap[]): EncapVerdict {
  const evidence: string[] = []
  const wg = nodesWith(nodes, ANNOTATION.calicoWireguard)
  const vxlan = [...nodesWith(nodes, ANNOTATION.calicoVxlan), ...nodesWith(nodes, ANNOTATION.calicoVxlanV6)]
  const ipip = nodesWith(nodes, ANNOTATION.calicoIpip)
  if (wg.length > 0) return {encap: 'wireguard', evidence: [`node annotation ${ANNOTATION.calicoWireguard} on ${nodeList(wg)}`]}
  if (vxlan.length > 0) return {encap: 'vxlan', evidence: [`node annotation ${ANNOTATION.calicoVxlan} on ${nodeList(vxlan)}`]}
  if (ipip.length > 0) return {encap: 'ipip', evidence: [`node annotation ${ANNOTATION.calicoIpip} on ${nodeList(ipip)}`]}
  if (agent) {
    const ds = agent.ds
    if (envOf(ds, 'FELIX_WIREGUARDENABLED')?.toLowerCase() === 'true') return {encap: 'wireguard', evidence: [`FELIX_WIREGUARDENABLED=true in ${agent.ref}`]}
    // These env vars only shape the default pool created at install time, hence weaker than node annotations.
    const vx = envOf(ds, 'CALICO_IPV4POOL_VXLAN')
    if (vx && vx !== 'Never') return {encap: 'vxlan', evidence: [`CALICO_IPV4POOL_VXLAN=${vx} in ${agent.ref}${vx === 'CrossSubnet' ? ' (only between subnets)' : ''}`]}
    const ip = envOf(ds, 'CALICO_IPV4POOL_IPIP')
    if (ip && ip !== 'Never') return {encap: 'ipip', evidence: [`CALICO_IPV4POOL_IPIP=${ip} in ${agent.ref}${ip === 'CrossSubnet' ? ' (only between subnets)' : ''}`]}
    if (ip === 'Never' && (!vx || vx === 'Never')) return {encap: 'none', evidence: [`CALICO_IPV4POOL_IPIP=Never and no VXLAN in ${agent.ref}: BGP-routed, no encapsulation`]}
  }
  const backend = configMap(maps, 'calico-config')?.data?.['calico_backend']
  if (backend === 'vxlan') return {encap: 'vxlan', evidence: ['calico_backend: vxlan in ConfigMap calico-config']}
  evidence.push('no Calico tunnel address annotation on any node: encapsulation unknown (IP pools are not read)')
  return {encap: 'unknown', evidence}
}

function flannelEncap(nodes: Node[], maps: ConfigMap[]): EncapVerdict {
  const annotated = nodesWith(nodes, ANNOTATION.flannelBackend)
  let backend = annotated[0]?.metadata?.annotations?.[ANNOTATION.flannelBackend]
  let source = annotated.length > 0 ? `node annotation ${ANNOTATION.flannelBackend}=${backend} on ${nodeList(annotated)}` : ''
  if (!backend) {
    const netConf = configMap(maps, 'kube-flannel-cfg')?.data?.['net-conf.json']
    if (netConf) {
      try {
        const type = (JSON.parse(netConf) as {Backend?: {Type?: string}}).Backend?.Type
        if (type) {
          backend = type
          source = `Backend.Type ${type} in ConfigMap kube-flannel-cfg`
        }
      } catch {
        // unreadable net-conf.json: fall through to the default
      }
    }
  }
  if (!backend) return {encap: 'vxlan', evidence: ['flannel with no backend-type annotation: assuming its default backend, vxlan']}
  const map: Record<string, Encapsulation> = {vxlan: 'vxlan', 'host-gw': 'none', wireguard: 'wireguard', ipip: 'ipip'}
  return {encap: map[backend.toLowerCase()] ?? 'unknown', evidence: [source]}
}

function ciliumEncap(nodes: Node[], maps: ConfigMap[]): EncapVerdict {
  const data = configMap(maps, 'cilium-config')?.data ?? {}
  const wg = nodesWith(nodes, ANNOTATION.ciliumWireguard)
  const tunnelProtocol = data['tunnel-protocol'] ?? (data['tunnel'] && data['tunnel'] !== 'disabled' ? data['tunnel'] : undefined)
  const native = data['routing-mode'] === 'native' || data['tunnel'] === 'disabled'
  const tunnel: Encapsulation = native ? 'none' : tunnelProtocol === 'geneve' ? 'geneve' : 'vxlan'
  const evidence: string[] = []
  if (native) evidence.push(`cilium-config: ${data['routing-mode'] === 'native' ? 'routing-mode: native' : 'tunnel: disabled'}`)
  else if (tunnelProtocol) evidence.push(`cilium-config: tunnel protocol ${tunnelProtocol}`)
  else evidence.push(Object.keys(data).length > 0 ? 'cilium-config sets no routing mode: Cilium defaults to VXLAN tunnelling' : 'cilium-config not read: assuming Cilium default, VXLAN tunnelling')
  if (data['enable-wireguard'] === 'true' || wg.length > 0) {
    evidence.push(wg.length > 0 ? `node annotation ${ANNOTATION.ciliumWireguard} on ${nodeList(wg)}` : 'cilium-config: enable-wireguard: true')
    if (tunnel !== 'none') evidence.push(`WireGuard encryption on top of ${tunnel} tunnelling`)
    return {encap: 'wireguard', evidence}
  }
  return {encap: tunnel, evidence}
}

function antreaEncap(maps: ConfigMap[]): EncapVerdict {
  const cm = maps.find((m) => /^antrea-config/.test(m.metadata?.name ?? ''))
  const conf = cm?.data?.['antrea-agent.conf']
  let mode: string | undefined
  let tunnelType: string | undefined
  if (conf) {
    try {
      const doc = parseYaml(conf) as {trafficEncapMode?: string; tunnelType?: string} | null
      mode = doc?.trafficEncapMode
      tunnelType = doc?.tunnelType
    } catch {
      // unreadable agent config: use defaults
    }
  }
  if (mode === 'noEncap' || mode === 'networkPolicyOnly') return {encap: 'none', evidence: [`antrea-agent.conf trafficEncapMode: ${mode}`]}
  const type = (tunnelType ?? 'geneve').toLowerCase()
  const encap: Encapsulation = type === 'geneve' ? 'geneve' : type === 'vxlan' ? 'vxlan' : 'unknown'
  return {encap, evidence: [conf ? `antrea-agent.conf tunnelType: ${type}${mode ? `, trafficEncapMode: ${mode}` : ''}` : 'antrea-config not read: assuming Antrea default, Geneve']}
}

function kubeRouterEncap(agent: Seen): EncapVerdict {
  const args = argsOf(agent.ds)
  const overlay = argValue(args, 'enable-overlay')
  const type = argValue(args, 'overlay-type') ?? 'subnet'
  if (overlay === 'false') return {encap: 'none', evidence: [`--enable-overlay=false in ${agent.ref}: routed, no encapsulation`]}
  if (type === 'full') return {encap: 'ipip', evidence: [`--overlay-type=full in ${agent.ref}: IP-in-IP between all nodes`]}
  return {encap: 'none', evidence: [`kube-router routes natively; IP-in-IP only between nodes in different subnets (--overlay-type=${type})`]}
}

function awsPolicyAgent(agent: Seen): boolean {
  const containers = agent.ds.spec?.template?.spec?.containers ?? []
  const npa = containers.find((c) => c.name === 'aws-network-policy-agent')
  if (!npa) return false
  return argValue([...(npa.command ?? []), ...(npa.args ?? [])], 'enable-network-policy') === 'true'
}

/** Which CNI runs the pod network, how it encapsulates, and whether anything enforces NetworkPolicy. */
export function detectCni(input: CniDetectInput): CniDetection {
  const nodes = input.nodes ?? []
  const maps = input.configMaps ?? []
  const agents = findAgents(input.daemonSets ?? [])
  const evidence: string[] = []
  for (const seen of agents.values()) evidence.push(seen.ref)

  const annotatedBy = (key: string) => nodesWith(nodes, key).length > 0
  const hasCiliumAnnotation = nodes.some((n) => Object.keys(n.metadata?.annotations ?? {}).some((k) => k.startsWith('io.cilium.network.')))
  if (hasCiliumAnnotation && !agents.has('cilium')) evidence.push('node annotations io.cilium.network.* present')
  const calicoAnnotated = annotatedBy(ANNOTATION.calicoIpip) || annotatedBy(ANNOTATION.calicoVxlan) || annotatedBy(ANNOTATION.calicoWireguard)
  const flannelAnnotated = annotatedBy(ANNOTATION.flannelBackend)

  const has = (id: string) => agents.has(id)
  const calicoPresent = has('calico') || has('canal') || calicoAnnotated
  const flannelPresent = has('flannel') || has('canal') || flannelAnnotated
  const ciliumPresent = has('cilium') || hasCiliumAnnotation

  // Which agent wires pods: the active config on a node says it best; otherwise the DaemonSets, where a
  // cloud CNI outranks a policy-only Calico or chained Cilium next to it.
  let cni: CniName = 'unknown'
  const fromConfig = input.activeConfig?.mainType ? CONFIG_TYPE_TO_CNI[input.activeConfig.mainType] : undefined
  if (fromConfig) {
    cni = fromConfig
    evidence.push(`active CNI config ${input.activeConfig!.file} (plugin ${input.activeConfig!.mainType})`)
    if (cni === 'calico' && flannelPresent) cni = 'canal'
    if (cni === 'ptp' && has('kindnet')) cni = 'kindnet'
    if (cni === 'bridge' && has('kube-router')) cni = 'kube-router'
  } else if (has('aws-vpc-cni')) cni = 'aws-vpc-cni'
  else if (has('azure-cni')) cni = 'azure-cni'
  else if (has('ovn-kubernetes')) cni = 'ovn-kubernetes'
  else if (has('antrea')) cni = 'antrea'
  else if (has('kube-router')) cni = 'kube-router'
  else if (has('weave')) cni = 'weave'
  else if (ciliumPresent) cni = 'cilium'
  else if (has('canal') || (calicoPresent && flannelPresent)) cni = 'canal'
  else if (calicoPresent) cni = 'calico'
  else if (flannelPresent) cni = 'flannel'
  else if (has('kindnet')) cni = 'kindnet'

  let verdict: EncapVerdict
  switch (cni) {
    case 'calico':
      verdict = calicoEncap(nodes, agents.get('calico'), maps)
      break
    case 'canal':
    case 'flannel':
      verdict = flannelEncap(nodes, maps)
      break
    case 'cilium':
      verdict = ciliumEncap(nodes, maps)
      break
    case 'weave':
      verdict = {encap: 'vxlan', evidence: ['Weave Net fast datapath uses VXLAN (sleeve fallback has a different overhead)']}
      break
    case 'antrea':
      verdict = antreaEncap(maps)
      break
    case 'ovn-kubernetes':
      verdict = {encap: 'geneve', evidence: ['OVN-Kubernetes tunnels with Geneve']}
      break
    case 'kube-router':
      verdict = agents.get('kube-router') ? kubeRouterEncap(agents.get('kube-router')!) : {encap: 'none', evidence: []}
      break
    case 'aws-vpc-cni':
    case 'azure-cni':
    case 'kindnet':
    case 'bridge':
    case 'ptp':
      verdict = {encap: 'none', evidence: [`${cni} routes pod IPs natively, no encapsulation`]}
      break
    default:
      verdict = {encap: 'unknown', evidence: ['no known CNI agent DaemonSet, node annotation or CNI config found']}
  }
  evidence.push(...verdict.evidence)

  const policyEngines: string[] = []
  if (calicoPresent) policyEngines.push('calico')
  if (ciliumPresent) policyEngines.push('cilium')
  for (const id of ['weave', 'antrea', 'ovn-kubernetes', 'azure-npm', 'kube-network-policies']) if (has(id)) policyEngines.push(id)
  if (has('kube-router') && argValue(argsOf(agents.get('kube-router')!.ds), 'run-firewall') !== 'false') policyEngines.push('kube-router')
  if (has('aws-vpc-cni') && awsPolicyAgent(agents.get('aws-vpc-cni')!)) policyEngines.push('aws-network-policy-agent')
  // A CNI known only from the node's config still brings its own policy engine.
  const inherent = INHERENT_POLICY[cni]
  if (inherent && !policyEngines.includes(inherent)) policyEngines.push(inherent)

  let enforcesNetworkPolicy: boolean | 'unknown'
  if (policyEngines.length > 0) enforcesNetworkPolicy = true
  else if (cni === 'unknown' || cni === 'kindnet') enforcesNetworkPolicy = 'unknown'
  else enforcesNetworkPolicy = false
  if (enforcesNetworkPolicy === false) evidence.push(`${cni} does not enforce NetworkPolicy and no policy agent (Calico, Cilium, ...) runs beside it: NetworkPolicies have no effect`)
  if (cni === 'kindnet') evidence.push('kindnet enforces NetworkPolicy only in recent releases: not determined')

  const overheadBytes = encapOverhead(verdict.encap, {
    ipv6Outer: ipv6Underlay(nodes),
    geneveOptionBytes: cni === 'ovn-kubernetes' ? 8 : 0,
  })
  return {cni, encapsulation: verdict.encap, overheadBytes, enforcesNetworkPolicy, policyEngines, evidence}
}
