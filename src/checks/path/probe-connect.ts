import {interpretPathProbes, type PingOutcome, type TcpOutcome} from '../../analysis/path/connectivity.js'
import {worstStatus, type Finding} from '../../analysis/node/finding.js'
import {formatProbePort} from '../../analysis/path/pod-ref.js'
import {policyName} from '../../analysis/path/policy-verdicts.js'
import type {Check, ProbeRunner} from '../../engine/types.js'
import {ncCommand, parseNc, parsePing, pingCommand} from '../../probes/net.js'
import {hasTool} from '../../probes/tools.js'
import {probeTools} from '../probe-source.js'
import {clusterCni} from '../node/facts.js'
import {namespaceLabels, podEndpoint} from '../../analysis/network-policy.js'
import {debugPodStandIn, destinationIp, policyVerdicts, requirePathPods, targetPorts} from './facts.js'
import {decidedByWords, layeredVerdict, loadPolicyLayers, unevaluatedSuspects} from './policy-layers.js'
import {SOURCE_CHECK, type PathTarget} from './target.js'

const NC_TIMEOUT_SECONDS = 3

async function ping(runner: ProbeRunner, host: string): Promise<{outcome?: PingOutcome; command: string; evidence?: string}> {
  const exec = await runner.exec(pingCommand({host, count: 3, timeoutSeconds: 2, intervalSeconds: 0.2}), {timeoutMs: 15_000})
  if (exec.exitCode === 127) return {command: exec.command, evidence: 'ping not found in the probe image'}
  const parsed = parsePing(`${exec.stdout}\n${exec.stderr}`)
  return {outcome: parsed.outcome, command: exec.command, ...(parsed.evidence ? {evidence: parsed.evidence} : {})}
}

async function connect(runner: ProbeRunner, host: string, port: number, udp: boolean): Promise<{outcome: TcpOutcome; command: string; message?: string}> {
  const exec = await runner.exec(ncCommand({host, port, udp, timeoutSeconds: NC_TIMEOUT_SECONDS}), {timeoutMs: (NC_TIMEOUT_SECONDS + 5) * 1000})
  if (exec.exitCode === 127) return {outcome: 'unsupported', command: exec.command, message: 'nc not found in the probe image'}
  const parsed = parseNc(`${exec.stdout}\n${exec.stderr}`, {exitCode: exec.exitCode, udp, timedOut: exec.timedOut})
  return {outcome: parsed.outcome, command: exec.command, ...(parsed.message ? {message: parsed.message} : {})}
}

