// A route rule's backendRefs (apis/v1/shared_types.go BackendObjectReference, httproute_types.go BackendRef):
// kind defaults to Service in the core group; namespace defaults to the route's own and, when set, is the one
// looked up (never the route's); port is required for a Service; weight defaults to 1 and weight 0 sends nothing
// (conformance/tests/httproute-weight.go). A kind the implementation does not support is ResolvedRefs=False
// InvalidKind (conformance/tests/httproute-invalid-backendref-unknown-kind.go); a missing Service is
// BackendNotFound (httproute-invalid-nonexistent-backendref.go); a cross-namespace one without a ReferenceGrant
// is RefNotPermitted (httproute-invalid-cross-namespace-backend-ref.go).
import type {Route} from '../../cluster/types.js'

export interface ResolvedBackendRef {
  rule: number
  index: number
  group: string
  kind: string
  namespace: string
  name: string
  port?: number
  weight: number
  crossNamespace: boolean
  /** A core Service: the only kind netdiag follows to endpoints. */
  isService: boolean
}

export function routeBackendRefs(route: Route, rules?: number[]): ResolvedBackendRef[] {
  const namespace = route.metadata?.namespace ?? ''
  return (route.spec?.rules ?? []).flatMap((rule, r) =>
    rules && !rules.includes(r)
      ? []
      : (rule.backendRefs ?? []).map((ref, index) => {
          const group = ref.group ?? ''
          const kind = ref.kind ?? 'Service'
          const target = ref.namespace ?? namespace
          return {
            rule: r,
            index,
            group,
            kind,
            namespace: target,
            name: ref.name,
            ...(ref.port !== undefined ? {port: ref.port} : {}),
            weight: ref.weight ?? 1,
            crossNamespace: target !== namespace,
            isService: group === '' && kind === 'Service',
          }
        }),
  )
}

export function describeBackendRef(ref: ResolvedBackendRef): string {
  const kind = ref.isService ? 'Service' : `${ref.kind}${ref.group ? `.${ref.group}` : ''}`
  return `${kind} ${ref.namespace}/${ref.name}${ref.port !== undefined ? `:${ref.port}` : ''} (rules[${ref.rule}].backendRefs[${ref.index}], weight ${ref.weight})`
}

/** Rules whose backendRefs all weigh 0: they match requests but send them nowhere (500). */
export function zeroWeightRules(refs: ResolvedBackendRef[]): number[] {
  const byRule = new Map<number, ResolvedBackendRef[]>()
  for (const ref of refs) byRule.set(ref.rule, [...(byRule.get(ref.rule) ?? []), ref])
  return [...byRule].filter(([, list]) => list.every((r) => r.weight === 0)).map(([rule]) => rule)
}
