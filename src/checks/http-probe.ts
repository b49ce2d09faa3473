// The live half of `ingress` and `route`: from a debug pod, the user's request through the controller's
// in-cluster address (with the Host header, and SNI for https) and the same request straight to backend pods,
// so the report names the hop that fails and its status code or error; then whether that agrees with the
// static checks (a contradiction is a finding).
import {findServicePort, portSelector} from '../analysis/backend-port.js'
import type {ControllerAddress} from '../analysis/ingress/controller-address.js'
import {type HopProbe, interpretHops, probeAgreement} from '../analysis/ingress/http-hops.js'
import {curlCommand, describeOutcome, type HttpOutcome, parseCurl} from '../probes/http.js'
import type {ObjectRef} from '../cluster/types.js'
import type {Check, CheckContext, ProbeRunner} from '../engine/types.js'
import type {BackendLister} from './backends.js'
import {sliceSummary} from './svc/facts.js'

const CURL_TIMEOUT_SECONDS = 6
/** Backend pods asked directly, in all. */
const MAX_DIRECT = 2

export interface HttpProbePlan {
  scheme: 'http' | 'https'
  host?: string
  path: string
  /** Undefined when the controller (or Gateway) has no address we could find; `why` says so. */
  through?: ControllerAddress
  why?: string
  /** Set when the probe does not apply to this target (a GRPCRoute): the check is skipped with this reason. */
  notApplicable?: string
  objects: ObjectRef[]
}

export interface HttpProbeSpec<T> {
  area: 'ingress' | 'route'
  plan: (ctx: CheckContext<T>) => Promise<HttpProbePlan>
  backends: BackendLister<T>
  policyId: string
}

async function request(runner: ProbeRunner, scheme: 'http' | 'https', address: string, port: number, host: string | undefined, path: string): Promise<{outcome: HttpOutcome; command: string}> {
  const exec = await runner.exec(curlCommand({scheme, address, port, ...(host ? {host} : {}), path, timeoutSeconds: CURL_TIMEOUT_SECONDS}), {timeoutMs: (CURL_TIMEOUT_SECONDS + 6) * 1000})
  return {outcome: parseCurl(exec.stdout, exec.stderr, exec.exitCode, exec.timedOut), command: exec.command}
}

interface DirectTarget {
  pod?: string
  namespace: string
  address: string
  port: number
}

/** Ready endpoints of the backends in scope (the first few), and whether every backend has none. */
async function directTargets<T>(ctx: CheckContext<T>, list: BackendLister<T>): Promise<{targets: DirectTarget[]; noReadyBackend: boolean}> {
  const backends = await list(ctx)
  const targets: DirectTarget[] = []
  let withReady = 0
  let known = 0
  for (const b of backends) {
    const service = await ctx.view.getService(b.namespace, b.name)
    const port = service ? findServicePort(service, b.port).port : undefined
    if (!service || !port) continue
    known++
    const summary = await sliceSummary(ctx.view, {namespace: b.namespace, name: b.name, port: portSelector(port)}, service)
    const ready = summary.ports.flatMap((p) => p.endpoints.filter((e) => e.ready))
    if (ready.length > 0) withReady++
    for (const e of ready) if (targets.length < MAX_DIRECT) targets.push({namespace: b.namespace, address: e.address, port: e.port, ...(e.pod ? {pod: e.pod} : {})})
  }
  return {targets, noReadyBackend: known > 0 && withReady === 0}
}

function requestText(plan: HttpProbePlan): string {
  return `${plan.scheme}://${plan.host ?? '(no host)'}${plan.path}`
}

