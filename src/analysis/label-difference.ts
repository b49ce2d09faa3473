// Why a selector selects nothing: rank candidate label sets by closeness and state the exact difference,
// e.g. "selector app=backend-api; pods of Deployment backend have app=backend".
import type {LabelSelector, Pod} from '../cluster/types.js'
import {formatLabelSelector, requirementMatches, selectorRequirements, type Labels} from './labels.js'

export interface LabelCandidate {
  /** Owner name (Deployment "backend") or, for a bare pod, the pod's name. */
  name: string
  /** "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod", "Namespace", ... */
  kind?: string
  namespace?: string
  labels: Labels
  /** Pod names in this group, when built from pods. */
  pods?: string[]
}

export interface ValueMismatch {
  key: string
  /** What the selector accepts (In) or refuses (NotIn). */
  want: string[]
  operator: 'In' | 'NotIn'
  have: string
}

export interface SelectorDifference<C extends LabelCandidate = LabelCandidate> {
  candidate: C
  matches: boolean
  /** Keys an In/Exists requirement needs that the candidate lacks. */
  missingKeys: string[]
  /** Keys present with a value the selector does not accept. */
  mismatched: ValueMismatch[]
  /** Keys a DoesNotExist requirement forbids that the candidate has. */
  forbiddenKeys: string[]
  /** 0..1; 1 exactly when the candidate matches. A wrong value scores closer than a missing key. */
  score: number
}

// Similarity of two values in 0..1 by edit distance, so "backend" ranks closer to "backend-api" than "web".
function similarity(a: string, b: string): number {
  if (a === b) return 1
  const m = a.length
  const n = b.length
  if (m === 0 || n === 0) return 0
  let prev = Array.from({length: n + 1}, (_, j) => j)
  for (let i = 1; i <= m; i++) {
    const cur = [i]
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return 1 - (prev[n] ?? 0) / Math.max(m, n)
}

/** The exact difference between a selector and one candidate. */
export function selectorDifference<C extends LabelCandidate>(selector: LabelSelector, candidate: C): SelectorDifference<C> {
  const requirements = selectorRequirements(selector)
  const labels = candidate.labels
  const difference: SelectorDifference<C> = {candidate, matches: true, missingKeys: [], mismatched: [], forbiddenKeys: [], score: 1}
  let points = 0
  for (const req of requirements) {
    if (requirementMatches(req, labels)) {
      points += 1
      continue
    }
    difference.matches = false
    const has = Object.prototype.hasOwnProperty.call(labels, req.key)
    const have = labels[req.key]
    if (req.operator === 'DoesNotExist') {
      difference.forbiddenKeys.push(req.key)
    } else if (!has || have === undefined) {
      difference.missingKeys.push(req.key)
    } else if (req.operator === 'In' || req.operator === 'NotIn') {
      difference.mismatched.push({key: req.key, want: req.values, operator: req.operator, have})
      if (req.operator === 'In') points += 0.5 + 0.4 * Math.max(...req.values.map((v) => similarity(v, have)))
      else points += 0.25
    }
  }
  if (requirements.length > 0) difference.score = difference.matches ? 1 : Math.min(points / requirements.length, 0.99)
  return difference
}

export interface RankOptions {
  /** At most this many results (default 5). */
  limit?: number
  /** Leave out candidates that match (default true: the caller asks why nothing matches). */
  onlyNonMatching?: boolean
  /** Leave out candidates scoring below this (default 0: keep all). */
  minScore?: number
}

/** Candidates ordered nearest first: score, then fewer missing keys, then name. */
export function rankCandidates<C extends LabelCandidate>(
  selector: LabelSelector,
  candidates: readonly C[],
  options: RankOptions = {},
): SelectorDifference<C>[] {
  const {limit = 5, onlyNonMatching = true, minScore = 0} = options
  return candidates
    .map((c) => selectorDifference(selector, c))
    .filter((d) => (!onlyNonMatching || !d.matches) && d.score >= minScore)
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.missingKeys.length - b.missingKeys.length ||
        (a.candidate.namespace ?? '').localeCompare(b.candidate.namespace ?? '') ||
        a.candidate.name.localeCompare(b.candidate.name),
    )
    .slice(0, limit)
}

export interface PodOwner {
  kind: string
  name: string
}

/**
 * The workload that owns a pod, from metadata.ownerReferences: a ReplicaSet named `<deployment>-<hash>`
 * whose hash equals the pod's pod-template-hash label is reported as the Deployment; a pod without an
 * owner is its own owner.
 */
export function podOwner(pod: Pod): PodOwner {
  const refs = pod.metadata?.ownerReferences ?? []
  const ref = refs.find((r) => r.controller === true) ?? refs[0]
  const podName = pod.metadata?.name ?? ''
  if (!ref) return {kind: 'Pod', name: podName}
  if (ref.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash']
    if (hash && ref.name.endsWith(`-${hash}`)) return {kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1)}
  }
  return {kind: ref.kind, name: ref.name}
}

/**
 * Pods grouped by owner (and namespace); each group's labels are those every pod in it shares, so
 * per-pod labels (statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index) drop out.
 */
export function candidatesFromPods(pods: readonly Pod[]): LabelCandidate[] {
  const groups = new Map<string, LabelCandidate>()
  for (const pod of pods) {
    const owner = podOwner(pod)
    const namespace = pod.metadata?.namespace
    const key = `${namespace ?? ''}/${owner.kind}/${owner.name}`
    const labels = pod.metadata?.labels ?? {}
    const podName = pod.metadata?.name ?? ''
    const group = groups.get(key)
    if (!group) {
      groups.set(key, {name: owner.name, kind: owner.kind, ...(namespace ? {namespace} : {}), labels: {...labels}, pods: [podName]})
      continue
    }
    group.pods?.push(podName)
    for (const [k, v] of Object.entries(group.labels)) if (labels[k] !== v) delete group.labels[k]
  }
  return [...groups.values()]
}

function subject(candidate: LabelCandidate): {text: string; plural: boolean} {
  if (candidate.kind === undefined) return {text: candidate.name, plural: false}
  if (candidate.kind === 'Pod') return {text: `pod ${candidate.name}`, plural: false}
  if (candidate.kind === 'Namespace') return {text: `namespace ${candidate.name}`, plural: false}
  return {text: `pods of ${candidate.kind} ${candidate.name}`, plural: true}
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}

/**
 * One sentence: "selector app=backend-api; pods of Deployment backend have app=backend".
 * Names a missing key ("no tier label"), an excluded value ("env=prod, which the selector excludes")
 * and a forbidden key ("a canary label, which the selector requires to be absent").
 */
export function describeDifference(selector: LabelSelector, difference: SelectorDifference): string {
  const {text, plural} = subject(difference.candidate)
  const verb = plural ? 'have' : 'has'
  const head = `selector ${formatLabelSelector(selector) || '{}'}; ${text}`
  if (difference.matches) return `${head} ${plural ? 'match' : 'matches'}`
  // Plain facts first, the ones with a trailing clause last, so the sentence stays readable.
  const parts = [
    ...difference.mismatched.filter((m) => m.operator === 'In').map((m) => `${m.key}=${m.have}`),
    ...difference.missingKeys.map((k) => `no ${k} label`),
    ...difference.mismatched.filter((m) => m.operator === 'NotIn').map((m) => `${m.key}=${m.have}, which the selector excludes`),
    ...difference.forbiddenKeys.map((k) => `a ${k} label, which the selector requires to be absent`),
  ]
  return `${head} ${verb} ${joinAnd(parts)}`
}
