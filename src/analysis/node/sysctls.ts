import type {Finding} from './finding.js'

export interface SysctlFacts {
  ipForward?: number
  /** 'absent' when br_netfilter is not loaded. */
  bridgeNfCallIptables?: number | 'absent'
  conntrackCount?: number
  conntrackMax?: number
  /** rp_filter by interface, with `all`. */
  rpFilter?: Record<string, number>
  /** kube-proxy mode; undefined when kube-proxy is absent (Cilium kube-proxy replacement). */
  proxyMode?: string
  /** Pods hang off a Linux bridge (bridge, flannel, weave, kubenet); false for Calico/Cilium routed veths. */
  bridgedPods?: boolean
  /** The detected CNI, which decides which interfaces must not be strict-rp_filtered. */
  cni?: string
}

/**
 * Interfaces where reverse-path filtering in strict mode drops legitimate pod traffic: tunnel devices receive
 * packets whose source is only routable through another device, Cilium's lxc and cilium_ devices carry
 * BPF-redirected traffic, and the AWS VPC CNI's secondary ENIs answer through the primary one.
 */
function mustNotBeStrict(iface: string, cni: string | undefined): string | undefined {
  if (/^(flannel\.\d+|flannel-wg|vxlan\.calico|vxlan-v6\.calico|tunl0|wireguard\.cali|cilium_(vxlan|geneve|host|net|wg0)|genev_sys_\d+|antrea-gw0|antrea-tun0|weave|vxlan-\d+)$/.test(iface))
    return 'tunnel/overlay device'
  if (/^lxc/.test(iface) && cni === 'cilium') return 'Cilium endpoint device'
  if (/^(eth|ens)\d+$/.test(iface) && cni === 'aws-vpc-cni') return 'ENI: the AWS VPC CNI needs loose mode (2) for secondary IPs'
  return undefined
}

/** Judges the kernel settings pod networking depends on. */
export function analyzeSysctls(facts: SysctlFacts): Finding[] {
  const findings: Finding[] = []

  if (facts.ipForward === 0) {
    findings.push({
      status: 'fail',
      code: 'sysctl.ip-forward-off',
      message: 'net.ipv4.ip_forward = 0: the node does not route packets between pods and the network, so traffic to and from pods on this node is dropped',
      remediation: 'sysctl -w net.ipv4.ip_forward=1 and persist it in /etc/sysctl.d/k8s.conf (something reset it: check other sysctl.d files and network managers)',
    })
  } else if (facts.ipForward === 1) {
    findings.push({status: 'pass', code: 'sysctl.ip-forward-on', message: 'net.ipv4.ip_forward = 1'})
  }

  const proxyUsesNetfilter = facts.proxyMode === 'iptables' || facts.proxyMode === 'ipvs' || facts.proxyMode === 'nftables' || facts.proxyMode === ''
  const bnf = facts.bridgeNfCallIptables
  if ((bnf === 0 || bnf === 'absent') && proxyUsesNetfilter && facts.bridgedPods !== false) {
    findings.push({
      status: 'warn',
      code: 'sysctl.bridge-nf-call-iptables-off',
      message:
        bnf === 'absent'
          ? `br_netfilter is not loaded (no net.bridge.bridge-nf-call-iptables) while kube-proxy runs in ${facts.proxyMode || 'iptables'} mode: traffic between pods on the same bridge skips Service NAT, so replies from a Service backend on the same node do not match`
          : `net.bridge.bridge-nf-call-iptables = 0 while kube-proxy runs in ${facts.proxyMode || 'iptables'} mode: bridged pod traffic skips iptables, so Service traffic between pods on the same node breaks`,
      remediation: 'modprobe br_netfilter; sysctl -w net.bridge.bridge-nf-call-iptables=1 (persist in /etc/modules-load.d and /etc/sysctl.d)',
    })
  }

  const {conntrackCount: count, conntrackMax: max} = facts
  if (count !== undefined && max !== undefined && max > 0) {
    const ratio = count / max
    const pct = Math.round(ratio * 100)
    if (count >= max) {
      findings.push({
        status: 'fail',
        code: 'sysctl.conntrack-full',
        message: `conntrack table full (${count}/${max}): the kernel drops new connections ("nf_conntrack: table full, dropping packet")`,
        remediation: 'raise net.netfilter.nf_conntrack_max (kube-proxy conntrack.maxPerCore) and look for a client opening connections in a loop',
        details: {count, max},
      })
    } else if (ratio >= 0.8) {
      findings.push({
        status: 'warn',
        code: 'sysctl.conntrack-high',
        message: `conntrack table ${pct}% full (${count}/${max}): new connections are dropped when it fills`,
        remediation: 'raise net.netfilter.nf_conntrack_max (kube-proxy conntrack.maxPerCore) or find what opens so many connections',
        details: {count, max},
      })
    } else {
      findings.push({status: 'pass', code: 'sysctl.conntrack-ok', message: `conntrack table ${pct}% full (${count}/${max})`, details: {count, max}})
    }
  }

  const rp = facts.rpFilter ?? {}
  const all = rp.all ?? 0
  const strict: string[] = []
  for (const [iface, value] of Object.entries(rp)) {
    if (iface === 'all' || iface === 'default' || iface === 'lo') continue
    // The kernel applies the larger of conf.all and conf.<iface>.
    const effective = Math.max(all, value)
    const why = effective === 1 ? mustNotBeStrict(iface, facts.cni) : undefined
    if (why) strict.push(`${iface} (${why})`)
  }
  if (strict.length > 0) {
    findings.push({
      status: 'warn',
      code: 'sysctl.rp-filter-strict',
      message: `strict reverse-path filtering (rp_filter=1${all === 1 ? ', from net.ipv4.conf.all' : ''}) on ${strict.join(', ')}: packets arriving on an interface other than the route back are dropped, which breaks asymmetric pod paths`,
      remediation: `set rp_filter to 0 or 2 on these interfaces${all === 1 ? ' and net.ipv4.conf.all.rp_filter=0 or 2' : ''} (for example sysctl -w net.ipv4.conf.all.rp_filter=2)`,
      details: {interfaces: strict, all},
    })
  }
  return findings
}
