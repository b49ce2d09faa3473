// One flow (source, destination, port) through every policy layer the enforcer applies, per direction:
// - kubernetes: Admin tier (AdminNetworkPolicy, ClusterNetworkPolicy Admin; by priority, first matching rule
//   decides, Pass hands over) -> NetworkPolicy (isolation, union of allows) -> Baseline tier -> allowed;
// - cilium: any matching deny rule denies; else isolated endpoints need an allow from CiliumNetworkPolicy,
//   CiliumClusterwideNetworkPolicy or NetworkPolicy;
// - calico: tiers in order, policies by order, first Allow/Deny decides, Pass jumps to the next tier, a tier
//   that selects the endpoint and matches nothing denies (unless its defaultAction is Pass); then profiles allow.
// A rule whose match cannot be told statically makes the verdict unknown when nothing before it decided.
import {resolveEndpoint, type ResolvedEndpoint} from '../network-policy/endpoints.js'
import {evaluateResolved, isSamePod} from '../network-policy/evaluate.js'
import type {Direction, DirectionVerdict, Endpoint, TrafficPort} from '../network-policy/types.js'
import {networkPolicyRef} from './adapters/network-policy.js'
import {shortRef, type DecidingRule, type DirectionDecision, type FlowVerdict, type NormalizedPolicy, type RuleContext} from './model.js'
import type {PolicySet} from './policy-set.js'

interface Walk {
  direction: Direction
  chain: string[]
}

function decision(walk: Walk, verdict: DirectionDecision['verdict'], decidedBy: DecidingRule[], unknownBecause?: string): DirectionDecision {
  return {direction: walk.direction, verdict, decidedBy, chain: walk.chain, ...(unknownBecause ? {unknownBecause} : {})}
}

// One (frozen) object per policy and rule, shared by every verdict it decides: a sweep's 40,000 flows are
// decided by a few hundred rules, and whoever lists the deciders can then tell repeats apart by identity.
const decidingRules = new WeakMap<NormalizedPolicy, Map<string, DecidingRule>>()

function deciding(policy: NormalizedPolicy, rule?: string): DecidingRule {
  let perPolicy = decidingRules.get(policy)
  if (!perPolicy) decidingRules.set(policy, (perPolicy = new Map()))
  let known = perPolicy.get(rule ?? '')
  if (!known) perPolicy.set(rule ?? '', (known = Object.freeze({...policy.ref, ...(rule ? {rule} : {})})))
  return known
}

// A policy's words in the chain, once per policy: a sweep walks the same policies for thousands of flows.
const labels = new WeakMap<NormalizedPolicy, string>()

function label(policy: NormalizedPolicy): string {
  let text = labels.get(policy)
  if (text === undefined) {
    const where = policy.layer === 'calico' ? ` (tier ${policy.tier}, order ${policy.priority ?? 'none'})` : policy.priority !== undefined && policy.layer !== 'cilium' ? ` (priority ${policy.priority})` : ''
    labels.set(policy, (text = `${shortRef(policy.ref)}${where}`))
  }
  return text
}

type RuleOutcome = {kind: 'decided'; action: 'Allow' | 'Deny' | 'Pass'; rule: string} | {kind: 'unknown'; rule: string; reason: string} | {kind: 'none'}

/** First matching rule of one policy (Log rules only log and go on). */
function firstMatch(policy: NormalizedPolicy, ctx: RuleContext, walk: Walk): RuleOutcome {
  for (const rule of policy.rules[ctx.direction]) {
    const m = rule.matches(ctx)
    if (m.result === 'no') continue
    if (m.result === 'unknown') {
      walk.chain.push(`${label(policy)} ${rule.name}: unknown (${m.reason})`)
      return {kind: 'unknown', rule: rule.name, reason: `${shortRef(policy.ref)} ${rule.name}: ${m.reason}`}
    }
    if (rule.action === 'Log') {
      walk.chain.push(`${label(policy)} ${rule.name}: Log`)
      continue
    }
    walk.chain.push(`${label(policy)} ${rule.name}: ${rule.action}`)
    return {kind: 'decided', action: rule.action, rule: rule.name}
  }
  return {kind: 'none'}
}

