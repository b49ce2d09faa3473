import type {Finding} from '../../analysis/node/finding.js'
import type {Check} from '../../engine/types.js'
import {condition, isNodeReady} from './facts.js'
import {combineNodeFindings} from './per-node.js'
import type {NodeTarget} from './target.js'

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure']

/** Ready, routes configured (NetworkUnavailable), no resource pressure. */
export const nodeReadyCheck: Check<NodeTarget> = {
  id: 'node.ready',
  title: 'Node conditions',
  layer: 'node',
  requires: () => [{verb: 'list', resource: 'nodes'}],
  async run({view, target}) {
    const nodes = await view.listNodes()
    const perNode = target.nodes.map((name) => {
      const node = nodes.find((n) => n.metadata?.name === name)
      const findings: Finding[] = []
      if (!node) return {node: name, findings: [{status: 'fail' as const, code: 'node.missing', message: `node ${name} does not exist`}]}
      const ready = condition(node, 'Ready')
      if (!isNodeReady(node)) {
        findings.push({
          status: 'fail',
          code: 'node.not-ready',
          message: `${ready ? `Ready=${ready.status}` : 'no Ready condition'}${ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message.split('\n')[0]}` : ''})` : ''}`,
          remediation: `kubectl describe node ${name}; on the node: journalctl -u kubelet`,
        })
      }
      const unavailable = condition(node, 'NetworkUnavailable')
      if (unavailable?.status === 'True') {
        findings.push({
          status: 'fail',
          code: 'node.network-unavailable',
          message: `NetworkUnavailable=True (${unavailable.reason ?? ''}${unavailable.message ? `: ${unavailable.message}` : ''}): the CNI or the cloud route controller has not configured routes for this node's pods`,
          remediation: 'check the CNI agent pod on this node (it clears the condition when it starts) or the cloud route controller',
        })
      }
      for (const type of PRESSURE) {
        const c = condition(node, type)
        if (c?.status === 'True') findings.push({status: 'warn', code: `node.${type.toLowerCase()}`, message: `${type}=True${c.message ? ` (${c.message})` : ''}`})
      }
      if (findings.length === 0) findings.push({status: 'pass', code: 'node.ready', message: `Ready${node.status?.nodeInfo?.kubeletVersion ? ` (kubelet ${node.status.nodeInfo.kubeletVersion})` : ''}${node.spec?.unschedulable ? ', cordoned' : ''}`})
      return {node: name, findings}
    })
    return combineNodeFindings(perNode, {what: 'node conditions'})
  },
}
