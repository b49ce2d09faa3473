import {ipFamily} from '../../analysis/cidr.js'
import {encapOverhead, pathMtuVerdict} from '../../analysis/node/mtu.js'
import type {Check, ProbeRunner} from '../../engine/types.js'
import {IP_LINK_JSON_COMMAND, parseIpLinkJson, parsePing, pathMtuBisect, pingCommand, pingPayloadForMtu, type IpLink} from '../../probes/net.js'
import {probeTools} from '../probe-source.js'
import {clusterCni} from '../node/facts.js'
import {destinationIp, requirePathPods} from './facts.js'
import {SOURCE_CHECK, type PathTarget} from './target.js'

/** The smallest packet every IPv4 host must accept (RFC 791): the bisection's floor. */
const MIN_PACKET = 576

async function sourceInterface(runner: ProbeRunner): Promise<{link?: IpLink; evidence: string}> {
  const exec = await runner.exec(IP_LINK_JSON_COMMAND, {timeoutMs: 10_000})
  if (exec.exitCode !== 0) return {evidence: `${exec.command}: ${(exec.stderr || exec.stdout).trim().split('\n')[0] || `exit ${exec.exitCode}`}`}
  try {
    const links = parseIpLinkJson(exec.stdout)
    const link = links.find((l) => l.name === 'eth0') ?? links.find((l) => l.name !== 'lo' && l.up)
    return link ? {link, evidence: `${link.name} mtu ${link.mtu}`} : {evidence: 'no interface besides lo'}
  } catch {
    return {evidence: `${exec.command}: unreadable output`}
  }
}

/**
 * Path MTU between the pods: DF pings bisecting the largest size that gets through, compared with A's eth0 MTU
 * and the encapsulation's overhead. Small packets pass while large ones vanish is the classic MTU mismatch.
 */
export const pathProbeMtuCheck: Check<PathTarget> = {
  id: 'path.probe.mtu',
  title: 'Path MTU A -> B',
  layer: 'pod-network',
  needsProbe: true,
  dependsOn: [SOURCE_CHECK],
  requires: ({from}) => [{verb: 'get', resource: 'pods', namespace: from.split('/')[0]}],
  async run(ctx) {
    const {view, target} = ctx
    const {a, b} = await requirePathPods(view, target)
    const tools = probeTools(ctx, SOURCE_CHECK)
    const ping = tools.available.ping
    if (tools.complete && !ping) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'the probe image has no ping: path MTU not measured (use --image nicolaka/netshoot)'}
    if (ping?.busybox) return {status: 'skip', skippedBecause: 'not-applicable', summary: 'busybox ping cannot set Don\'t Fragment (-M do): path MTU not measured (use --image nicolaka/netshoot)'}
    const runner = await ctx.probes!.source()
    const host = destinationIp(a, b, target.ipFamily)!
    const ipv6 = ipFamily(host) === 6
    const headers = ipv6 ? 48 : 28
    const [iface, cni] = await Promise.all([sourceInterface(runner), clusterCni(view).catch(() => undefined)])
    const podMtu = iface.link?.mtu ?? 1500
    const sameNode = a.spec?.nodeName !== undefined && a.spec.nodeName === b.spec?.nodeName
    const encap = sameNode ? 'none' : cni?.encapsulation
    const sourceWord = target.probeMode === 'pod' ? "the debug pod's" : `${target.from}'s`
    const tried: Array<{size: number; ok: boolean; evidence?: string}> = []
    let reportedMtu: number | undefined
    const pings = new Map<number, Promise<boolean>>()
    // Each size is pinged once; `tried` keeps the order they were asked for, whichever answers first.
    const test = (payload: number): Promise<boolean> => {
      const known = pings.get(payload)
      if (known) return known
      const entry: (typeof tried)[number] = {size: payload, ok: false}
      tried.push(entry)
      const ping = runner.exec(pingCommand({host, count: 2, timeoutSeconds: 1, intervalSeconds: 0.2, dontFragment: true, size: payload}), {timeoutMs: 10_000}).then((exec) => {
        const parsed = parsePing(`${exec.stdout}\n${exec.stderr}`)
        reportedMtu ??= parsed.fragNeededMtu ?? parsed.localTooBig?.mtu
        Object.assign(entry, {ok: parsed.outcome === 'reply'}, parsed.evidence ? {evidence: parsed.evidence} : {})
        return entry.ok
      })
      pings.set(payload, ping)
      return ping
    }
    const details: Record<string, unknown> = {probeSource: runner.description, target: host, sourceInterface: iface.evidence, podMtu, encapsulation: encap ?? 'unknown', tried}
    const hi = pingPayloadForMtu(podMtu, ipv6)
    const lo = Math.min(hi, MIN_PACKET - headers)
    // The small ping (is B reachable at all?) and the full-size one (the common answer) go out together.
    const [reachable] = await Promise.all([test(56), test(hi)])
    if (!reachable) {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: `no ping reply from ${target.to} (${host}) even at 56 bytes: the path MTU cannot be measured (see path.probe.connect)`, details}
    }
    const bisection = await pathMtuBisect(lo, hi, test)
    const verdict = pathMtuVerdict({
      ...(bisection.maxPassing !== undefined ? {probeMaxPayload: bisection.maxPassing} : {}),
      podMtu,
      ...(encap ? {encap} : {}),
      ...(reportedMtu !== undefined ? {reportedMtu} : {}),
      ipv6,
    })
    Object.assign(details, {maxPayload: bisection.maxPassing ?? null, pathMtu: bisection.maxPassing !== undefined ? bisection.maxPassing + headers : null, reportedMtu: reportedMtu ?? null})
    const overhead = encap ? encapOverhead(encap) : undefined
    const overheadText = !sameNode && cni && overhead !== undefined && overhead > 0 ? `; ${cni.cni} ${encap} adds ${overhead} bytes per packet between nodes, so pod MTU must be at most the node NIC MTU minus ${overhead}` : ''
    const peer = `${target.to}'s MTU is not visible through the API (assumed equal to ${sourceWord} eth0 ${podMtu}${iface.link ? '' : `, read failed: ${iface.evidence}`}); compare the NIC and veth MTUs with kubectl netdiag node ${[a.spec?.nodeName, sameNode ? undefined : b.spec?.nodeName].filter(Boolean).join(' / ')}`
    if (bisection.maxPassing === undefined) {
      return {status: 'fail', summary: `small pings reach ${target.to} but none of ${lo + headers}-${podMtu} bytes with Don't Fragment does: MTU mismatch on the path${overheadText}`, details, remediation: `lower the pod MTU in the CNI configuration; ${peer}`}
    }
    return {
      status: verdict.status,
      summary: verdict.status === 'pass' ? `${verdict.message} (${sourceWord} eth0)` : `${verdict.message}${overheadText}`,
      details: {...details, code: verdict.code},
      ...(verdict.remediation ? {remediation: `${verdict.remediation}; ${peer}`} : {}),
    }
  },
}
