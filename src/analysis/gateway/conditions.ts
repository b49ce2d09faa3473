import type {Condition} from '../../cluster/types.js'

export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type)
}

/** "Accepted=False (NotAllowedByListeners: message)" for summaries. */
export function describeCondition(c: Condition | undefined, type: string): string {
  if (!c) return `${type} not reported`
  return `${type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`
}

/** A condition written for an older generation of the object no longer describes it. */
export function isStale(c: Condition | undefined, generation: number | undefined): boolean {
  return c?.observedGeneration !== undefined && generation !== undefined && c.observedGeneration < generation
}
