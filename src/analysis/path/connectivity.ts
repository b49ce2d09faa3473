import type {Finding} from '../node/finding.js'
import type {Encapsulation} from '../node/mtu.js'

export type PingOutcome = 'reply' | 'too-big' | 'unreachable' | 'no-reply' | 'unknown-host' | 'error'
export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'unknown-host' | 'udp-no-rejection' | 'unsupported' | 'unknown'

export interface PathProbeResults {
  from: string
  to: string
  toIp: string
  port?: number
  protocol?: 'TCP' | 'UDP'
  sameNode: boolean
  ping?: PingOutcome
  tcp?: TcpOutcome
  /** When known: what tunnels pod traffic between nodes, to name the port a firewall must allow. */
  encapsulation?: Encapsulation
  cni?: string
  /**
   * What the NetworkPolicies say about this traffic from the probe's source (ICMP when there is no port):
   * turns a silent timeout into "that policy" or "not a policy: the pod network".
   */
  policy?: {
    allowed: boolean
    policies: string[]
    enforced?: boolean | 'unknown'
    /** The deciding objects in words when they are not all NetworkPolicies ("AdminNetworkPolicy deny-db"). */
    label?: string
    /** Static verdict allows, probe dropped: what nothing evaluated, and the nodes the drop happens on or next to. */
    suspects?: string
  }
}

/** Filters a timeout can come from that the Kubernetes API does not show. */
const HIDDEN_FILTERS = 'a host firewall, a CNI-specific policy (Calico GlobalNetworkPolicy, CiliumNetworkPolicy, AdminNetworkPolicy) or a cloud security group'

/** A port filtered while ICMP passes: "no NetworkPolicy blocks it: <hidden filters>", or the layers evaluated and the suspects. */
function allowedButDropped(r: PathProbeResults): string {
  return r.policy?.suspects ? `the policy layers netdiag evaluated allow it: ${r.policy.suspects}` : `no NetworkPolicy blocks it: ${HIDDEN_FILTERS}`
}

function namesOf(policies: string[]): string {
  return policies.length === 1 ? `NetworkPolicy ${policies[0]}` : `NetworkPolicies ${policies.join(', ')}`
}

/** What the underlay between nodes must let through for each encapsulation (and CNI defaults). */
export function underlayRequirement(encap: Encapsulation | undefined, cni?: string): string | undefined {
  switch (encap) {
    case 'vxlan':
      return cni === 'calico' ? 'UDP 4789 (VXLAN)' : cni === 'flannel' || cni === 'canal' || cni === 'cilium' ? 'UDP 8472 (VXLAN)' : 'the VXLAN UDP port (4789 or 8472)'
    case 'geneve':
      return 'UDP 6081 (Geneve)'
    case 'ipip':
      return 'IP protocol 4 (IP-in-IP), which security groups often block even when "all TCP/UDP" is open'
    case 'wireguard':
      return cni === 'cilium' ? 'UDP 51871 (WireGuard)' : cni === 'calico' ? 'UDP 51820 (WireGuard)' : 'the WireGuard UDP port'
    case 'none':
      return 'routes to every node\'s pod CIDR (and no source/destination check on cloud NICs)'
    default:
      return undefined
  }
}

/**
 * Reads the two cheapest probes together: ICMP says whether packets reach the pod at all, TCP whether the port
 * answers. A refusal proves the path works; a silent timeout with working ping points at a filter.
 */
