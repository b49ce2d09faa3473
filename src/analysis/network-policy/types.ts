import type {ObjectRef, Pod} from '../../cluster/types.js'
import type {Labels} from '../labels.js'

/** A NetworkPolicy as an object reference (`kind: 'NetworkPolicy'`), ready for a check's `objects`. */
export type PolicyRef = ObjectRef & {kind: 'NetworkPolicy'; namespace: string}

export type Direction = 'ingress' | 'egress'

/**
 * One side of a connection. A pod endpoint has `pod` (namespace taken from it when omitted); an address
 * outside the pod network has only `ip`. Namespace labels are the Namespace object's metadata.labels; the
 * automatic `kubernetes.io/metadata.name` label is added when missing (older snapshots lack it).
 */
export interface Endpoint {
  pod?: Pod
  namespace?: string
  namespaceLabels?: Labels
  /** The address the traffic uses; defaults to pod.status.podIP. */
  ip?: string
  /**
   * The address is a Service ClusterIP. Policies never see it: they act after DNAT, on a backend pod's IP
   * and targetPort, so callers should evaluate against each backend pod. The verdict carries a note.
   */
  serviceIp?: boolean
  /** The node behind the address (a node IP, or a hostNetwork pod's node): AdminNetworkPolicy `nodes` peers match its labels. */
  node?: {name: string; labels: Labels}
}

/** The traffic's destination port as the policies see it: after Service DNAT, i.e. the pod's port. */
export interface TrafficPort {
  /** TCP when omitted. */
  protocol?: string
  port: number
  /** The destination container port's name, when known and the destination pod is not (matches named rules). */
  name?: string
  /** The Service port the client dialled, when the traffic went through a Service (for near-miss hints). */
  servicePort?: number
}

export interface RuleRef {
  policy: PolicyRef
  direction: Direction
  ruleIndex: number
  /** The peer that matched; absent when the rule has no `from`/`to` (all peers). */
  peerIndex?: number
  /** The ports entry that matched; absent when the rule has no `ports` (all ports). */
  portIndex?: number
}

export type NearMissCode =
  | 'namespace-labels' // namespaceSelector does not match the namespace's labels
  | 'pod-labels' // podSelector does not match the pod's labels
  | 'peer-namespace' // podSelector-only peer: matches the pod, but only in the policy's own namespace
  | 'peer-not-pod' // selector peer, but the other side is an IP, not a pod
  | 'ip-excepted' // ipBlock contains the IP but an except entry removes it
  | 'ip-outside' // the IP is outside the ipBlock cidr
  | 'invalid-peer' // a peer the API server would reject; it matches nothing
  | 'ip-unknown' // ipBlock peer, but the other side's IP is unknown
  | 'protocol-defaulted' // ports entry without protocol means TCP only
  | 'protocol' // ports entry for the same port, another protocol
  | 'port' // ports entries do not include the port
  | 'service-port' // rule allows the Service port; policies see the targetPort
  | 'named-port-missing' // named port not declared on the destination pod (for this protocol)
  | 'named-port-other-number' // named port resolves to another number
  | 'named-port-not-pod' // named port, but the destination is not a pod
  | 'policy-does-not-select' // a rule would allow it, but the policy's podSelector does not select the pod
  | 'policy-type-missing' // a rule would allow it, but policyTypes omits this direction

export interface NearMiss {
  policy: PolicyRef
  direction: Direction
  ruleIndex: number
  peerIndex?: number
  portIndex?: number
  code: NearMissCode
  /** A sentence a person can act on. */
  reason: string
}

export interface DirectionVerdict {
  direction: Direction
  allowed: boolean
  /** At least one policy in the pod's namespace selects it with this policy type. */
  isolated: boolean
  /** Those policies, in namespace order. When the traffic is denied, these are what deny it. */
  isolatingPolicies: PolicyRef[]
  /** Every rule that allows the traffic (the union of all isolating policies). */
  allowedBy: RuleRef[]
  /** Computed only when the traffic is denied: rules that look meant for it, and why each misses. */
  nearMisses: NearMiss[]
  /** The selected pod (source for egress, destination for ingress) uses hostNetwork: see notes. */
  hostNetwork: boolean
  /** Caveats about how plugins enforce what the API says (hostNetwork, ipBlock on pod IPs, Service IPs). */
  notes: string[]
}

export interface ConnectionVerdict {
  allowed: boolean
  egress: DirectionVerdict
  ingress: DirectionVerdict
  blockedBy?: Direction | 'both'
  /** Denied: the isolating policies of the blocking side(s). Allowed: the policies whose rules allow it. */
  decidingPolicies: PolicyRef[]
  hostNetwork: boolean
  notes: string[]
  summary: string
}
