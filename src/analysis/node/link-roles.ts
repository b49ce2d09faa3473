import type {IpLink} from '../../probes/net.js'
import type {Encapsulation} from './mtu.js'

// Which of a node's interfaces carries what: the uplink (node-to-node traffic), the tunnel device, and the
// host side of pod veths. Only names and kinds are known from `ip -d link`, hence name conventions.

const POD_VETH = /^(cali|lxc|veth|azv|eni|gke|vxlan_sys|antrea-|cilium_health)/
const NOT_UPLINK = /^(lo|docker\d*|cni\d*|cbr\d*|kube-bridge|kube-ipvs\d*|weave|datapath|virbr\d*|nodelocaldns|cilium_|flannel|vxlan|tunl|genev|wireguard|kube-dummy|dummy|ovs-system|br-int|antrea-gw0)/
const UPLINK_NAME = /^(eth|en|eno|ens|enp|em|bond|team|br-ex|ib)/

const TUNNEL_KIND: Record<Exclude<Encapsulation, 'none' | 'unknown'>, string> = {vxlan: 'vxlan', ipip: 'ipip', geneve: 'geneve', wireguard: 'wireguard'}

export interface LinkRoles {
  uplink?: IpLink
  overlay?: IpLink
  /** Host-side pod interfaces (veths and CNI-specific names). */
  podLinks: IpLink[]
  /** The largest MTU among pod interfaces: what the biggest pod packet can be. */
  podMtu?: number
}

/**
 * The uplink is the VXLAN device's `dev` when the overlay names one; else the first up interface named like a NIC
 * (eth0, ens5, bond0); else the first up interface that is no bridge, tunnel or pod veth. In kind the node's
 * eth0 is itself a veth, hence the name taking precedence over the kind.
 */
export function linkRoles(links: readonly IpLink[], encap: Encapsulation): LinkRoles {
  const want = encap === 'none' || encap === 'unknown' ? undefined : TUNNEL_KIND[encap]
  const tunnels = links.filter((l) => l.kind !== undefined && ['vxlan', 'ipip', 'geneve', 'wireguard'].includes(l.kind))
  const overlay = want ? (tunnels.find((l) => l.kind === want && l.name !== 'tunl0') ?? tunnels.find((l) => l.kind === want)) : undefined
  const byName = (name: string | undefined) => (name ? links.find((l) => l.name === name) : undefined)
  const candidates = links.filter((l) => l.up && !NOT_UPLINK.test(l.name) && !POD_VETH.test(l.name) && !(l.kind && ['vxlan', 'ipip', 'geneve', 'wireguard', 'bridge'].includes(l.kind)))
  const uplink = byName(overlay?.vxlan?.dev) ?? candidates.find((l) => UPLINK_NAME.test(l.name)) ?? candidates.find((l) => l.kind === undefined) ?? candidates[0]
  const podLinks = links.filter((l) => l !== uplink && l.name !== 'lo' && (POD_VETH.test(l.name) || (l.kind === 'veth' && !UPLINK_NAME.test(l.name))))
  const podMtu = podLinks.length > 0 ? Math.max(...podLinks.map((l) => l.mtu)) : undefined
  return {...(uplink ? {uplink} : {}), ...(overlay ? {overlay} : {}), podLinks, ...(podMtu !== undefined ? {podMtu} : {})}
}
