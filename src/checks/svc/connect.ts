import {familyOf, serviceFamilies, type IpFamilyName} from '../../analysis/svc/ip-families.js'
import {interpretPortMatrix, type ConnectAttempt, type MatrixInterpretation} from '../../analysis/svc/probe-matrix.js'
import {describeServicePort} from '../../analysis/svc/service-ports.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import {normalizeProtocol} from '../../analysis/ports.js'
import {ncCommand, parseNc} from '../../probes/net.js'
import type {Check, ProbeRunner} from '../../engine/types.js'
import {anchorJobAccess} from '../probe-source.js'
import {portsInScope, requireService, serviceRef, sliceSummary} from './facts.js'
import {MAX_PROBED_ENDPOINTS, type SvcTarget} from './target.js'

const NC_TIMEOUT_SECONDS = 3

async function connect(runner: ProbeRunner, host: string, port: number, udp: boolean, extra: Partial<ConnectAttempt> = {}): Promise<ConnectAttempt & {command: string; exitCode: number}> {
  const exec = await runner.exec(ncCommand({host, port, udp, timeoutSeconds: NC_TIMEOUT_SECONDS}), {timeoutMs: (NC_TIMEOUT_SECONDS + 5) * 1000})
  const parsed = exec.exitCode === 127 ? {outcome: 'unsupported' as const, message: 'nc not found in the probe image'} : parseNc(`${exec.stdout}\n${exec.stderr}`, {exitCode: exec.exitCode, udp, timedOut: exec.timedOut})
  return {host, port, outcome: parsed.outcome, ...(parsed.message ? {message: parsed.message} : {}), ...extra, command: exec.command, exitCode: exec.exitCode}
}

/** TCP (or UDP) connect to ClusterIP:port and to every ready endpoint IP:targetPort, and what the matrix means. */
export const connectCheck: Check<SvcTarget> = {
  id: 'svc.connect',
  title: 'Connect to the Service',
  layer: 'service',
  dependsOn: ['svc.service'],
  needsProbe: true,
  symptom: true,
  requires: ({namespace, fromPod}) =>
    fromPod
      ? [{verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}]
      : [{verb: 'create', resource: 'pods', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}, ...anchorJobAccess(namespace)],
  async run(ctx) {
    const {view, target} = ctx
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    const kind = serviceKind(service)
    if (kind === 'ExternalName') {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'ExternalName Service: clients connect to the external name directly', objects: [ref]}
    }
    // A dual-stack Service (or a client of one family, --ip-family) is probed per family: that family's
    // ClusterIP and its endpoints' addresses of that family. Otherwise, as a single-stack client sees it.
    const families = serviceFamilies(service)
    const perFamily = target.ipFamily !== undefined || families.families.length > 1
    const scope: Array<IpFamilyName | undefined> = !perFamily ? [undefined] : target.ipFamily ? families.families.filter((f) => f === target.ipFamily) : families.families
    if (scope.length === 0) {
      return {status: 'skip', skippedBecause: 'svc.ip-families', summary: `Service ${target.namespace}/${target.name} has no ${target.ipFamily} address to connect to (see svc.ip-families)`, objects: [ref]}
    }
    const runner = await ctx.probes!.source()
    const slices = await sliceSummary(view, target, service)
    const clientNode = typeof runner.details.node === 'string' ? runner.details.node : undefined
    const policyBlocks = ctx.result('svc.policy')?.status === 'fail'
    const results: Array<{port: string; interpretation: MatrixInterpretation; attempts: Array<Record<string, unknown>>}> = []
    for (const [sp, family] of portsInScope(service, target).flatMap((p) => scope.map((f) => [p, f] as const))) {
      const protocol = normalizeProtocol(sp.protocol)
      const label = `${target.namespace}/${target.name} port ${describeServicePort(sp)}${family ? ` over ${family}` : ''}`
      if (protocol === 'SCTP') continue
      const udp = protocol === 'UDP'
      const clusterIp = kind === 'headless' ? undefined : family ? families.clusterIps[family] : service.spec?.clusterIP
      const endpoints = slices.ports.find((p) => p.port === sp.port && p.protocol === protocol)?.endpoints.filter((e) => e.ready && (!family || familyOf(e.address) === family)) ?? []
      const probed = endpoints.slice(0, MAX_PROBED_ENDPOINTS)
      const attempts = await Promise.all([
        clusterIp ? connect(runner, clusterIp, sp.port, udp) : undefined,
        ...probed.map((e) => connect(runner, e.address, e.port, udp, {...(e.pod ? {pod: e.pod} : {}), ...(e.nodeName ? {node: e.nodeName} : {})})),
      ])
      const [cip, ...direct] = attempts
      const interpretation = interpretPortMatrix({
        label,
        protocol,
        ...(cip ? {clusterIp: cip} : {}),
        endpoints: direct as ConnectAttempt[],
        skippedEndpoints: endpoints.length - probed.length,
        ...(clientNode ? {clientNode} : {}),
        policyBlocks,
      })
      results.push({port: `${describeServicePort(sp)}${family ? ` (${family})` : ''}`, interpretation, attempts: attempts.filter((a) => a !== undefined).map((a) => ({target: a === cip ? 'cluster-ip' : 'endpoint', host: a.host, port: a.port, outcome: a.outcome, pod: a.pod, node: a.node, command: a.command, message: a.message}))})
    }
    const details = {probeSource: runner.description, clientNode: clientNode ?? null, ports: results.map((r) => ({port: r.port, verdict: r.interpretation.verdict, attempts: r.attempts}))}
    if (results.length === 0) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'no TCP or UDP port to probe (nc cannot probe SCTP)', objects: [ref], details}
    const rank = {fail: 2, warn: 1, pass: 0}
    const worst = [...results].sort((a, b) => rank[b.interpretation.status] - rank[a.interpretation.status])[0]!.interpretation
    const evidencePods = worst.evidence.filter((e) => e.pod).map((e) => ({kind: 'Pod', namespace: target.namespace, name: e.pod!}))
    return {
      status: worst.status,
      summary: worst.status === 'pass' ? results.map((r) => r.interpretation.summary).join('; ') : worst.summary,
      objects: [ref, ...evidencePods],
      details,
      ...(worst.remediation ? {remediation: worst.remediation} : {}),
    }
  },
}
