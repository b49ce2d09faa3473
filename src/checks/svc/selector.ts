import {candidatesFromPods, podOwner, rankCandidates} from '../../analysis/label-difference.js'
import {formatLabelSelector} from '../../analysis/labels.js'
import {podNotReadyReason} from '../../analysis/svc/pod-readiness.js'
import {selectorMismatchSummary, selectorPatch} from '../../analysis/svc/selector-hint.js'
import {hasSelector, serviceKind} from '../../analysis/svc/service-type.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE} from '../../cluster/debug-pod-spec.js'
import type {Check} from '../../engine/types.js'
import {podRef, requireService, selectedPods, serviceRef} from './facts.js'
import type {SvcTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** Pods the selector matches; when none, the nearest pods and the exact label difference; matched but not running. */
export const selectorCheck: Check<SvcTarget> = {
  id: 'svc.selector',
  title: 'Selector matches pods',
  layer: 'service',
  dependsOn: ['svc.service'],
  requires: ({namespace}) => [{verb: 'list', resource: 'pods', namespace}],
  async run({view, target}) {
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    const name = `${target.namespace}/${target.name}`
    if (serviceKind(service) === 'ExternalName') {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'ExternalName Service: no selector, no pods', objects: [ref]}
    }
    if (!hasSelector(service)) {
      return {status: 'pass', summary: `Service ${name} has no selector: its endpoints are managed by hand (see svc.endpoints)`, objects: [ref], details: {selector: null}}
    }
    const selector = {matchLabels: service.spec!.selector!}
    const text = formatLabelSelector(selector)
    const pods = await selectedPods(view, target, service)
    if (pods.length === 0) {
      const unknown = unknownWithout(view, [{kind: 'Pod', namespace: target.namespace}], `whether any pod matches ${text}`)
      if (unknown) return {...unknown, objects: [ref]}
      const all = (await view.listPods(target.namespace)).filter((p) => p.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
      const nearest = rankCandidates(selector, candidatesFromPods(all), {limit: 3})
      const patch = nearest[0] ? selectorPatch(nearest[0]) : undefined
      const best = nearest[0]?.candidate
      return {
        status: 'fail',
        summary: selectorMismatchSummary(name, target.namespace, selector, nearest),
        objects: [ref, ...nearest.map((d) => ({kind: d.candidate.kind ?? 'Pod', namespace: target.namespace, name: d.candidate.name}))],
        details: {
          selector: text,
          podsInNamespace: all.length,
          nearest: nearest.map((d) => ({kind: d.candidate.kind, name: d.candidate.name, pods: d.candidate.pods?.length ?? 0, labels: d.candidate.labels, missingKeys: d.missingKeys, mismatched: d.mismatched, score: Number(d.score.toFixed(2))})),
        },
        remediation: patch
          ? `make the Service select them: kubectl -n ${target.namespace} patch service ${target.name} --type=merge -p '${JSON.stringify({spec: {selector: patch}})}'\nor change the labels in the pod template of ${best!.kind} ${best!.name} to ${text}`
          : all.length === 0
            ? `deploy the backend in ${target.namespace}, or check the namespace: kubectl get pods -A -l ${text}`
            : `label the backend pods' template with ${text}, or fix the Service's selector`,
      }
    }
    const owners = [...new Set(pods.map((p) => `${podOwner(p).kind} ${podOwner(p).name}`))].sort()
    const notRunning = pods.filter((p) => p.status?.phase !== 'Running' || p.metadata?.deletionTimestamp)
    const details = {selector: text, matched: pods.length, owners, notRunning: notRunning.map((p) => ({pod: p.metadata?.name, phase: p.status?.phase, reason: podNotReadyReason(p)?.message}))}
    const objects = [ref, ...owners.map((o) => ({kind: o.split(' ')[0]!, namespace: target.namespace, name: o.split(' ')[1]!}))]
    const owned = `${pods.length} pod(s) of ${owners.join(', ')}`
    if (notRunning.length === pods.length) {
      const reason = podNotReadyReason(notRunning[0]!)
      return {
        status: 'fail',
        summary: `Service ${name} selects ${text}: ${owned}, none Running; ${notRunning[0]!.metadata?.name}: ${reason?.message ?? notRunning[0]!.status?.phase}`,
        objects: [...objects, ...notRunning.slice(0, 5).map(podRef)],
        details,
        remediation: `kubectl -n ${target.namespace} describe pod ${notRunning[0]!.metadata?.name}; kubectl -n ${target.namespace} logs ${notRunning[0]!.metadata?.name} --previous`,
      }
    }
    if (notRunning.length > 0) {
      return {
        status: 'warn',
        summary: `Service ${name} selects ${text}: ${owned}; ${notRunning.length} not Running (${notRunning.slice(0, 3).map((p) => `${p.metadata?.name}: ${podNotReadyReason(p)?.message ?? p.status?.phase}`).join('; ')})`,
        objects: [...objects, ...notRunning.slice(0, 5).map(podRef)],
        details,
      }
    }
    return {
      status: 'pass',
      summary: `Service ${name} selects ${text}: ${owned}, all Running${owners.length > 1 ? ` (more than one workload: check that all of them should receive this traffic)` : ''}`,
      objects,
      details,
    }
  },
}
