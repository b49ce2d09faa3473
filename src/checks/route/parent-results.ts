import type {ObjectRef} from '../../cluster/types.js'
import type {CheckResult} from '../../engine/types.js'
import {worstStatus} from '../per-view.js'

/** One result for a route's parents: the worst status, the summaries of the worst, all objects. */
export function combineParents(results: CheckResult[], route: ObjectRef): CheckResult {
  if (results.length === 0) return {status: 'fail', summary: 'the route has no parentRefs: it is attached to no Gateway', objects: [route], remediation: 'add spec.parentRefs naming the Gateway'}
  const status = worstStatus(results.map((r) => r.status))
  const worst = results.filter((r) => r.status === status)
  return {
    status,
    summary: worst.map((r) => r.summary).join('; '),
    objects: [route, ...results.flatMap((r) => r.objects ?? [])],
    details: {parents: results.map((r) => ({status: r.status, summary: r.summary, ...(r.details ?? {})}))},
    ...(worst.find((r) => r.remediation) ? {remediation: worst.find((r) => r.remediation)!.remediation!} : {}),
    ...(status === 'skip' ? {skippedBecause: worst[0]?.skippedBecause ?? 'not-applicable'} : {}),
  }
}
