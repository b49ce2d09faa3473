import {describeBackendRef, zeroWeightRules} from '../../analysis/gateway/backend-refs.js'
import type {Check} from '../../engine/types.js'
import {grantFor, refsInScope, requireRoute, routeMatch, routeRef} from './facts.js'
import type {RouteTarget} from './target.js'

interface Problem {
  status: 'fail' | 'warn'
  text: string
  remediation?: string
}

/**
 * The backendRefs in scope: Services (other kinds are not followed), with a port, in the namespace the ref
 * names, permitted by a ReferenceGrant there when it is not the route's; rules whose weights are all zero.
 */
export const backendRefsCheck: Check<RouteTarget> = {
  id: 'route.backend-refs',
  title: 'backendRefs and ReferenceGrants',
  layer: 'service',
  requires: ({namespace, kind}) => [{verb: 'get', group: 'gateway.networking.k8s.io', resource: `${kind.toLowerCase()}s`, namespace}],
  async run({view, target}) {
    const [route, refs, match] = await Promise.all([requireRoute(view, target), refsInScope(view, target), routeMatch(view, target)])
    const ref = routeRef(target)
    const problems: Problem[] = []
    const evaluated: Array<Record<string, unknown>> = []
    const objects = [ref]
    const rules = route.spec?.rules ?? []
    const inScope = match?.outcome === 'matched' ? [match.chosen.rule] : rules.map((_, i) => i)
    for (const r of inScope) {
      const rule = rules[r]
      if (rule && (rule.backendRefs ?? []).length === 0 && (rule.filters ?? []).length === 0) {
        problems.push({status: 'fail', text: `rules[${r}] has no backendRefs and no filters: requests it matches get an error (500/503)`})
      }
    }
    for (const b of refs) {
      const verdict = await grantFor(view, target, b)
      evaluated.push({backendRef: describeBackendRef(b), namespace: b.namespace, crossNamespace: b.crossNamespace, permitted: verdict.permitted, ...('grant' in verdict && verdict.grant ? {referenceGrant: `${verdict.grant.metadata?.namespace}/${verdict.grant.metadata?.name}`} : {})})
      if (!b.isService) {
        problems.push({status: 'warn', text: `${describeBackendRef(b)} is not a core Service: whether the controller supports it (else ResolvedRefs=False InvalidKind) and where it sends are not known to netdiag`})
        continue
      }
      objects.push({kind: 'Service', namespace: b.namespace, name: b.name} as never)
      if (b.port === undefined) problems.push({status: 'fail', text: `${describeBackendRef(b)} has no port, which a Service backendRef requires`, remediation: 'set backendRefs[].port to a port of the Service'})
      if (verdict.permitted === false) {
        problems.push({
          status: 'fail',
          text: `${describeBackendRef(b)} is in namespace ${b.namespace}, and no ReferenceGrant there permits ${target.kind}s from ${target.namespace} to reach it (ResolvedRefs=False RefNotPermitted: requests get 500)`,
          remediation: `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-${target.namespace}-${target.kind.toLowerCase()}s
  namespace: ${b.namespace}
spec:
  from:
  - group: gateway.networking.k8s.io
    kind: ${target.kind}
    namespace: ${target.namespace}
  to:
  - group: ""
    kind: Service
    name: ${b.name}`,
        })
      } else if (verdict.permitted === 'unknown') {
        problems.push({status: 'warn', text: `${describeBackendRef(b)}: whether a ReferenceGrant permits it is unknown: ${verdict.reason}`})
      }
    }
    for (const r of zeroWeightRules(refs)) problems.push({status: 'fail', text: `every backendRef of rules[${r}] has weight 0: the rule sends no traffic (500)`, remediation: `give at least one backendRef of rules[${r}] a weight above 0`})
    const details = {backendRefs: evaluated, rules: inScope}
    const fails = problems.filter((p) => p.status === 'fail')
    const worst = fails.length ? fails : problems
    if (worst.length > 0) {
      const fix = worst.find((p) => p.remediation)?.remediation
      return {status: fails.length ? 'fail' : 'warn', summary: worst.map((p) => p.text).join('; '), objects, details, ...(fix ? {remediation: fix} : {})}
    }
    return {status: 'pass', summary: evaluated.length ? `backendRefs: ${evaluated.map((e) => `${e.backendRef}${e.referenceGrant ? ` permitted by ReferenceGrant ${e.referenceGrant}` : ''}`).join('; ')}` : 'no backendRefs in scope', objects, details}
  },
}
