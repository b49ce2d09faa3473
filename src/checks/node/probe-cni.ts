import {cidrsOverlap} from '../../analysis/cidr.js'
import {missingCniBinaries, selectActiveCniConfig} from '../../analysis/node/cni-conflist.js'
import type {Finding} from '../../analysis/node/finding.js'
import type {Check} from '../../engine/types.js'
import {installedCniBinaries, type NodeFacts} from '../../probes/node.js'
import {nodePodCidrs} from './facts.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** The node's CNI config as the runtime sees it: the active file, whether it loads, its binaries, MTU and IPAM range. */
export function judgeCniConfig(facts: NodeFacts, podCidrs: readonly string[]): Finding[] {
  const dir = facts.cniConfDir
  const runtimeSays = facts.runtime ? ` (conf dir of ${facts.runtime.name}, from ${facts.runtime.config})` : ''
  if (facts.cniDir === 'missing') {
    return [{status: 'fail', code: 'cni.no-config-dir', message: `${dir} does not exist${runtimeSays}: the runtime reports "cni plugin not initialized" and no pod gets a network`, remediation: 'check that the CNI agent DaemonSet runs on this node: it writes the config when it starts'}]
  }
  const selection = selectActiveCniConfig(facts.cniFiles)
  const active = selection.active
  if (!active) {
    return [{status: 'fail', code: 'cni.no-config', message: `no CNI config in ${dir}${runtimeSays}${selection.ignored.length ? ` (ignored: ${selection.ignored.join(', ')})` : ''}: the runtime reports "cni plugin not initialized"`, remediation: 'restart the CNI agent pod on this node so it rewrites its config'}]
  }
  const findings: Finding[] = []
  if (active.errors.length > 0) {
    findings.push({
      status: 'fail',
      code: 'cni.config-invalid',
      message: `the active CNI config ${active.file} does not load: ${active.errors.join('; ')}${selection.firstValid ? ` (CRI-O would fall back to ${selection.firstValid.file}; containerd does not)` : ''}`,
      remediation: `fix or remove ${dir}/${active.file} on the node`,
    })
  }
  const shadowed = selection.configs.slice(1).filter((c) => c.mainType && c.mainType !== active.mainType)
  if (shadowed.length > 0) {
    findings.push({
      status: 'warn',
      code: 'cni.shadowed-config',
      message: `${active.file} (${active.mainType ?? '?'}) sorts first and wins over ${shadowed.map((c) => `${c.file} (${c.mainType})`).join(', ')}: leftovers of another CNI decide how pods are wired`,
      remediation: `remove the CNI config files that are not meant to be active from ${dir}`,
    })
  }
  const installed = installedCniBinaries(facts)
  const missing = Object.keys(facts.cniBinDirs).length > 0 ? missingCniBinaries(active, installed) : []
  if (missing.length > 0) {
    findings.push({
      status: 'fail',
      code: 'cni.binary-missing',
      message: `${active.file} needs ${missing.join(', ')}, missing from ${Object.entries(facts.cniBinDirs).filter(([, v]) => v !== null).map(([d]) => d).join(', ') || 'every CNI bin dir'}: pod creation fails with 'failed to find plugin "${missing[0]}"'`,
      remediation: `install the CNI plugins (containernetworking/plugins) into /opt/cni/bin on the node, or restart the CNI agent that copies them`,
    })
  }
  const subnets = active.ipam?.subnets ?? []
  if (subnets.length > 0 && podCidrs.length > 0) {
    const outside = subnets.filter((s) => !podCidrs.some((c) => cidrsOverlap(s, c)))
    if (outside.length > 0) {
      findings.push({
        status: 'fail',
        code: 'cni.ipam-outside-pod-cidr',
        message: `${active.file} hands out ${outside.join(', ')}, outside the node's podCIDR ${podCidrs.join(', ')}: other nodes route that range elsewhere, so replies to these pods get lost`,
        remediation: 'regenerate the CNI config from the node podCIDR (restart the CNI agent), or fix the IPAM ranges',
      })
    }
  }
  if (findings.every((f) => f.status === 'pass')) {
    findings.push({
      status: 'pass',
      code: 'cni.config-ok',
      message: `${active.file}: ${active.pluginTypes.join(' -> ')}${active.mtu ? `, MTU ${active.mtu}` : ''}${subnets.length ? `, IPAM ${subnets.join(', ')}` : active.ipam?.usePodCidr ? ', IPAM from podCIDR' : ''}; binaries present`,
    })
  }
  return findings
}

export const nodeProbeCniCheck: Check<NodeTarget> = {
  id: 'node.probe.cni',
  title: 'CNI config on the node',
  layer: 'cni',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [{verb: 'list', resource: 'nodes'}],
  async run(ctx) {
    const [{probes, unprobed}, nodes] = await Promise.all([probeAll(ctx), ctx.view.listNodes()])
    const perNode = probes.map((p) => {
      const node = nodes.find((n) => n.metadata?.name === p.node)
      return {node: p.node, findings: judgeCniConfig(p.facts, node ? nodePodCidrs(node) : [])}
    })
    return combineNodeFindings(perNode, {what: 'CNI config', unprobed})
  },
}
