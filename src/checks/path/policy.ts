import {denialSubject} from '../../analysis/network-policy/denial-words.js'
import {allowPolicyYaml} from '../../analysis/path/policy-fix.js'
import {nearMissesOf, policyName, type PathPolicyVerdicts} from '../../analysis/path/policy-verdicts.js'
import {formatProbePort, type ProbePort} from '../../analysis/path/pod-ref.js'
import type {PolicyRef} from '../../analysis/network-policy.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {clusterCni} from '../node/facts.js'
import {debugPodStandIn, policyVerdicts, refOf, requirePathPods, targetPorts} from './facts.js'
import type {PathTarget} from './target.js'

interface Denial {
  what: string
  port?: ProbePort
  blockedBy: 'egress' | 'ingress' | 'both'
  policies: PolicyRef[]
  reason?: string
}

function denials(v: PathPolicyVerdicts, icmpDecides: boolean): Denial[] {
  const out: Denial[] = v.ports
    .filter((p) => !p.verdict.allowed)
    .map((p) => ({
      what: formatProbePort(p.port),
      port: p.port,
      blockedBy: p.verdict.blockedBy ?? 'both',
      policies: p.verdict.decidingPolicies,
      ...(nearMissesOf(p.verdict)[0] ? {reason: nearMissesOf(p.verdict)[0]!.reason} : {}),
    }))
  if (icmpDecides && !v.icmp.allowed) out.push({what: 'ICMP', blockedBy: v.icmp.blockedBy ?? 'both', policies: v.icmp.policies})
  return out
}

function sideWords(blockedBy: Denial['blockedBy'], from: string, to: string): string {
  if (blockedBy === 'egress') return `egress of ${from}`
  if (blockedBy === 'ingress') return `ingress of ${to}`
  return `egress of ${from} and ingress of ${to}`
}

/** NetworkPolicy egress of PODA and ingress of PODB, per port (and ICMP), naming the policy and rule that decide. */
export const pathPolicyCheck: Check<PathTarget> = {
  id: 'path.policy',
  title: 'NetworkPolicy A -> B',
  layer: 'policy',
  dependsOn: ['path.pods'],
  requires: ({from, to}) => [
    ...[...new Set([refOf(from).namespace, refOf(to).namespace])].map((namespace) => ({verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace})),
    {verb: 'get', resource: 'namespaces'},
  ],
  async run({view, target}) {
    const {a, b} = await requirePathPods(view, target)
    const ports = targetPorts(target)
    const {verdicts, policies} = await policyVerdicts(view, a, b, ports, target.from, target.to)
    const cni = await clusterCni(view).catch(() => undefined)
    const enforced = cni?.enforcesNetworkPolicy ?? 'unknown'
    const perPort = verdicts.ports.map((p) => ({
      port: formatProbePort(p.port),
      ...(p.port.name ? {name: p.port.name} : {}),
      allowed: p.verdict.allowed,
      blockedBy: p.verdict.blockedBy ?? null,
      decidedBy: p.verdict.decidingPolicies.map(policyName),
      rules: [...p.verdict.egress.allowedBy, ...p.verdict.ingress.allowedBy].map((r) => ({policy: policyName(r.policy), direction: r.direction, rule: r.ruleIndex, ...(r.portIndex !== undefined ? {port: r.portIndex} : {})})),
      why: p.verdict.summary,
      nearMisses: nearMissesOf(p.verdict).map((m) => m.reason),
    }))
    const details: Record<string, unknown> = {
      policies,
      ports: perPort,
      icmp: {allowed: verdicts.icmp.allowed, why: verdicts.icmp.summary},
      enforcedBy: cni ? (cni.policyEngines.length ? cni.policyEngines : cni.enforcesNetworkPolicy) : 'unknown',
      notes: verdicts.notes,
    }
    let standIn = ''
    if (target.probeMode === 'pod') {
      const debug = debugPodStandIn(a.metadata?.namespace ?? 'default', a.spec?.nodeName)
      const probeView = await policyVerdicts(view, debug, b, ports, 'the debug pod', target.to)
      const probeDenied = denials(probeView.verdicts, true).map((d) => d.what)
      details.debugPodPolicy = {labels: debug.metadata?.labels, denied: probeDenied}
      standIn = `; probes run from a debug pod with netdiag's labels, for which policies ${probeDenied.length ? `deny ${probeDenied.join(', ')}` : 'allow everything probed'}`
    }
    const notes = verdicts.notes.length ? `; note: ${verdicts.notes[0]}` : ''
    const icmpDecides = ports.length === 0
    const denied = denials(verdicts, icmpDecides)
    if (!verdicts.isolated) {
      return {status: 'pass', summary: `no NetworkPolicy selects ${target.from} (egress) or ${target.to} (ingress): all traffic between them is allowed${standIn}${notes}`, details}
    }
    if (denied.length === 0) {
      const deciding = [...new Set(verdicts.ports.flatMap((p) => p.verdict.decidingPolicies.map(policyName)).concat(icmpDecides ? verdicts.icmp.policies.map(policyName) : []))]
      const icmpNote = !icmpDecides && !verdicts.icmp.allowed ? `; ${verdicts.icmp.summary} (expected: ping fails while the ports work)` : ''
      const what = icmpDecides ? 'ICMP' : ports.map(formatProbePort).join(', ')
      return {status: 'pass', summary: `${what} from ${target.from} to ${target.to} allowed${deciding.length ? ` by ${deciding.map((d) => `NetworkPolicy ${d}`).join(', ')}` : ''}${icmpNote}${standIn}${notes}`, details}
    }
    const first = denied[0]!
    const names = [...new Set(denied.flatMap((d) => d.policies.map(policyName)))]
    const whatList = denied.map((d) => d.what).join(', ')
    const summary =
      `${denialSubject(names)} ${whatList} from ${target.from} to ${target.to} ` +
      `(${sideWords(first.blockedBy, target.from, target.to)}${names.length === 1 ? ': the pod is selected and no rule allows it' : ''})${first.reason ? `; ${first.reason}` : ''}` +
      (ports.length > denied.length ? `; allowed: ${verdicts.ports.filter((p) => p.verdict.allowed).map((p) => formatProbePort(p.port)).join(', ')}` : '') +
      standIn
    const blockedPorts = denied.map((d) => d.port).filter((p): p is ProbePort => p !== undefined)
    const fixes = (first.blockedBy === 'both' ? (['egress', 'ingress'] as const) : [first.blockedBy]).map((side) => allowPolicyYaml(side, a, b, blockedPorts))
    const hostNetworkSubject = (first.blockedBy !== 'ingress' && a.spec?.hostNetwork) || (first.blockedBy !== 'egress' && b.spec?.hostNetwork)
    const result: CheckResult = {
      status: 'fail',
      summary,
      objects: names.map((n) => ({kind: 'NetworkPolicy', namespace: n.split('/')[0], name: n.split('/')[1]!})),
      details: {...details, blockedBy: first.blockedBy},
      remediation: `allow it (or fix the selector that was meant to):\n${fixes.join('\n')}`,
    }
    if (enforced === false || hostNetworkSubject) {
      result.status = 'warn'
      result.summary += hostNetworkSubject
        ? '; but the selected pod uses hostNetwork, where NetworkPolicy is generally not enforced'
        : `; but CNI ${cni!.cni} does not enforce NetworkPolicy, so the policy is decorative`
    }
    return result
  },
}