/** `<area>.probe.http`: the request through the controller and straight to backend pods, and the hop that fails. */
export function httpProbeCheck<T extends {namespace: string}>(spec: HttpProbeSpec<T>): Check<T> {
  const httpId = `${spec.area}.probe.http`
  return {
    id: httpId,
    title: 'HTTP request through the controller',
    layer: 'service',
    dependsOn: [`${spec.area}.probe.source`],
    // Reads the policy verdict to say whether it explains a stopped hop; never skipped because it failed.
    after: [spec.policyId],
    needsProbe: true,
    symptom: true,
    requires: () => [{verb: 'list', resource: 'services'}],
    async run(ctx) {
      const plan = await spec.plan(ctx)
      if (plan.notApplicable) return {status: 'skip', skippedBecause: 'not-applicable', summary: plan.notApplicable, objects: plan.objects}
      const runner = await ctx.probes!.source()
      const {targets, noReadyBackend} = await directTargets(ctx, spec.backends)
      const [through, ...direct] = await Promise.all([
        plan.through ? request(runner, plan.scheme, plan.through.address, plan.through.port, plan.host, plan.path) : undefined,
        // Backends speak plain HTTP behind the controller unless an annotation or appProtocol says otherwise.
        ...targets.map((t) => request(runner, 'http', t.address, t.port, plan.host, plan.path)),
      ])
      const directHops: HopProbe[] = direct.map((d, i) => ({target: `pod ${targets[i]!.pod ?? targets[i]!.address} ${targets[i]!.address}:${targets[i]!.port}`, outcome: d!.outcome}))
      const verdict = interpretHops({
        request: requestText(plan),
        ...(plan.through && through ? {through: {target: `${plan.through.describe} (${plan.through.address}:${plan.through.port})`, outcome: through.outcome}} : {}),
        direct: directHops,
        noReadyBackend,
        policyBlocks: ctx.result(spec.policyId)?.status === 'fail',
        gatewayApi: spec.area === 'route',
      })
      const objects: ObjectRef[] = [...plan.objects, ...targets.filter((t) => t.pod).map((t) => ({kind: 'Pod', namespace: t.namespace, name: t.pod!}))]
      const details = {
        probeSource: runner.description,
        request: requestText(plan),
        hop: verdict.hop,
        through: plan.through && through ? {address: plan.through.address, port: plan.through.port, target: plan.through.describe, outcome: describeOutcome(through.outcome), status: through.outcome.kind === 'response' ? through.outcome.status : null, command: through.command} : {reason: plan.why ?? null},
        direct: direct.map((d, i) => ({pod: targets[i]!.pod ?? null, address: targets[i]!.address, port: targets[i]!.port, outcome: describeOutcome(d!.outcome), status: d!.outcome.kind === 'response' ? d!.outcome.status : null, command: d!.command})),
        noReadyBackend,
      }
      const summary = !plan.through && plan.why ? `${verdict.summary}: ${plan.why}` : verdict.summary
      return {status: verdict.status, summary, objects, details, ...(verdict.remediation ? {remediation: verdict.remediation} : {})}
    },
  }
}

/**
 * `<area>.probe.agreement`: whether the probe tells the story the static checks tell. It runs after them and the
 * probe without depending on them, because a failure on either side is exactly what it compares.
 */
export function probeAgreementCheck<T>(area: 'ingress' | 'route', staticIds: string[]): Check<T> {
  const httpId = `${area}.probe.http`
  return {
    id: `${area}.probe.agreement`,
    title: 'Probe agrees with the static analysis',
    layer: 'service',
    needsProbe: true,
    after: [...staticIds, httpId],
    async run(ctx) {
      const probe = ctx.result(httpId)
      if (!probe || probe.status === 'skip' || probe.status === 'error') return {status: 'skip', skippedBecause: httpId, summary: `skipped: ${httpId} did not run`}
      const failures = staticIds.map((id) => ({id, result: ctx.result(id)})).filter((r) => r.result?.status === 'fail').map((r) => ({id: r.id, summary: r.result!.summary}))
      // A request the probe could not judge (warn: no address, no curl) neither confirms nor contradicts.
      if (probe.status === 'warn' && (probe.details?.hop === 'none')) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'the probe did not decide whether the request works'}
      const verdict = probeAgreement({failed: probe.status === 'fail', summary: probe.summary}, failures)
      return {...verdict, details: {probe: probe.status, staticFailures: failures.map((f) => f.id)}}
    },
  }
}
