import type {Check} from '../../engine/types.js'
import {nodeCidrsCheck} from './cidrs.js'
import {nodeCniCheck} from './cni.js'
import {nodeIpamCheck} from './ipam.js'
import {nodeKubeProxyCheck} from './kube-proxy.js'
import {nodeProbeCniCheck} from './probe-cni.js'
import {nodeProbeFirewallCheck} from './probe-firewall.js'
import {nodeProbeIpamCheck} from './probe-ipam.js'
import {nodeProbeKernelCheck} from './probe-kernel.js'
import {nodeProbeKubeProxyCheck} from './probe-kube-proxy.js'
import {nodeProbeMtuCheck} from './probe-mtu.js'
import {nodeProbeServiceRulesCheck} from './probe-service-rules.js'
import {nodeProbeSourceCheck} from './probe-source.js'
import {nodeReadyCheck} from './ready.js'
import {nodeSandboxErrorsCheck} from './sandbox-errors.js'
import type {NodeTarget} from './target.js'

/** The node runbook: what the API says (conditions, CNI agent, kube-proxy, address plan, IP capacity, sandbox errors), then what the node says. */
export function nodePlan(): Check<NodeTarget>[] {
  return [
    nodeReadyCheck,
    nodeCniCheck,
    nodeKubeProxyCheck,
    nodeCidrsCheck,
    nodeIpamCheck,
    nodeSandboxErrorsCheck,
    nodeProbeSourceCheck,
    nodeProbeCniCheck,
    nodeProbeMtuCheck,
    nodeProbeKubeProxyCheck,
    nodeProbeServiceRulesCheck,
    nodeProbeKernelCheck,
    nodeProbeFirewallCheck,
    nodeProbeIpamCheck,
  ]
}