/** ICMP to B and TCP/UDP to each port, read together with the policy verdict: refused, policy drop, or the pod network. */
export const pathProbeConnectCheck: Check<PathTarget> = {
  id: 'path.probe.connect',
  title: 'Connect A -> B',
  layer: 'pod-network',
  needsProbe: true,
  symptom: true,
  dependsOn: [SOURCE_CHECK],
  requires: ({from, to}) => [{verb: 'get', resource: 'pods', namespace: from.split('/')[0]}, {verb: 'get', resource: 'pods', namespace: to.split('/')[0]}],
  async run(ctx) {
    const {view, target} = ctx
    const {a, b} = await requirePathPods(view, target)
    const runner = await ctx.probes!.source()
    const tools = probeTools(ctx, SOURCE_CHECK)
    const host = destinationIp(a, b, target.ipFamily)!
    const ports = targetPorts(target)
    const source = target.probeMode === 'pod' ? debugPodStandIn(a.metadata?.namespace ?? 'default', a.spec?.nodeName) : a
    const from = target.probeMode === 'pod' ? `a debug pod on ${a.spec?.nodeName ?? "A's node"}` : target.from
    const [{verdicts}, cni] = await Promise.all([policyVerdicts(view, source, b, ports, from, target.to), clusterCni(view).catch(() => undefined)])
    // A --probe-mode pod debug pod is pinned to A's node, so the path is A's either way.
    const sameNode = a.spec?.nodeName !== undefined && a.spec.nodeName === b.spec?.nodeName
    const canNc = hasTool(tools, 'nc') || !tools.complete
    // SCTP is only accepted where nothing is probed (nc cannot speak it).
    const probed = ports.filter((p): p is typeof p & {protocol: 'TCP' | 'UDP'} => p.protocol !== 'SCTP')
    // ping and every port at once: an unreachable target costs one timeout, not one per probe.
    const [icmp, ...connects] = await Promise.all([
      hasTool(tools, 'ping') || !tools.complete ? ping(runner, host) : Promise.resolve({command: '', evidence: 'the probe image has no ping'} as Awaited<ReturnType<typeof ping>>),
      ...probed.map((port) => (canNc ? connect(runner, host, port.port, port.protocol === 'UDP') : Promise.resolve({outcome: 'unsupported' as const, command: '', message: 'the probe image has no nc'}))),
    ])
    const base = {from, to: target.to, toIp: host, sameNode, ...(icmp.outcome ? {ping: icmp.outcome} : {}), ...(cni ? {encapsulation: cni.encapsulation, cni: cni.cni} : {})}
    const enforced = cni?.enforcesNetworkPolicy ?? 'unknown'
    // Every policy layer, not just NetworkPolicy: a drop the layers predict names its object; one they allow names the suspects.
    const nsA = source.metadata?.namespace ?? 'default'
    const nsB = b.metadata?.namespace ?? 'default'
    const [npA, npB, namespaceA, namespaceB] = await Promise.all([view.listNetworkPolicies(nsA), nsA === nsB ? [] : view.listNetworkPolicies(nsB), view.getNamespace(nsA), view.getNamespace(nsB)])
    const layers = await loadPolicyLayers(view, [nsA, nsB], [...npA, ...npB])
    const srcEndpoint = podEndpoint(source, namespaceA ?? namespaceLabels(nsA))
    const dstEndpoint = podEndpoint(b, namespaceB ?? namespaceLabels(nsB))
    const suspects = unevaluatedSuspects(layers, [a.spec?.nodeName, b.spec?.nodeName])
    const policyFor = (traffic: {protocol: string; port: number}, np: {allowed: boolean; policies: string[]}) => {
      if (!layers.layered) return {...np, enforced, suspects}
      const v = layeredVerdict(layers, srcEndpoint, dstEndpoint, traffic)
      return {allowed: v.verdict !== 'denied', policies: [] as string[], enforced: true, ...(v.verdict === 'denied' ? {label: decidedByWords(v.decidedBy)} : {}), suspects}
    }
    const findings: Array<{finding: Finding; port?: string; command?: string; message?: string}> = []
    if (ports.length === 0) {
      findings.push({finding: interpretPathProbes({...base, policy: policyFor({protocol: 'ICMP', port: 0}, {allowed: verdicts.icmp.allowed, policies: verdicts.icmp.policies.map(policyName)})})})
    }
    for (const [i, port] of probed.entries()) {
      const verdict = verdicts.ports.find((p) => p.port.port === port.port && p.port.protocol === port.protocol)!.verdict
      const tcp: {outcome: TcpOutcome | 'unsupported'; command: string; message?: string} = connects[i]!
      const finding = interpretPathProbes({
        ...base,
        port: port.port,
        protocol: port.protocol,
        tcp: tcp.outcome,
        policy: policyFor({protocol: port.protocol, port: port.port}, {allowed: verdict.allowed, policies: verdict.decidingPolicies.map(policyName)}),
      })
      findings.push({finding, port: formatProbePort(port), command: tcp.command, ...(tcp.message ? {message: tcp.message} : {})})
    }
    const status = worstStatus(findings.map((f) => f.finding))
    const worst = findings.find((f) => f.finding.status === status)!
    const details = {
      probeSource: runner.description,
      target: host,
      sameNode,
      ping: {outcome: icmp.outcome ?? null, command: icmp.command, evidence: icmp.evidence ?? null, policyAllows: verdicts.icmp.allowed},
      results: findings.map((f) => ({port: f.port ?? 'ICMP', status: f.finding.status, code: f.finding.code, message: f.finding.message, command: f.command ?? icmp.command, output: f.message ?? icmp.evidence ?? null})),
    }
    const summary = status === 'pass' ? findings.map((f) => f.finding.message).join('; ') : `${worst.finding.message}${findings.length > 1 ? ` (${findings.filter((f) => f.finding.status === 'pass').length}/${findings.length} ports pass)` : ''}`
    const policyObjects = [...new Set(findings.flatMap((f) => ((f.finding.details?.policies as string[] | undefined) ?? [])))].map((n) => ({kind: 'NetworkPolicy', namespace: n.split('/')[0], name: n.split('/')[1]!}))
    return {
      status,
      summary,
      objects: [{kind: 'Pod', namespace: a.metadata?.namespace, name: a.metadata!.name!}, {kind: 'Pod', namespace: b.metadata?.namespace, name: b.metadata!.name!}, ...policyObjects],
      details,
      ...(worst.finding.remediation ? {remediation: worst.finding.remediation} : {}),
    }
  },
}
