import {addressInCidr, cidrSize, cidrsOverlapLocal, type ParsedCidr, parseCidr, parseIp} from './cidr-local.js'
import type {Finding} from './finding.js'

export interface AddressPlan {
  /** Pod CIDRs: the cluster CIDR (kube-proxy clusterCIDR) and/or nodes' spec.podCIDRs. */
  podCidrs: string[]
  /** The Service CIDR(s) (kube-apiserver --service-cluster-ip-range). */
  serviceCidrs?: string[]
  /** Node InternalIPs, with the node name for the message. */
  nodeIps?: Array<{node: string; ip: string}>
}

/** Pod, Service and node address ranges must not overlap: a packet to an overlapping IP goes to the wrong place. */
export function checkAddressOverlaps(plan: AddressPlan): Finding[] {
  const findings: Finding[] = []
  const pods = plan.podCidrs.map((c) => ({text: c, cidr: parseCidr(c)}))
  const services = (plan.serviceCidrs ?? []).map((c) => ({text: c, cidr: parseCidr(c)}))
  for (const bad of [...pods, ...services].filter((p) => !p.cidr)) {
    findings.push({status: 'warn', code: 'cidr.unparsable', message: `cannot parse CIDR "${bad.text}"`})
  }
  for (const p of pods) {
    for (const s of services) {
      if (p.cidr && s.cidr && cidrsOverlapLocal(p.cidr, s.cidr)) {
        findings.push({
          status: 'fail',
          code: 'cidr.pod-service-overlap',
          message: `pod CIDR ${p.text} overlaps Service CIDR ${s.text}: traffic to pods with addresses in the overlap is captured by Service rules`,
          remediation: 'choose disjoint pod and Service ranges (this needs a cluster rebuild or a CNI IP pool migration)',
          details: {podCidr: p.text, serviceCidr: s.text},
        })
      }
    }
  }
  for (const {node, ip} of plan.nodeIps ?? []) {
    const address = parseIp(ip)
    for (const p of pods) {
      if (p.cidr && address && addressInCidr(address, p.cidr)) {
        findings.push({
          status: 'fail',
          code: 'cidr.node-in-pod-range',
          message: `node ${node} address ${ip} is inside pod CIDR ${p.text}: routes to pods on other nodes shadow the node network`,
          remediation: 'pick a pod CIDR that does not contain the node (VPC/LAN) network',
          details: {node, ip, podCidr: p.text},
        })
      }
    }
    for (const s of services) {
      if (s.cidr && address && addressInCidr(address, s.cidr)) {
        findings.push({
          status: 'fail',
          code: 'cidr.node-in-service-range',
          message: `node ${node} address ${ip} is inside Service CIDR ${s.text}`,
          remediation: 'pick a Service CIDR that does not contain the node network',
          details: {node, ip, serviceCidr: s.text},
        })
      }
    }
  }
  // Nodes' own podCIDRs overlapping each other means two nodes hand out the same pod IPs.
  // Sorted by first address, a range can only overlap the ones that start before it ends: a sweep, not all pairs.
  const ranges = pods.filter((p): p is {text: string; cidr: ParsedCidr} => p.cidr !== undefined).sort((x, y) => x.cidr.family - y.cidr.family || (x.cidr.base < y.cidr.base ? -1 : x.cidr.base > y.cidr.base ? 1 : 0))
  for (let i = 0; i < ranges.length; i++) {
    const a = ranges[i]!
    const end = a.cidr.base + cidrSize(a.cidr)
    for (let j = i + 1; j < ranges.length && ranges[j]!.cidr.family === a.cidr.family && ranges[j]!.cidr.base < end; j++) {
      const b = ranges[j]!
      if (a.text !== b.text && a.cidr.prefix === b.cidr.prefix) {
        findings.push({
          status: 'fail',
          code: 'cidr.pod-ranges-overlap',
          message: `pod CIDRs ${a.text} and ${b.text} overlap: two nodes can give out the same pod IP`,
          details: {a: a.text, b: b.text},
        })
      }
    }
  }
  if (findings.length === 0) {
    findings.push({status: 'pass', code: 'cidr.disjoint', message: `pod CIDR ${plan.podCidrs.join(', ') || '(none)'}, Service CIDR ${(plan.serviceCidrs ?? []).join(', ') || '(unknown)'} and node addresses do not overlap`})
  }
  return findings
}

