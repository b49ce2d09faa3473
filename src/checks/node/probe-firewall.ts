import {judgeFirewall, parseIptablesSave} from '../../analysis/node/firewall.js'
import type {Check} from '../../engine/types.js'
import type {NodeFacts} from '../../probes/node.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** Every variant's rules: legacy and nft hooks both see every packet, so a rule in either one drops it. */
function allRules(facts: NodeFacts): string | undefined {
  const texts = Object.values(facts.iptablesRules)
  return texts.length > 0 ? texts.join('\n') : undefined
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
      const text = allRules(p.facts)
      return {node: p.node, findings: judgeFirewall(text === undefined ? undefined : parseIptablesSave(text))}
    })
    return combineNodeFindings(perNode, {what: 'firewall rules', unprobed})
  },
}
