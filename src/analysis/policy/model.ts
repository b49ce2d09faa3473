// One normalized rule model for every policy API. Adapters (adapters/*.ts) turn their objects into
// NormalizedPolicy; evaluate.ts applies the enforcer's precedence to them.
import type {Labels} from '../labels.js'
import type {ResolvedEndpoint} from '../network-policy/endpoints.js'
import type {Direction, TrafficPort} from '../network-policy/types.js'

/** A policy object, always with its apiVersion (a Calico NetworkPolicy is not a Kubernetes one). */
export interface PolicyObjectRef {
  kind: string
  apiVersion: string
  namespace?: string
  name: string
}

export type Verdict = 'allowed' | 'denied' | 'unknown'
export type RuleAction = 'Allow' | 'Deny' | 'Pass' | 'Log'

/** Does a rule's peer/port part match the flow: yes, no, or cannot be told statically (and why). */
export type Match = {result: 'yes'} | {result: 'no'} | {result: 'unknown'; reason: string}
export const YES: Match = {result: 'yes'}
export const NO: Match = {result: 'no'}
export const unknownMatch = (reason: string): Match => ({result: 'unknown', reason})

/** What a rule sees of a flow: the peer on the other side, the destination (named ports) and the port. */
export interface RuleContext {
  direction: Direction
  /** The selected side: the source for egress, the destination for ingress. */
  subject: ResolvedEndpoint
  other: ResolvedEndpoint
  dst: ResolvedEndpoint
  traffic: TrafficPort
}

export interface NormalizedRule {
  /** `ingress[0]`, or the rule's own name where the API has one. */
  name: string
  action: RuleAction
  matches(ctx: RuleContext): Match
}

/** Which layer of which enforcer model a policy belongs to. */
export type PolicyLayer = 'admin' | 'networkpolicy' | 'baseline' | 'cilium' | 'calico'

export interface NormalizedPolicy {
  ref: PolicyObjectRef
  layer: PolicyLayer
  /** admin/baseline: priority (lower first). calico: order (undefined last). */
  priority?: number
  /** calico: the tier's name. */
  tier?: string
  /** Does the policy select this endpoint as its subject (yes/no/unknown). */
  selects(subject: ResolvedEndpoint): Match
  /** Whether selecting the endpoint for this direction isolates it (default deny) in this layer. */
  isolates: Record<Direction, boolean>
  rules: Record<Direction, NormalizedRule[]>
  /** Policies that exist but never enforce (Calico staged policies). */
  staged?: boolean
}

/** One rule that decided (or could not be decided), named in the object's own API. */
export interface DecidingRule extends PolicyObjectRef {
  rule?: string
}

export interface DirectionDecision {
  direction: Direction
  verdict: Verdict
  decidedBy: DecidingRule[]
  /** The decisions walked, in order: "AdminNetworkPolicy deny-db (priority 10) ingress[0] Pass". */
  chain: string[]
  /** unknown: why, and what would settle it. */
  unknownBecause?: string
}

export interface FlowVerdict {
  verdict: Verdict
  decidedBy: DecidingRule[]
  chain: string[]
  egress: DirectionDecision
  ingress: DirectionDecision
  unknownBecause?: string
}

/** Node identity for ANP/CNP `nodes` peers: the other side is a node address. */
export interface NodeIdentity {
  name: string
  labels: Labels
}

/** Thrown by an adapter for an object the API server would reject or we cannot read: fail closed (exit 2). */
export class PolicyInputError extends Error {
  constructor(
    readonly ref: PolicyObjectRef,
    readonly field: string,
    detail: string,
  ) {
    super(`${describeRef(ref)}: ${field}: ${detail}`)
    this.name = 'PolicyInputError'
  }
}

export function describeRef(ref: PolicyObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} (${ref.apiVersion})`
}

/** "AdminNetworkPolicy deny-db", "NetworkPolicy shop/allow-web". */
export function shortRef(ref: PolicyObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`
}