/**
 * Addresses host-local can hand out from a subnet: it skips the network address, the IPv4 broadcast
 * address and the gateway (network + 1 by default).
 */
export function hostLocalUsableAddresses(subnet: string): number | undefined {
  const c = parseCidr(subnet)
  if (!c) return undefined
  const size = cidrSize(c)
  const reserved = c.family === 4 ? 3n : 2n
  const usable = size > reserved ? size - reserved : 0n
  return usable > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(usable)
}

export interface PodIpCapacity {
  node: string
  /** host-local subnets on this node (the node's podCIDR, or the conflist ranges). */
  subnets: string[]
  /** status.allocatable.pods of the node. */
  allocatablePods?: number
  /** IPs host-local has on record (files under /var/lib/cni/networks/<network>/). */
  allocatedIps?: string[]
  /** Pods with their own network (not hostNetwork) on the node, per the API. */
  runningPods?: number
}

/** Can the node's IPAM give every schedulable pod an address, and are addresses leaking? */
export function checkPodIpCapacity(input: PodIpCapacity): Finding[] {
  const findings: Finding[] = []
  const perFamily = new Map<number, number>()
  for (const s of input.subnets) {
    const usable = hostLocalUsableAddresses(s)
    const c = parseCidr(s)
    if (usable === undefined || !c) continue
    perFamily.set(c.family, (perFamily.get(c.family) ?? 0) + usable)
  }
  const usable = perFamily.get(4) ?? perFamily.get(6)
  if (usable === undefined) return findings
  const allocated = (input.allocatedIps ?? []).filter((ip) => parseIp(ip)?.family === (perFamily.has(4) ? 4 : 6)).length
  if (input.allocatablePods !== undefined && usable < input.allocatablePods) {
    findings.push({
      status: 'warn',
      code: 'ipam.range-smaller-than-max-pods',
      message: `node ${input.node}: pod range ${input.subnets.join(', ')} has ${usable} usable addresses but the node accepts ${input.allocatablePods} pods: pods beyond ${usable} fail with "no IP addresses available in range set"`,
      remediation: `lower the kubelet maxPods to ${usable} or give nodes a larger pod CIDR (--node-cidr-mask-size)`,
      details: {usable, allocatablePods: input.allocatablePods},
    })
  }
  if (input.allocatedIps !== undefined) {
    const used = allocated
    if (used >= usable) {
      findings.push({
        status: 'fail',
        code: 'ipam.exhausted',
        message: `node ${input.node}: all ${usable} addresses of ${input.subnets.join(', ')} are allocated${input.runningPods !== undefined ? ` but only ${input.runningPods} pods run there` : ''}: new pods fail with "no IP addresses available in range set"`,
        remediation: 'remove allocations of pods that no longer exist from /var/lib/cni/networks/<network>/ on the node (drain it and clear the directory, then reboot or restart the runtime)',
        details: {usable, allocated: used, runningPods: input.runningPods},
      })
    } else if (input.runningPods !== undefined && used > input.runningPods + Math.max(5, Math.ceil(usable * 0.1))) {
      findings.push({
        status: 'warn',
        code: 'ipam.leaked',
        message: `node ${input.node}: host-local has ${used} addresses allocated for ${input.runningPods} running pods: ${used - input.runningPods} look leaked (${usable - used} of ${usable} left)`,
        remediation: 'addresses of deleted pods were not released (runtime crash or CNI DEL failure); drain the node and clear /var/lib/cni/networks/<network>/',
        details: {usable, allocated: used, runningPods: input.runningPods},
      })
    } else if (used >= usable * 0.9) {
      findings.push({
        status: 'warn',
        code: 'ipam.nearly-exhausted',
        message: `node ${input.node}: ${used} of ${usable} pod addresses in ${input.subnets.join(', ')} are allocated`,
        details: {usable, allocated: used},
      })
    }
  }
  if (findings.length === 0) {
    findings.push({
      status: 'pass',
      code: 'ipam.capacity-ok',
      message: `node ${input.node}: ${usable} pod addresses${input.allocatedIps ? `, ${allocated} allocated` : ''}${input.allocatablePods !== undefined ? ` for up to ${input.allocatablePods} pods` : ''}`,
      details: {usable, allocated: input.allocatedIps ? allocated : undefined},
    })
  }
  return findings
}