/** Policies of a tier that select the subject: yes ones, and the first that cannot be told. */
function selecting(policies: readonly NormalizedPolicy[], subject: ResolvedEndpoint, direction: Direction, requireType: boolean): {yes: NormalizedPolicy[]; unknown?: {policy: NormalizedPolicy; reason: string}} {
  const yes: NormalizedPolicy[] = []
  for (const p of policies) {
    if (requireType && !p.isolates[direction]) continue
    const s = p.selects(subject)
    if (s.result === 'yes') yes.push(p)
    else if (s.result === 'unknown') return {yes, unknown: {policy: p, reason: s.reason}}
  }
  return {yes}
}

/** An ordered tier (Admin or Baseline): first matching rule of the first selecting policy by priority. */
function orderedTier(policies: readonly NormalizedPolicy[], ctx: RuleContext, walk: Walk): {outcome: RuleOutcome; policy?: NormalizedPolicy} {
  for (const policy of policies) {
    const s = policy.selects(ctx.subject)
    if (s.result === 'no') continue
    if (s.result === 'unknown') return {outcome: {kind: 'unknown', rule: 'subject', reason: `${shortRef(policy.ref)} subject: ${s.reason}`}, policy}
    const outcome = firstMatch(policy, ctx, walk)
    if (outcome.kind !== 'none') return {outcome, policy}
  }
  return {outcome: {kind: 'none'}}
}

function npDeciding(v: DirectionVerdict): DecidingRule[] {
  if (v.allowed) {
    const seen = new Set<string>()
    return v.allowedBy
      .map((r) => ({...networkPolicyRef(r.policy), rule: `${r.direction}[${r.ruleIndex}]`}))
      .filter((r) => !seen.has(`${r.namespace}/${r.name}/${r.rule}`) && seen.add(`${r.namespace}/${r.name}/${r.rule}`))
  }
  return v.isolatingPolicies.map(networkPolicyRef)
}

function npStep(v: DirectionVerdict, walk: Walk): DirectionDecision | undefined {
  if (!v.isolated) {
    walk.chain.push(`no NetworkPolicy selects the pod for ${walk.direction}`)
    return undefined
  }
  const refs = npDeciding(v)
  walk.chain.push(v.allowed ? `${refs.map((r) => `NetworkPolicy ${r.namespace}/${r.name} ${r.rule}`).join(', ')}: Allow` : `NetworkPolicy ${v.isolatingPolicies.map((p) => `${p.namespace}/${p.name}`).join(', ')} isolates the pod and no rule allows it`)
  return decision(walk, v.allowed ? 'allowed' : 'denied', refs)
}

function fromOutcome(walk: Walk, outcome: RuleOutcome, policy: NormalizedPolicy | undefined): DirectionDecision | undefined {
  if (outcome.kind === 'unknown') return decision(walk, 'unknown', [deciding(policy!, outcome.rule)], outcome.reason)
  if (outcome.kind === 'decided' && outcome.action !== 'Pass') return decision(walk, outcome.action === 'Allow' ? 'allowed' : 'denied', [deciding(policy!, outcome.rule)])
  return undefined
}

function kubernetesDirection(set: PolicySet, ctx: RuleContext, np: DirectionVerdict, walk: Walk): DirectionDecision {
  const admin = orderedTier(set.admin, ctx, walk)
  const adminDecision = fromOutcome(walk, admin.outcome, admin.policy)
  if (adminDecision) return adminDecision
  const npDecision = npStep(np, walk)
  if (npDecision) return npDecision
  const baseline = orderedTier(set.baseline, ctx, walk)
  const baselineDecision = fromOutcome(walk, baseline.outcome, baseline.policy)
  if (baselineDecision) return baselineDecision
  walk.chain.push('no rule denies it: allowed by default')
  return decision(walk, 'allowed', [])
}

