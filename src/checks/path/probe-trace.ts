import type {Check} from '../../engine/types.js'
import {lastRespondingHop, parseTracepath, parseTraceroute, tracepathCommand, tracerouteCommand, type TraceResult} from '../../probes/net.js'
import {hasTool} from '../../probes/tools.js'
import {probeTools} from '../probe-source.js'
import {internalIps} from '../node/facts.js'
import {destinationIp, podIps, requirePathPods} from './facts.js'
import {SOURCE_CHECK, type PathTarget} from './target.js'

const TRACE_MAX_HOPS = 8
const TRACE_TIMEOUT_MS = 10_000

/** The hops of a cross-node path (tracepath, else traceroute), named where they are nodes or the pods: evidence. */
export const pathProbeTraceCheck: Check<PathTarget> = {
  id: 'path.probe.trace',
  title: 'Hops A -> B',
  layer: 'pod-network',
  needsProbe: true,
  symptom: true,
  dependsOn: [SOURCE_CHECK],
  requires: () => [{verb: 'list', resource: 'nodes'}],
  async run(ctx) {
    const {view, target} = ctx
    const {a, b} = await requirePathPods(view, target)
    if (a.spec?.nodeName !== undefined && a.spec.nodeName === b.spec?.nodeName) {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: `both pods run on ${a.spec.nodeName}: the path has no hops to trace`}
    }
    const tools = probeTools(ctx, SOURCE_CHECK)
    const tool = hasTool(tools, 'tracepath') ? 'tracepath' : hasTool(tools, 'traceroute') ? 'traceroute' : undefined
    if (!tool) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'the probe image has neither tracepath nor traceroute'}
    const runner = await ctx.probes!.source()
    const host = destinationIp(a, b, target.ipFamily)!
    // A pod-to-pod path inside a cluster is a handful of hops. When the target is unreachable every hop goes
    // unanswered, so bound the trace: what it printed until then is kept and is the evidence.
    const exec = await runner.exec(tool === 'tracepath' ? tracepathCommand(host, TRACE_MAX_HOPS) : tracerouteCommand(host, TRACE_MAX_HOPS, 1), {timeoutMs: TRACE_TIMEOUT_MS})
    const output = `${exec.stdout}\n${exec.stderr}`
    const trace: TraceResult = tool === 'tracepath' ? parseTracepath(output) : parseTraceroute(output)
    const nodes = await view.listNodes().catch(() => [])
    const known = new Map<string, string>()
    for (const node of nodes) for (const ip of internalIps(node)) known.set(ip, `node ${node.metadata?.name}`)
    for (const ip of podIps(b)) known.set(ip, `pod ${target.to}`)
    const label = (ip: string) => (known.has(ip) ? `${ip} (${known.get(ip)})` : ip)
    const hops = trace.hops.map((h) => (h.noReply ? `${h.ttl}: *` : `${h.ttl}: ${h.addresses.map(label).join(', ')}${h.annotations.length ? ` ${h.annotations.join(' ')}` : ''}`))
    const details = {probeSource: runner.description, command: exec.command, tool, reached: trace.reached, pmtu: trace.pmtu ?? null, hops, output: output.trim().split('\n').slice(0, 30)}
    if (trace.reached) {
      return {status: 'pass', summary: `${trace.hops.length} hop(s) to ${target.to}: ${hops.join(' -> ')}${trace.pmtu ? `; pmtu ${trace.pmtu}` : ''}`, details}
    }
    const last = lastRespondingHop(trace)
    const prohibited = trace.hops.find((h) => h.annotations.some((x) => /^!(X|P|H|N)/.test(x)))
    return {
      status: 'warn',
      summary: `${tool} did not reach ${target.to} (${host})${last ? `: the last hop that answered is ${last.addresses.map(label).join(', ')} (TTL ${last.ttl})` : ': no hop answered'}${prohibited ? `; ${prohibited.addresses[0]} answered ${prohibited.annotations.join(' ')}` : ''} (${tool} uses UDP or ICMP probes that policies and firewalls may drop even when the ports work)`,
      details,
    }
  },
}
