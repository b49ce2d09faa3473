// The NetworkPolicy verdict for a pod-to-pod path: each probed port, and ICMP (which ping uses).
import type {NetworkPolicy} from '../../cluster/types.js'
import {buildPolicyIndex, evaluateConnection, PolicyIndex} from '../network-policy.js'
import type {ConnectionVerdict, Endpoint, NearMiss, PolicyRef} from '../network-policy.js'
import type {ProbePort} from './pod-ref.js'

export interface PortPolicyVerdict {
  port: ProbePort
  verdict: ConnectionVerdict
}

export interface IcmpPolicyVerdict {
  allowed: boolean
  blockedBy?: 'egress' | 'ingress' | 'both'
  /** Denied: the isolating policies on the blocking side(s). */
  policies: PolicyRef[]
  summary: string
}

export interface PathPolicyVerdicts {
  ports: PortPolicyVerdict[]
  icmp: IcmpPolicyVerdict
  /** Some policy selects the source for egress or the destination for ingress. */
  isolated: boolean
  notes: string[]
}

export function policyName(ref: PolicyRef): string {
  return `${ref.namespace}/${ref.name}`
}

/**
 * ICMP is not a NetworkPolicy protocol: a rule without `ports` allows it (every protocol), a rule with ports
 * never does. Evaluating a protocol no ports entry can name gives exactly that.
 */
function icmpVerdict(index: PolicyIndex, src: Endpoint, dst: Endpoint, srcName: string, dstName: string): IcmpPolicyVerdict {
  const v = evaluateConnection(index, src, dst, {protocol: 'ICMP', port: 0})
  if (v.allowed) return {allowed: true, policies: v.decidingPolicies, summary: `ICMP (ping) from ${srcName} to ${dstName} is allowed`}
  const sides = [!v.egress.allowed && `egress of ${srcName}`, !v.ingress.allowed && `ingress of ${dstName}`].filter(Boolean).join(' and ')
  return {
    allowed: false,
    ...(v.blockedBy ? {blockedBy: v.blockedBy} : {}),
    policies: v.decidingPolicies,
    summary: `ICMP (ping) from ${srcName} to ${dstName} is dropped: ${v.decidingPolicies.map((p) => `NetworkPolicy ${policyName(p)}`).join(', ')} ${v.decidingPolicies.length === 1 ? 'isolates' : 'isolate'} the ${sides} and only rules without ports allow ICMP`,
  }
}

/** Egress of the source and ingress of the destination for every port, and for ICMP. */
export function pathPolicyVerdicts(policies: PolicyIndex | readonly NetworkPolicy[], src: Endpoint, dst: Endpoint, ports: readonly ProbePort[], names: {src: string; dst: string}): PathPolicyVerdicts {
  const index = policies instanceof PolicyIndex ? policies : buildPolicyIndex(policies as NetworkPolicy[])
  const verdicts = ports.map((port) => ({port, verdict: evaluateConnection(index, src, dst, {protocol: port.protocol, port: port.port, ...(port.name ? {name: port.name} : {})})}))
  const icmp = icmpVerdict(index, src, dst, names.src, names.dst)
  const probe = verdicts[0]?.verdict ?? evaluateConnection(index, src, dst, {protocol: 'ICMP', port: 0})
  return {
    ports: verdicts,
    icmp,
    isolated: probe.egress.isolated || probe.ingress.isolated,
    notes: [...new Set([...verdicts.flatMap((v) => v.verdict.notes), ...probe.notes])],
  }
}

/** Near misses of a denied verdict, both directions, first the most telling. */
export function nearMissesOf(verdict: ConnectionVerdict): NearMiss[] {
  return [...verdict.egress.nearMisses, ...verdict.ingress.nearMisses]
}