function ciliumDirection(set: PolicySet, ctx: RuleContext, np: DirectionVerdict, walk: Walk): DirectionDecision {
  const policies = set.cilium
  let pendingUnknown: DirectionDecision | undefined
  // Deny rules win over every allow, whichever API the allow comes from (docs.cilium.io security/policy/deny).
  for (const policy of policies) {
    if (policy.selects(ctx.subject).result !== 'yes') continue
    for (const rule of policy.rules[ctx.direction]) {
      if (rule.action !== 'Deny') continue
      const m = rule.matches(ctx)
      if (m.result === 'yes') {
        walk.chain.push(`${label(policy)} ${rule.name}: Deny`)
        return decision(walk, 'denied', [deciding(policy, rule.name)])
      }
      if (m.result === 'unknown' && !pendingUnknown) {
        walk.chain.push(`${label(policy)} ${rule.name}: unknown (${m.reason})`)
        pendingUnknown = decision(walk, 'unknown', [deciding(policy, rule.name)], `${shortRef(policy.ref)} ${rule.name}: ${m.reason}`)
      }
    }
  }
  const sel = selecting(policies, ctx.subject, ctx.direction, true)
  if (sel.unknown) return decision(walk, 'unknown', [deciding(sel.unknown.policy)], `${shortRef(sel.unknown.policy.ref)}: ${sel.unknown.reason}`)
  const isolating = sel.yes
  if (isolating.length === 0 && !np.isolated) {
    walk.chain.push(`no policy selects the endpoint for ${ctx.direction}`)
    return pendingUnknown ?? decision(walk, 'allowed', [])
  }
  const allowedBy: DecidingRule[] = []
  let allowUnknown: DirectionDecision | undefined
  for (const policy of policies) {
    if (policy.selects(ctx.subject).result !== 'yes') continue
    for (const rule of policy.rules[ctx.direction]) {
      if (rule.action !== 'Allow') continue
      const m = rule.matches(ctx)
      if (m.result === 'yes') allowedBy.push(deciding(policy, rule.name))
      else if (m.result === 'unknown' && !allowUnknown) allowUnknown = decision(walk, 'unknown', [deciding(policy, rule.name)], `${shortRef(policy.ref)} ${rule.name}: ${m.reason}`)
    }
  }
  if (np.allowed && np.isolated) allowedBy.push(...npDeciding(np))
  if (pendingUnknown) return pendingUnknown
  if (allowedBy.length > 0) {
    walk.chain.push(`${allowedBy.map((r) => `${shortRef(r)} ${r.rule ?? ''}`.trim()).join(', ')}: Allow`)
    return decision(walk, 'allowed', allowedBy)
  }
  if (allowUnknown) {
    walk.chain.push(`allow rule cannot be decided: ${allowUnknown.unknownBecause}`)
    return allowUnknown
  }
  const refs = [...isolating.map((p) => deciding(p)), ...(np.isolated ? np.isolatingPolicies.map(networkPolicyRef) : [])]
  walk.chain.push(`${refs.map(shortRef).join(', ')} select the endpoint for ${ctx.direction} and no rule allows it (default deny)`)
  return decision(walk, 'denied', refs)
}

