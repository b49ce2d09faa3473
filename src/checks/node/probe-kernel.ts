import {selectActiveCniConfig} from '../../analysis/node/cni-conflist.js'
import {analyzeSysctls} from '../../analysis/node/sysctls.js'
import type {Check} from '../../engine/types.js'
import {clusterCni} from './facts.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** Pods hang off a Linux bridge with these plugins, so bridged traffic must pass iptables. */
const BRIDGE_PLUGINS = new Set(['bridge', 'flannel', 'weave-net'])

/** ip_forward, bridge-nf-call-iptables, conntrack fill, rp_filter on the interfaces where strict mode breaks paths. */
export const nodeProbeKernelCheck: Check<NodeTarget> = {
  id: 'node.probe.kernel',
  title: 'Kernel forwarding and conntrack',
  layer: 'node',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [{verb: 'list', group: 'apps', resource: 'daemonsets'}],
  async run(ctx) {
    const [{probes, unprobed}, cni] = await Promise.all([probeAll(ctx), clusterCni(ctx.view).catch(() => undefined)])
    const perNode = probes.map((p) => {
      const active = selectActiveCniConfig(p.facts.cniFiles).active
      const findings = analyzeSysctls({
        ...(p.facts.ipForward !== undefined ? {ipForward: p.facts.ipForward} : {}),
        ...(p.facts.bridgeNfCallIptables !== undefined ? {bridgeNfCallIptables: p.facts.bridgeNfCallIptables} : {}),
        ...(p.facts.conntrackCount !== undefined ? {conntrackCount: p.facts.conntrackCount} : {}),
        ...(p.facts.conntrackMax !== undefined ? {conntrackMax: p.facts.conntrackMax} : {}),
        rpFilter: p.facts.rpFilter,
        ...(p.facts.kubeProxy.mode !== undefined ? {proxyMode: p.facts.kubeProxy.mode} : {}),
        ...(active?.mainType ? {bridgedPods: BRIDGE_PLUGINS.has(active.mainType)} : {}),
        ...(cni ? {cni: cni.cni} : {}),
      })
      return {node: p.node, findings}
    })
    return combineNodeFindings(perNode, {what: 'kernel settings', unprobed})
  },
}
