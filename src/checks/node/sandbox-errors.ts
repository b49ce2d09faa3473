import {sandboxFailures} from '../../analysis/node/sandbox-events.js'
import type {Check} from '../../engine/types.js'
import {podsOnNodes} from './facts.js'
import type {NodeTarget} from './target.js'

const MAX_LISTED = 5

/** Pods stuck creating because the CNI failed: FailedCreatePodSandBox events on the target nodes. */
export const nodeSandboxErrorsCheck: Check<NodeTarget> = {
  id: 'node.sandbox-errors',
  title: 'Pod sandbox (CNI) errors',
  layer: 'cni',
  liveOnly: true,
  requires: () => [
    {verb: 'list', resource: 'events'},
    {verb: 'list', resource: 'pods'},
  ],
  async run({view, target}) {
    // '' lists events in every namespace (the view's namespace argument is a string).
    const events = await view.listEvents('', {fieldSelector: 'reason=FailedCreatePodSandBox'})
    // Pods are read only when there are sandbox failures to place: a healthy cluster lists no pods here.
    const pods = events.length > 0 ? await podsOnNodes(view, target.nodes) : []
    const podNode = new Map(pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]))
    const failures = sandboxFailures(events, (ns, name) => podNode.get(`${ns}/${name}`)?.spec?.nodeName)
      .filter((f) => f.node !== undefined && target.nodes.includes(f.node))
      // A pod that has since started is history, not a current problem.
      .filter((f) => {
        const pod = podNode.get(`${f.namespace}/${f.pod}`)
        return pod !== undefined && pod.status?.phase === 'Pending'
      })
    const details = {failures: failures.slice(0, 20)}
    if (failures.length === 0) return {status: 'pass', summary: `no pod on ${target.nodes.length === 1 ? target.nodes[0] : `${target.nodes.length} nodes`} is stuck with a sandbox (CNI) error`, details}
    const first = failures[0]!
    const sameKind = failures.filter((f) => f.kind === first.kind)
    const listed = failures.slice(0, MAX_LISTED).map((f) => `${f.namespace}/${f.pod}${f.node ? ` on ${f.node}` : ''}`)
    return {
      status: 'fail',
      summary: `${failures.length} pod(s) stuck in ContainerCreating because ${first.meaning}: ${listed.join(', ')}${failures.length > MAX_LISTED ? ', ...' : ''}; latest: "${first.message.slice(0, 240)}"${sameKind.length < failures.length ? ` (${failures.length - sameKind.length} with other errors)` : ''}`,
      objects: failures.slice(0, MAX_LISTED).map((f) => ({kind: 'Pod', namespace: f.namespace, name: f.pod})),
      details,
      remediation:
        first.kind === 'ipam-exhausted'
          ? `free the leaked addresses on ${first.node ?? 'the node'} (kubectl netdiag node ${first.node ?? ''} shows host-local allocations vs running pods)`
          : `look at the CNI on ${first.node ?? 'the node'}: kubectl netdiag node ${first.node ?? ''}`,
    }
  },
}
