import {judgeFirewall, parseIptablesSave} from '../../analysis/node/firewall.js'
import type {Check} from '../../engine/types.js'
import type {NodeFacts} from '../../probes/node.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** The variant the dataplane uses: the one holding kube-proxy's rules, else any with rules. */
function activeRules(facts: NodeFacts): string | undefined {
  const variants = Object.keys(facts.iptablesRules)
  const kube = variants.find((v) => (facts.iptablesKubeServices[v] ?? 0) > 0)
  if (kube) return facts.iptablesRules[kube]
  return variants.length > 0 ? variants.map((v) => facts.iptablesRules[v]).join('\n') : undefined
}

/** Rules in the node's filter and nat tables that kube-proxy and the CNI did not write, named per node. */
export const nodeProbeFirewallCheck: Check<NodeTarget> = {
  id: 'node.probe.firewall',
  title: 'Node firewall rules',
  layer: 'node',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  async run(ctx) {
    const {probes, unprobed} = await probeAll(ctx)
    const perNode = probes.map((p) => {
      const text = activeRules(p.facts)
      return {node: p.node, findings: judgeFirewall(text === undefined ? undefined : parseIptablesSave(text))}
    })
    return combineNodeFindings(perNode, {what: 'firewall rules', unprobed})
  },
}
