import {worstStatus, type Finding} from '../../analysis/node/finding.js'
import type {CheckContext, CheckResult} from '../../engine/types.js'
import {nodeProbe, nodeRef, type NodeProbe} from './facts.js'
import type {NodeTarget} from './target.js'

export interface NodeFindings {
  node: string
  findings: Finding[]
}

const RANK = {fail: 2, warn: 1, pass: 0} as const

/**
 * One check result over many nodes: the status of the worst node, its first finding as the summary (with the
 * other nodes where the same code appears), and every node's findings in details.nodes (the per-node table).
 */
export function combineNodeFindings(perNode: NodeFindings[], options: {what: string; unprobed?: Array<{node: string; reason: string}>}): CheckResult {
  const unprobed = options.unprobed ?? []
  const nodes: Record<string, unknown> = {}
  for (const n of perNode) nodes[n.node] = {status: worstStatus(n.findings), findings: n.findings.map((f) => ({status: f.status, code: f.code, message: f.message}))}
  for (const u of unprobed) nodes[u.node] = {status: 'error', reason: u.reason}
  const details = {nodes}
  const judged = perNode.filter((n) => n.findings.length > 0)
  if (judged.length === 0) {
    if (unprobed.length > 0) return {status: 'error', summary: `${options.what}: no node could be probed (${unprobed.map((u) => `${u.node}: ${u.reason}`).join('; ')})`, details}
    return {status: 'skip', skippedBecause: 'not-applicable', summary: `${options.what}: nothing to judge`, details}
  }
  const status = worstStatus(judged.flatMap((n) => n.findings))
  const unprobedText = unprobed.length > 0 ? `; not probed: ${unprobed.map((u) => u.node).join(', ')}` : ''
  if (status === 'pass') {
    const text =
      judged.length === 1
        ? `${judged[0]!.node}: ${judged[0]!.findings.map((f) => f.message).join('; ')}`
        : `${judged.length} nodes: ${judged.map((n) => `${n.node}: ${n.findings[0]!.message}`).join('; ')}`
    return {status, summary: `${text}${unprobedText}`, objects: judged.map((n) => nodeRef(n.node)), details}
  }
  const bad = judged.filter((n) => worstStatus(n.findings) === status)
  const first = bad[0]!
  const finding = [...first.findings].sort((a, b) => RANK[b.status] - RANK[a.status])[0]!
  const alsoOn = bad.slice(1).filter((n) => n.findings.some((f) => f.code === finding.code)).map((n) => n.node)
  const more = first.findings.filter((f) => f !== finding && f.status !== 'pass').length
  return {
    status,
    summary: `node ${first.node}: ${finding.message}${alsoOn.length ? ` (also on ${alsoOn.join(', ')})` : ''}${more ? ` (+${more} more on this node)` : ''}${unprobedText}`,
    objects: [first.node, ...alsoOn].map(nodeRef),
    details: {...details, code: finding.code},
    ...(finding.remediation ? {remediation: finding.remediation} : {}),
  }
}

/** Each target node's probe, or why it could not run. */
export async function probeAll(ctx: CheckContext<NodeTarget>): Promise<{probes: NodeProbe[]; unprobed: Array<{node: string; reason: string}>}> {
  const settled = await Promise.allSettled(ctx.target.nodes.map((node) => nodeProbe(ctx as CheckContext<unknown>, node)))
  const probes: NodeProbe[] = []
  const unprobed: Array<{node: string; reason: string}> = []
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') probes.push(s.value)
    else unprobed.push({node: ctx.target.nodes[i]!, reason: s.reason instanceof Error ? s.reason.message.split('\n')[0]! : String(s.reason)})
  })
  return {probes, unprobed}
}

export const PROBE_SOURCE = 'node.probe.source'
