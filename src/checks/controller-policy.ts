// NetworkPolicy from the controller's data-plane pods to the backend pods: egress of the controller's namespace,
// ingress of the backends' namespace, on the targetPort each backend pod resolves. Through the policy
// evaluator's public API only (analysis/network-policy.ts).
import {findServicePort} from '../analysis/backend-port.js'
import {formatLabelSelector} from '../analysis/labels.js'
import {buildPolicyIndex, evaluateEgress, evaluateIngress, podEndpoint, type DirectionVerdict} from '../analysis/network-policy.js'
import {parsePortValue, resolveTargetPort} from '../analysis/ports.js'
import {groupBackends} from '../analysis/svc/backend-groups.js'
import {isPodReady} from '../analysis/svc/pod-readiness.js'
import type {NetworkPolicy, ObjectRef, Pod} from '../cluster/types.js'
import type {Check, CheckContext, CheckResult} from '../engine/types.js'
import type {BackendLister} from './backends.js'
import type {ControllerFacts} from './controller.js'

interface Evaluated {
  what: string
  verdict: DirectionVerdict
}

function policyList(v: DirectionVerdict): string {
  return v.isolatingPolicies.map((p) => `${p.namespace}/${p.name}`).join(', ')
}

export function controllerPolicyCheck<T extends {namespace: string}>(id: string, dependsOn: string[], controller: (ctx: CheckContext<T>) => Promise<ControllerFacts>, backends: BackendLister<T>): Check<T> {
  return {
    id,
    title: 'NetworkPolicy from the controller to the backends',
    layer: 'policy',
    dependsOn,
    requires: ({namespace}) => [
      {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies'},
      {verb: 'list', resource: 'pods', namespace},
    ],
    async run(ctx): Promise<CheckResult> {
      const facts = await controller(ctx)
      if (facts.known?.external) return {status: 'skip', skippedBecause: 'not-applicable', summary: `${facts.known.product} sends from outside the cluster: pod NetworkPolicy evaluation does not apply`}
      if (facts.known?.policyNote) return {status: 'warn', summary: `not evaluated: ${facts.known.policyNote}`, details: {controllerName: facts.controllerName}}
      const source = facts.dataPlane?.ready[0] ?? facts.dataPlane?.pods[0]
      if (!source) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no controller pod found, so NetworkPolicy from it cannot be evaluated (see the controller check)'}
      const sourceNs = source.metadata?.namespace ?? ''
      const list = await backends(ctx)
      const namespaces = [...new Set([sourceNs, ...list.map((b) => b.namespace)])]
      const [policies, nsObjects] = await Promise.all([
        Promise.all(namespaces.map((ns) => ctx.view.listNetworkPolicies(ns))).then((l) => l.flat() as NetworkPolicy[]),
        Promise.all(namespaces.map(async (ns) => [ns, await ctx.view.getNamespace(ns)] as const)).then((l) => new Map(l)),
      ])
      const who = `controller pod ${sourceNs}/${source.metadata?.name}`
      if (policies.length === 0) {
        return {status: 'pass', summary: `no NetworkPolicy in ${namespaces.join(', ')}: nothing restricts ${who} or the backends`, objects: [], details: {policies: 0, source: `${sourceNs}/${source.metadata?.name}`}}
      }
      const index = buildPolicyIndex(policies)
      const src = podEndpoint(source, nsObjects.get(sourceNs))
      const evaluated: Evaluated[] = []
      const notes = new Set<string>()
      for (const b of list) {
        const service = await ctx.view.getService(b.namespace, b.name)
        const port = service ? findServicePort(service, b.port).port : undefined
        const selector = service?.spec?.selector
        if (!service || !port || !selector || Object.keys(selector).length === 0) continue
        const pods: Pod[] = await ctx.view.listPods(b.namespace, {labelSelector: formatLabelSelector({matchLabels: selector})})
        const ready = pods.filter(isPodReady)
        for (const group of groupBackends(ready.length ? ready : pods)) {
          const rep = group.representative
          const resolved = resolveTargetPort(port, rep)
          if (resolved.resolved === undefined) continue
          const named = parsePortValue(port.targetPort)
          const traffic = {protocol: port.protocol ?? 'TCP', port: resolved.resolved, ...(typeof named === 'string' ? {name: named} : {}), servicePort: port.port}
          const dst = podEndpoint(rep, nsObjects.get(b.namespace))
          const target = `pods of Service ${b.namespace}/${b.name} (${rep.metadata?.name}${group.pods.length > 1 ? ` and ${group.pods.length - 1} like it` : ''}) on ${traffic.port}/${traffic.protocol}`
          for (const [what, verdict] of [
            [`ingress to ${target} from ${who}`, evaluateIngress(index, src, dst, traffic)],
            [`egress from ${who} to ${target}`, evaluateEgress(index, src, dst, traffic)],
          ] as const) {
            verdict.notes.forEach((n) => notes.add(n))
            evaluated.push({what, verdict})
          }
        }
      }
      const details = {
        policies: policies.length,
        source: `${sourceNs}/${source.metadata?.name}`,
        evaluated: evaluated.map((e) => ({what: e.what, allowed: e.verdict.allowed, isolatedBy: e.verdict.isolatingPolicies.map((p) => `${p.namespace}/${p.name}`), nearMisses: e.verdict.nearMisses.map((m) => m.reason)})),
        notes: [...notes],
      }
      const blocked = evaluated.filter((e) => !e.verdict.allowed)
      if (blocked.length > 0) {
        const first = blocked[0]!
        const objects: ObjectRef[] = [...new Map(blocked.flatMap((b) => b.verdict.isolatingPolicies).map((p) => [`${p.namespace}/${p.name}`, p])).values()]
        const miss = first.verdict.nearMisses[0]?.reason
        return {
          status: 'fail',
          summary: `NetworkPolic${first.verdict.isolatingPolicies.length === 1 ? 'y' : 'ies'} ${policyList(first.verdict)} block${first.verdict.isolatingPolicies.length === 1 ? 's' : ''} ${first.what}${blocked.length > 1 ? ` (and ${blocked.length - 1} more)` : ''}${miss ? `; nearest rule: ${miss}` : ''}`,
          objects,
          details,
          remediation: `allow the controller's pods (namespace ${sourceNs}, labels ${formatLabelSelector({matchLabels: source.metadata?.labels ?? {}})}) in ${policyList(first.verdict)}`,
        }
      }
      if (evaluated.length === 0) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no backend pod with a resolvable port to evaluate', details}
      return {status: 'pass', summary: `${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} allow ${who} to reach the backends`, details}
    },
  }
}