function calicoDirection(set: PolicySet, ctx: RuleContext, walk: Walk): DirectionDecision {
  let applied = false
  for (const tier of set.tiers) {
    const sel = selecting(tier.policies, ctx.subject, ctx.direction, true)
    if (sel.unknown) return decision(walk, 'unknown', [deciding(sel.unknown.policy)], `${shortRef(sel.unknown.policy.ref)}: ${sel.unknown.reason}`)
    if (sel.yes.length === 0) continue
    applied = true
    let passed = false
    for (const policy of sel.yes) {
      const outcome = firstMatch(policy, ctx, walk)
      if (outcome.kind === 'none') continue
      if (outcome.kind === 'decided' && outcome.action === 'Pass') {
        passed = true
        break
      }
      return fromOutcome(walk, outcome, policy)!
    }
    if (passed || tier.defaultAction === 'Pass') {
      if (!passed) walk.chain.push(`tier ${tier.name}: no rule matched, defaultAction Pass`)
      continue
    }
    walk.chain.push(`tier ${tier.name}: ${sel.yes.map((p) => shortRef(p.ref)).join(', ')} select the endpoint and no rule matched (end-of-tier deny)`)
    return decision(walk, 'denied', sel.yes.map((p) => deciding(p)))
  }
  walk.chain.push(applied ? 'every applying tier passed: the namespace profile allows it' : `no policy applies to the endpoint for ${ctx.direction}: the namespace profile allows it`)
  return decision(walk, 'allowed', [])
}

function directionDecision(set: PolicySet, direction: Direction, src: ResolvedEndpoint, dst: ResolvedEndpoint, traffic: TrafficPort): DirectionDecision {
  const subject = direction === 'egress' ? src : dst
  const other = direction === 'egress' ? dst : src
  const walk: Walk = {direction, chain: []}
  if (!subject.pod) {
    walk.chain.push(`${subject.display} is not a pod: no policy selects it for ${direction}`)
    return decision(walk, 'allowed', [])
  }
  const ctx: RuleContext = {direction, subject, other, dst, traffic}
  if (set.enforcer === 'calico') return calicoDirection(set, ctx, walk)
  const np = evaluateResolved(set.networkPolicies, direction, src, dst, traffic)
  return set.enforcer === 'cilium' ? ciliumDirection(set, ctx, np, walk) : kubernetesDirection(set, ctx, np, walk)
}

function uniqueRules(rules: DecidingRule[]): DecidingRule[] {
  // The flows a sweep judges are mostly decided by one rule (or none): nothing to compare.
  if (rules.length < 2) return rules
  const seen = new Set<string>()
  return rules.filter((r) => {
    const key = `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}|${r.rule ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Egress of the source AND ingress of the destination through every layer, naming what decided. */
export function evaluateFlow(set: PolicySet, src: Endpoint, dst: Endpoint, traffic: TrafficPort): FlowVerdict {
  const s = resolveEndpoint(src)
  const d = resolveEndpoint(dst)
  if (isSamePod(s, d)) {
    // kubernetes.io/docs/concepts/services-networking/network-policies: "a pod cannot block access to itself".
    const self = (direction: Direction): DirectionDecision => ({direction, verdict: 'allowed', decidedBy: [], chain: ["a pod's traffic to itself is never blocked by policy"]})
    return {verdict: 'allowed', decidedBy: [], chain: ["a pod's traffic to itself is never blocked by policy"], egress: self('egress'), ingress: self('ingress')}
  }
  const egress = directionDecision(set, 'egress', s, d, traffic)
  const ingress = directionDecision(set, 'ingress', s, d, traffic)
  const sides = [egress, ingress]
  const denied = sides.filter((v) => v.verdict === 'denied')
  const unknown = sides.filter((v) => v.verdict === 'unknown')
  const verdict = denied.length > 0 ? 'denied' : unknown.length > 0 ? 'unknown' : 'allowed'
  const deciders = verdict === 'denied' ? denied : verdict === 'unknown' ? unknown : sides
  const chain = sides.flatMap((v) => v.chain.map((step) => `${v.direction}: ${step}`))
  return {
    verdict,
    decidedBy: uniqueRules(deciders.flatMap((v) => v.decidedBy)),
    chain,
    egress,
    ingress,
    ...(verdict === 'unknown' ? {unknownBecause: unknown.map((v) => v.unknownBecause).filter(Boolean).join('; ')} : {}),
  }
}
