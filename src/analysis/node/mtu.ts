import type {Finding} from './finding.js'

export type Encapsulation = 'vxlan' | 'ipip' | 'geneve' | 'wireguard' | 'none' | 'unknown'

export interface OverheadOptions {
  /** The underlay (outer) packets are IPv6: 20 bytes more per outer header. */
  ipv6Outer?: boolean
  /** Geneve carries variable-length options (Cilium DSR adds 12 bytes). */
  geneveOptionBytes?: number
}

/**
 * Bytes an encapsulation adds to every pod packet, as Calico and Cilium size their MTUs:
 * VXLAN / Geneve = outer IP 20 (40 for IPv6) + UDP 8 + VXLAN/Geneve 8 + inner Ethernet 14;
 * IPIP = outer IPv4 20; WireGuard = outer IP 20/40 + UDP 8 + WireGuard header and tag 32.
 * undefined when the encapsulation is unknown.
 */
export function encapOverhead(encap: Encapsulation, options: OverheadOptions = {}): number | undefined {
  const outerIp = options.ipv6Outer ? 40 : 20
  switch (encap) {
    case 'none':
      return 0
    case 'vxlan':
      return outerIp + 8 + 8 + 14
    case 'geneve':
      return outerIp + 8 + 8 + 14 + (options.geneveOptionBytes ?? 0)
    case 'ipip':
      // IPv4-in-IPv4 only; an IPv6 underlay uses ip6tnl/sit (40 bytes).
      return outerIp
    case 'wireguard':
      return outerIp + 8 + 32
    case 'unknown':
      return undefined
  }
}

/** The largest pod MTU that fits the node's MTU under this encapsulation (undefined if unknown). */
export function expectedPodMtu(nodeMtu: number, encap: Encapsulation, options: OverheadOptions = {}): number | undefined {
  const overhead = encapOverhead(encap, options)
  return overhead === undefined ? undefined : nodeMtu - overhead
}

const ENCAP_NAME: Record<Encapsulation, string> = {
  vxlan: 'VXLAN',
  ipip: 'IP-in-IP',
  geneve: 'Geneve',
  wireguard: 'WireGuard',
  none: 'no encapsulation',
  unknown: 'unknown encapsulation',
}

export interface MtuFacts extends OverheadOptions {
  /** MTU of the node's uplink interface (the one carrying pod traffic between nodes). */
  nodeMtu: number
  /** MTU of the tunnel device (flannel.1, vxlan.calico, tunl0, cilium_vxlan, wireguard.cali). */
  overlayMtu?: number
  /** MTU of a pod's eth0 (or of the host-side veth). */
  podMtu?: number
  /** MTU written in the CNI config; 0 or undefined means "auto" (Calico, AWS) or not set. */
  cniMtu?: number
  encap: Encapsulation
}

/** Compares the MTUs on one node with what the encapsulation leaves room for. */
export function checkMtuConsistency(facts: MtuFacts): Finding[] {
  const {nodeMtu, overlayMtu, podMtu, cniMtu, encap} = facts
  const overhead = encapOverhead(encap, facts)
  const findings: Finding[] = []
  const name = ENCAP_NAME[encap]

  if (overhead === undefined) {
    if (podMtu !== undefined && podMtu > nodeMtu) {
      findings.push({
        status: 'fail',
        code: 'mtu.pod-exceeds-node',
        message: `pod MTU ${podMtu} is larger than node MTU ${nodeMtu}: full-size pod packets cannot leave the node unfragmented`,
        remediation: `set the CNI MTU to at most ${nodeMtu} minus the encapsulation overhead`,
        details: {nodeMtu, podMtu},
      })
    }
    findings.push({
      status: 'warn',
      code: 'mtu.encap-unknown',
      message: `encapsulation unknown: cannot tell whether pod MTU ${podMtu ?? '?'} fits node MTU ${nodeMtu}`,
      details: {nodeMtu, podMtu},
    })
    return findings
  }

  const maxPod = nodeMtu - overhead
  const budget = overhead === 0 ? `node MTU ${nodeMtu}` : `node MTU ${nodeMtu} minus ${name} overhead ${overhead} (= ${maxPod})`
  const fix = `set the CNI MTU to ${maxPod} (or raise the node MTU to ${Math.max(podMtu ?? 0, overlayMtu ?? 0) + overhead}) and recreate the pods`

  if (overlayMtu !== undefined && overlayMtu > maxPod) {
    findings.push({
      status: 'fail',
      code: 'mtu.overlay-exceeds-node',
      message: `tunnel device MTU ${overlayMtu} exceeds ${budget}: encapsulated packets above ${maxPod} bytes are dropped`,
      remediation: fix,
      details: {nodeMtu, overlayMtu, overhead, maxPod},
    })
  }
  if (podMtu !== undefined && podMtu > maxPod) {
    findings.push({
      status: 'fail',
      code: 'mtu.pod-exceeds-node',
      message: `pod MTU ${podMtu} exceeds ${budget}: packets of ${maxPod + 1}-${podMtu} bytes are dropped or fragmented (MTU mismatch)`,
      remediation: fix,
      details: {nodeMtu, podMtu, overhead, maxPod},
    })
  }
  if (podMtu !== undefined && overlayMtu !== undefined && podMtu > overlayMtu && podMtu <= maxPod) {
    findings.push({
      status: 'fail',
      code: 'mtu.pod-exceeds-overlay',
      message: `pod MTU ${podMtu} exceeds tunnel device MTU ${overlayMtu}: packets above ${overlayMtu} bytes are dropped at the tunnel`,
      remediation: `set the CNI MTU to ${overlayMtu} and recreate the pods`,
      details: {podMtu, overlayMtu},
    })
  }
  if (cniMtu !== undefined && cniMtu > 0 && podMtu !== undefined && cniMtu !== podMtu) {
    findings.push({
      status: 'warn',
      code: 'mtu.cni-config-differs',
      message: `CNI config sets MTU ${cniMtu} but the pod interface has ${podMtu}: pods created before the config changed keep the old MTU`,
      remediation: 'restart the pods (or the CNI agent) so interfaces are recreated with the configured MTU',
      details: {cniMtu, podMtu},
    })
  }
  if (cniMtu !== undefined && cniMtu > maxPod && podMtu === undefined) {
    findings.push({
      status: 'fail',
      code: 'mtu.cni-config-exceeds-node',
      message: `CNI config sets MTU ${cniMtu}, above ${budget}`,
      remediation: `set the CNI MTU to ${maxPod}`,
      details: {cniMtu, nodeMtu, overhead, maxPod},
    })
  }
  if (findings.length === 0) {
    const pod = podMtu ?? overlayMtu ?? (cniMtu && cniMtu > 0 ? cniMtu : undefined)
    const lowBy = pod === undefined ? 0 : maxPod - pod
    findings.push({
      status: 'pass',
      code: 'mtu.consistent',
      message:
        pod === undefined
          ? `node MTU ${nodeMtu} with ${name}: pods may use up to ${maxPod}`
          : lowBy > 0
            ? `pod MTU ${pod} fits ${budget} with ${lowBy} bytes to spare`
            : `pod MTU ${pod} matches ${budget}`,
      details: {nodeMtu, overlayMtu, podMtu, cniMtu, overhead, maxPod},
    })
  }
  return findings
}

