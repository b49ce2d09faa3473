import {unknownWithout} from '../unknown.js'
import {denialSubject} from '../../analysis/network-policy/denial-words.js'
import {allowPolicyYaml} from '../../analysis/path/policy-fix.js'
import {nearMissesOf, policyName, type PathPolicyVerdicts} from '../../analysis/path/policy-verdicts.js'
import {formatProbePort, type ProbePort} from '../../analysis/path/pod-ref.js'
import type {PolicyRef} from '../../analysis/network-policy.js'
import type {Check, CheckResult} from '../../engine/types.js'
import {clusterCni} from '../node/facts.js'
import {namespaceLabels, podEndpoint} from '../../analysis/network-policy.js'
import type {FlowVerdict} from '../../analysis/policy/index.js'
import type {Pod} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {debugPodStandIn, policyVerdicts, refOf, requirePathPods, targetPorts} from './facts.js'
import {decidedByWords, editCommand, layeredVerdict, loadPolicyLayers, notEnforcedWords, uniqueObjects, verdictEntry, type PolicyLayers} from './policy-layers.js'
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
    const {layers, flows} = await layeredVerdicts(view, a, b, ports)
    details.verdicts = flows.map((f) => verdictEntry(f.port?.port ?? null, f.port?.protocol ?? 'ICMP', f.verdict))
    details.enforcer = {name: layers.enforcer.name, model: layers.enforcer.model, known: layers.enforcer.known}
    const unenforced = notEnforcedWords(layers)
    if (unenforced) details.notEnforced = layers.set.notEnforced.map((n) => n.reason)
    if (layers.layered) return layeredResult(flows, target, details, unenforced, standIn)
    const notes = verdicts.notes.length ? `; note: ${verdicts.notes[0]}` : ''
    const icmpDecides = ports.length === 0
    const denied = denials(verdicts, icmpDecides)
    if (!verdicts.isolated) {
      // No policy seen, in a snapshot that carries no NetworkPolicy at all: "none" would be a guess.
      const notCarried = policies.length === 0 ? unknownWithout(view, [{kind: 'NetworkPolicy'}], `whether NetworkPolicies let ${target.from} reach ${target.to}`) : undefined
      if (notCarried) return notCarried
      if (unenforced) return {status: 'warn', summary: `no NetworkPolicy selects ${target.from} (egress) or ${target.to} (ingress); ${unenforced}`, details}
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

interface Flow {
  port?: ProbePort
  verdict: FlowVerdict
}

async function layeredVerdicts(view: ClusterView, a: Pod, b: Pod, ports: ProbePort[]): Promise<{layers: PolicyLayers; flows: Flow[]}> {
  const nsA = a.metadata?.namespace ?? 'default'
  const nsB = b.metadata?.namespace ?? 'default'
  const [npA, npB, namespaceA, namespaceB] = await Promise.all([view.listNetworkPolicies(nsA), nsA === nsB ? [] : view.listNetworkPolicies(nsB), view.getNamespace(nsA), view.getNamespace(nsB)])
  const layers = await loadPolicyLayers(view, [nsA, nsB], [...npA, ...npB])
  const src = podEndpoint(a, namespaceA ?? namespaceLabels(nsA))
  const dst = podEndpoint(b, namespaceB ?? namespaceLabels(nsB))
  const wanted: Array<ProbePort | undefined> = ports.length ? ports : [undefined]
  const flows = wanted.map((port) => ({
    ...(port ? {port} : {}),
    verdict: layeredVerdict(layers, src, dst, port ? {protocol: port.protocol, port: port.port, ...(port.name ? {name: port.name} : {})} : {protocol: 'ICMP', port: 0}),
  }))
  return {layers, flows}
}

/** Where a policy layer beyond NetworkPolicy is in play: the verdict, the objects that decided and the chain walked. */
function layeredResult(flows: Flow[], target: PathTarget, details: Record<string, unknown>, unenforced: string | undefined, standIn: string): CheckResult {
  const what = (f: Flow) => (f.port ? formatProbePort(f.port) : 'ICMP')
  const denied = flows.filter((f) => f.verdict.verdict === 'denied')
  const unknown = flows.filter((f) => f.verdict.verdict === 'unknown')
  const extra = `${unenforced ? `; ${unenforced}` : ''}${standIn}`
  if (denied.length > 0) {
    const first = denied[0]!.verdict
    const rules = denied.flatMap((f) => f.verdict.decidedBy)
    const decisive = first.chain.filter((step) => !/no NetworkPolicy selects|no rule denies|is not a pod/.test(step))
    return {
      status: 'fail',
      summary: `${decidedByWords(rules)} ${uniqueObjects(rules).length === 1 ? 'denies' : 'deny'} ${denied.map(what).join(', ')} from ${target.from} to ${target.to} (${decisive.join(' -> ')})${denied.length < flows.length ? `; allowed: ${flows.filter((f) => f.verdict.verdict === 'allowed').map(what).join(', ') || 'none'}` : ''}${extra}`,
      objects: uniqueObjects(rules),
      details: {...details, blockedBy: first.egress.verdict === 'denied' && first.ingress.verdict === 'denied' ? 'both' : first.egress.verdict === 'denied' ? 'egress' : 'ingress'},
      remediation: `change the object that decides, in its own API (or add a higher-precedence Allow/Pass for this flow):\n${[...new Map(rules.map((r) => [editCommand(r), r])).keys()].join('\n')}`,
    }
  }
  if (unknown.length > 0) {
    const first = unknown[0]!.verdict
    return {
      status: 'warn',
      summary: `unknown: the policies cannot tell statically whether ${unknown.map(what).join(', ')} from ${target.from} to ${target.to} is allowed: ${first.unknownBecause}${extra}`,
      objects: uniqueObjects(first.decidedBy),
      details,
      remediation: 'a live probe settles it: rerun without --no-probe (or outside a snapshot)',
    }
  }
  const rules = flows.flatMap((f) => f.verdict.decidedBy)
  return {
    status: unenforced ? 'warn' : 'pass',
    summary: `${flows.map(what).join(', ')} from ${target.from} to ${target.to} allowed${rules.length ? ` by ${decidedByWords(rules)}` : ''} (${flows[0]!.verdict.chain.join(' -> ')})${extra}`,
    objects: uniqueObjects(rules),
    details,
  }
}