export function interpretPathProbes(r: PathProbeResults): Finding {
  const target = r.port !== undefined ? `${r.to} (${r.toIp}) port ${r.protocol ?? 'TCP'} ${r.port}` : `${r.to} (${r.toIp})`
  const details = {ping: r.ping, tcp: r.tcp, sameNode: r.sameNode}
  if (r.tcp === 'connected') {
    return {status: 'pass', code: 'path.connected', message: `${r.from} connects to ${target}${r.ping && r.ping !== 'reply' ? ' (ICMP is filtered, which does not matter for TCP)' : ''}`, details}
  }
  if (r.tcp === 'udp-no-rejection') {
    return {status: 'pass', code: 'path.udp-not-rejected', message: `${r.from} sent UDP to ${target} and nothing rejected it (UDP cannot prove a listener)`, details}
  }
  if (r.tcp === 'refused') {
    return {
      status: 'fail',
      code: 'path.port-closed',
      message: `${target} refused the connection from ${r.from}: packets arrive but nothing listens on port ${r.port} (or it listens on 127.0.0.1 only)`,
      remediation: `check the container's listening sockets (kubectl exec ${r.to} -- ss -ltnp) and its containerPort / targetPort`,
      details,
    }
  }
  if (r.port === undefined && r.tcp === undefined && r.ping === 'reply') {
    return {status: 'pass', code: 'path.icmp-reply', message: `${r.from} reaches ${target} by ICMP (no port to test: pass --port for TCP/UDP)`, details}
  }
  if (r.ping === 'too-big') {
    return {status: 'fail', code: 'path.mtu', message: `packets from ${r.from} to ${r.to} are too big for the path (MTU mismatch)`, details}
  }
  const silent = r.tcp === 'timeout' || (r.tcp === undefined && (r.ping === 'no-reply' || r.ping === undefined))
  const what = r.port !== undefined ? `${r.protocol ?? 'TCP'} ${r.port}` : 'ICMP'
  if (silent && r.policy && !r.policy.allowed && r.policy.enforced !== false && (r.policy.policies.length > 0 || r.policy.label)) {
    return {
      status: 'fail',
      code: 'path.policy-drop',
      message: `${what} from ${r.from} to ${r.to} (${r.toIp}) times out, as ${r.policy.label ?? namesOf(r.policy.policies)} predicts${r.policy.label ? '' : ': it isolates the pod and no rule allows this traffic'}`,
      remediation: 'add a rule for this traffic (see the NetworkPolicy check for the YAML), or correct the selectors that were meant to allow it',
      details: {...details, policies: r.policy.policies},
    }
  }
  const policyAllows = r.policy !== undefined && (r.policy.allowed || r.policy.enforced === false)
  if (r.tcp === 'timeout' && r.ping === 'reply' && policyAllows) {
    return {
      status: 'fail',
      code: 'path.port-filtered-not-policy',
      message: `${r.from} reaches ${r.to} by ICMP but TCP to ${target} times out although ${r.policy?.suspects ? `${allowedButDropped(r)} (one of them drops it)` : `no NetworkPolicy blocks it: ${HIDDEN_FILTERS} drops it`}, or the process does not answer`,
      remediation: `list CNI policies (kubectl get globalnetworkpolicies,ciliumnetworkpolicies,ciliumclusterwidenetworkpolicies,adminnetworkpolicies -A) and host firewall rules on ${r.sameNode ? 'the node' : 'both nodes'}`,
      details,
    }
  }
  if (r.tcp === 'timeout' && r.ping === 'reply') {
    return {
      status: 'fail',
      code: 'path.port-filtered',
      message: `${r.from} reaches ${r.to} by ICMP but TCP to ${target} times out: a NetworkPolicy (ingress on ${r.to} or egress on ${r.from}) or a host firewall drops it`,
      remediation: 'look for NetworkPolicies selecting either pod; a policy that selects a pod denies every port it does not list',
      details,
    }
  }
  if (r.tcp === 'unreachable' || r.ping === 'unreachable') {
    return {
      status: 'fail',
      code: 'path.unreachable',
      message: `no route from ${r.from} to ${r.to} (${r.toIp}): ICMP unreachable or prohibited came back (a REJECT rule, a missing route, or the pod IP is gone)`,
      details,
    }
  }
  if ((r.tcp === 'timeout' || r.tcp === undefined) && (r.ping === 'no-reply' || r.ping === undefined)) {
    if (policyAllows) {
      const need = r.sameNode ? undefined : underlayRequirement(r.encapsulation, r.cni)
      return {
        status: 'fail',
        code: r.sameNode ? 'path.pod-network-same-node' : 'path.pod-network-cross-node',
        message: r.sameNode
          ? `nothing from ${r.from} reaches ${r.to} on the same node and no NetworkPolicy blocks it: the pod network drops it (the CNI did not wire one of the pods, or ${HIDDEN_FILTERS})`
          : `nothing from ${r.from} reaches ${r.to} on another node and no NetworkPolicy blocks it: the pod network between the nodes drops it${need ? ` (the node network must allow ${need})` : ''}`,
        remediation: r.sameNode
          ? 'check the CNI agent pod and its logs on that node (kubectl netdiag node NODE), and the pod sandbox events of both pods'
          : 'compare with a pod on the same node as the target: if that works, look at the underlay (firewall / security groups) and the CNI agents on both nodes (kubectl netdiag node)',
        details,
      }
    }
    if (r.sameNode) {
      return {
        status: 'fail',
        code: 'path.silent-drop-same-node',
        message: `nothing from ${r.from} reaches ${r.to} although both run on the same node: a NetworkPolicy, or the CNI did not wire the pod (check the CNI agent on that node)`,
        details,
      }
    }
    const need = underlayRequirement(r.encapsulation, r.cni)
    return {
      status: 'fail',
      code: 'path.silent-drop-cross-node',
      message: `nothing from ${r.from} reaches ${r.to} on another node: a NetworkPolicy, or the overlay between the nodes is broken${need ? `: the node network must allow ${need}` : ''}`,
      remediation: 'compare with a pod on the same node as the target: if that works, look at the underlay (firewall / security groups) and the CNI agents on both nodes',
      details,
    }
  }
  return {status: 'warn', code: 'path.inconclusive', message: `probes from ${r.from} to ${target} were inconclusive (ping: ${r.ping ?? 'not run'}, tcp: ${r.tcp ?? 'not run'})`, details}
}
