// The backend half of `ingress` and `route`: the Services an Ingress path or a route rule sends to, checked by
// the svc checks themselves (Service exists, selector, ready endpoints), run once per backend Service, plus the
// one thing the svc checks do not know: that the port the Ingress/backendRef names is a port of the Service.
import {findServicePort, portSelector} from '../analysis/backend-port.js'
import type {ObjectRef} from '../cluster/types.js'
import type {Check, CheckContext, CheckResult} from '../engine/types.js'
import {SEVERITY, worstStatus} from './per-view.js'
import {endpointsCheck} from './svc/endpoints.js'
import {selectorCheck} from './svc/selector.js'
import {serviceCheck} from './svc/service.js'
import type {SvcTarget} from './svc/target.js'

export interface ServiceBackend {
  namespace: string
  name: string
  /** The Service port as the Ingress (number or name) or the backendRef (number) gives it. */
  port?: number | string
  /** Where the reference is: "rules[0].http.paths[1]", "rules[0].backendRefs[0]". */
  via: string
}

export type BackendLister<T> = (ctx: CheckContext<T>) => Promise<ServiceBackend[]>


function describeBackend(b: ServiceBackend): string {
  return `Service ${b.namespace}/${b.name}${b.port !== undefined ? ` port ${b.port}` : ''}`
}

/** One result for several backends: the worst status; every backend's result in details. */
export function combineBackendResults(results: Array<{backend: ServiceBackend; result: CheckResult}>): CheckResult {
  if (results.length === 1) {
    const [{backend, result}] = results as [{backend: ServiceBackend; result: CheckResult}]
    return {...result, details: {...result.details, backend: {...backend}}}
  }
  const status = worstStatus(results.map((r) => r.result.status))
  const ordered = [...results].sort((a, b) => SEVERITY.indexOf(b.result.status) - SEVERITY.indexOf(a.result.status))
  const shown = status === 'pass' || status === 'skip' ? ordered : ordered.filter((r) => r.result.status === status)
  const objects = new Map<string, ObjectRef>()
  for (const r of ordered) for (const o of r.result.objects ?? []) objects.set(`${o.kind}|${o.namespace ?? ''}|${o.name}`, o)
  const first = ordered.find((r) => r.result.remediation)
  return {
    status,
    summary: `${results.length} backends: ${shown.map((r) => r.result.summary).join('; ')}`,
    objects: [...objects.values()],
    details: {backends: results.map((r) => ({...r.backend, status: r.result.status, summary: r.result.summary, details: r.result.details ?? {}}))},
    ...(first?.result.remediation && status !== 'pass' ? {remediation: first.result.remediation} : {}),
    ...(status === 'skip' ? {skippedBecause: ordered[0]?.result.skippedBecause ?? 'not-applicable'} : {}),
  }
}

async function eachBackend<T>(ctx: CheckContext<T>, list: BackendLister<T>, run: (backend: ServiceBackend) => Promise<CheckResult>): Promise<CheckResult> {
  const backends = await list(ctx)
  if (backends.length === 0) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no backend Service to check'}
  const results: Array<{backend: ServiceBackend; result: CheckResult}> = []
  for (const backend of backends) results.push({backend, result: await run(backend)})
  return combineBackendResults(results)
}

async function svcTarget<T>(ctx: CheckContext<T>, backend: ServiceBackend): Promise<SvcTarget | undefined> {
  const service = await ctx.view.getService(backend.namespace, backend.name)
  const port = service ? findServicePort(service, backend.port).port : undefined
  return port ? {namespace: backend.namespace, name: backend.name, port: portSelector(port)} : undefined
}

/** Runs one svc check for a backend, as `svc NAME -n NS --port P` would. */
function wrapped<T>(check: Check<SvcTarget>, ctx: CheckContext<T>, target: SvcTarget): Promise<CheckResult> {
  return check.run({...ctx, target, result: () => undefined} as CheckContext<SvcTarget>)
}

/**
 * The backend checks of an area (`ingress`, `route`): Service exists, the port exists, the selector matches
 * pods, ready endpoints. `after` are the ids the first one waits for (the check that picks the backends).
 */
export function backendChecks<T extends {namespace: string}>(area: string, list: BackendLister<T>, after: string[]): Check<T>[] {
  const id = (what: string) => `${area}.backend.${what}`
  const service: Check<T> = {
    id: id('service'),
    title: 'Backend Service exists',
    layer: 'service',
    dependsOn: after,
    requires: ({namespace}) => [{verb: 'get', resource: 'services', namespace}],
    run: (ctx) => eachBackend(ctx, list, (b) => wrapped(serviceCheck, ctx, {namespace: b.namespace, name: b.name})),
  }
  const port: Check<T> = {
    id: id('port'),
    title: 'Backend Service port',
    layer: 'service',
    dependsOn: [service.id],
    requires: ({namespace}) => [{verb: 'get', resource: 'services', namespace}],
    run: (ctx) =>
      eachBackend(ctx, list, async (b) => {
        const found = await ctx.view.getService(b.namespace, b.name)
        const ref = {kind: 'Service', namespace: b.namespace, name: b.name}
        if (!found) return {status: 'fail', summary: `${describeBackend(b)}: the Service does not exist`, objects: [ref]}
        const lookup = findServicePort(found, b.port)
        if (lookup.error !== undefined) {
          return {
            status: 'fail',
            summary: `${b.via} names ${describeBackend(b)}, but ${lookup.error}`,
            objects: [ref],
            details: {via: b.via, ports: (found.spec?.ports ?? []).map((p) => ({name: p.name, port: p.port}))},
            remediation: `point ${b.via} at one of the Service's ports (kubectl -n ${b.namespace} get service ${b.name} -o jsonpath='{.spec.ports}'), or add the port to the Service`,
          }
        }
        const p = lookup.port
        return {status: 'pass', summary: `${b.via} -> ${describeBackend(b)}: Service port ${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'} -> targetPort ${p.targetPort ?? p.port}`, objects: [ref], details: {via: b.via, port: p.port, name: p.name ?? null, targetPort: p.targetPort ?? p.port}}
      }),
  }
  const withTarget = (check: Check<SvcTarget>) => (ctx: CheckContext<T>) =>
    eachBackend(ctx, list, async (b) => {
      const target = await svcTarget(ctx, b)
      if (!target) return {status: 'skip', skippedBecause: id('port'), summary: `${describeBackend(b)}: no such Service port`}
      return wrapped(check, ctx, target)
    })
  const selector: Check<T> = {
    id: id('selector'),
    title: 'Backend selector matches pods',
    layer: 'service',
    dependsOn: [port.id],
    requires: ({namespace}) => [{verb: 'list', resource: 'pods', namespace}],
    run: withTarget(selectorCheck),
  }
  const endpoints: Check<T> = {
    id: id('endpoints'),
    title: 'Backend ready endpoints',
    layer: 'service',
    // As in the svc plan: when the selector matches no pod, that is the cause and the empty endpoints its effect.
    dependsOn: [selector.id],
    requires: ({namespace}) => [
      {verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', namespace},
      {verb: 'list', resource: 'pods', namespace},
    ],
    run: withTarget(endpointsCheck),
  }
  return [service, port, selector, endpoints]
}