export interface PathMtuProbe extends OverheadOptions {
  /** Largest ICMP payload (`ping -M do -s N`) that got a reply; undefined when none did. */
  probeMaxPayload?: number
  /** The smallest payload tried failed too: nothing crosses, whatever the size. */
  podMtu: number
  peerPodMtu?: number
  nodeMtu?: number
  encap?: Encapsulation
  /** MTU named by an ICMP "Frag needed" / local "message too long" on the way. */
  reportedMtu?: number
  /** The probe ran over IPv6 (ICMPv6 echo: 48 bytes of headers instead of 28). */
  ipv6?: boolean
}

/** Interprets a DF ping bisection between two pods: does the path carry what the pods send? */
export function pathMtuVerdict(probe: PathMtuProbe): Finding {
  const headers = probe.ipv6 ? 48 : 28
  const sendMtu = Math.min(probe.podMtu, probe.peerPodMtu ?? probe.podMtu)
  if (probe.probeMaxPayload === undefined) {
    return {
      status: 'fail',
      code: 'path-mtu.nothing-passes',
      message: 'no ping of any size got a reply: this is a connectivity problem (or ICMP is blocked), not an MTU mismatch',
      details: {podMtu: probe.podMtu, peerPodMtu: probe.peerPodMtu},
    }
  }
  const pathMtu = probe.probeMaxPayload + headers
  const details: Record<string, unknown> = {
    probeMaxPayload: probe.probeMaxPayload,
    pathMtu,
    podMtu: probe.podMtu,
    peerPodMtu: probe.peerPodMtu,
    nodeMtu: probe.nodeMtu,
    encap: probe.encap,
    reportedMtu: probe.reportedMtu,
  }
  if (pathMtu >= sendMtu) {
    return {
      status: 'pass',
      code: 'path-mtu.ok',
      message: `full-size packets cross the path: largest ping payload ${probe.probeMaxPayload} + ${headers} = ${pathMtu} bytes ≥ pod MTU ${sendMtu}`,
      details,
    }
  }
  let why = ''
  if (probe.nodeMtu !== undefined && probe.encap !== undefined) {
    const expected = expectedPodMtu(probe.nodeMtu, probe.encap, probe)
    if (expected !== undefined && pathMtu <= expected && sendMtu > expected) {
      why = `; node MTU ${probe.nodeMtu} minus ${ENCAP_NAME[probe.encap]} overhead ${probe.nodeMtu - expected} leaves ${expected}, so the pod MTU does not account for the encapsulation`
    } else if (expected !== undefined && pathMtu < expected) {
      why = `; that is below node MTU ${probe.nodeMtu} minus ${ENCAP_NAME[probe.encap]} overhead (${expected}), so a link between the nodes has a smaller MTU than the nodes`
    }
  }
  const reported = probe.reportedMtu !== undefined ? ` (a hop reported MTU ${probe.reportedMtu})` : ''
  return {
    status: 'fail',
    code: 'path-mtu.mismatch',
    message: `MTU mismatch: small packets pass but packets above ${pathMtu} bytes vanish${reported}, while the pods send up to ${sendMtu} (largest ping payload ${probe.probeMaxPayload} + ${headers} header bytes = ${pathMtu})${why}`,
    remediation: `lower the pod MTU to ${pathMtu} in the CNI configuration (or raise the MTU of the underlay), then recreate the pods; TCP connections stall on large transfers (TLS handshakes, big responses) until then`,
    details,
  }
}
