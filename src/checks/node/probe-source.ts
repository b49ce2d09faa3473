import type {Check} from '../../engine/types.js'
import {anchorJobAccess} from '../probe-source.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/**
 * A privileged node debug pod per node (hostNetwork, hostPID, host root read-only at /host, any taint tolerated),
 * NODE_PROBE_CONCURRENCY at a time, each running the read-only node script once; the node checks read its facts.
 */
export const nodeProbeSourceCheck: Check<NodeTarget> = {
  id: PROBE_SOURCE,
  title: 'Node debug pods',
  layer: 'node',
  needsProbe: true,
  requires: ({nodeNamespace}) => [
    {verb: 'create', resource: 'pods', namespace: nodeNamespace},
    {verb: 'delete', resource: 'pods', namespace: nodeNamespace},
    {verb: 'create', resource: 'pods', subresource: 'exec', namespace: nodeNamespace},
    ...anchorJobAccess(nodeNamespace),
  ],
  async run(ctx) {
    const started = Date.now()
    const {probes, unprobed} = await probeAll(ctx)
    const perNode = probes.map((p) => ({
      node: p.node,
      findings: [
        p.facts.tools.length === 0 && p.facts.links === undefined
          ? {status: 'fail' as const, code: 'probe.no-output', message: `the node script printed nothing (exit ${p.exitCode}): the image lacks sh, or the pod cannot read the host`}
          : {
              status: p.facts.problems.length > 0 ? ('warn' as const) : ('pass' as const),
              code: 'probe.ran',
              message: `${p.runner.description} in ${(p.durationMs / 1000).toFixed(1)}s${p.facts.problems.length ? `; ${p.facts.problems.slice(0, 3).join('; ')}` : ''}`,
            },
      ],
    }))
    const result = combineNodeFindings(perNode, {what: 'node debug pods', unprobed})
    // Some nodes probed: the checks still run for those; none: dependants are skipped.
    const status = unprobed.length > 0 && probes.length > 0 && result.status === 'pass' ? 'warn' : result.status
    const first = probes[0]
    return {
      ...result,
      status,
      details: {
        ...result.details,
        ...(first ? {probeSource: probes.length === 1 ? first.runner.description : `node debug pods in ${ctx.target.nodeNamespace} on ${probes.length} node(s)`} : {}),
        tools: Object.fromEntries(probes.map((p) => [p.node, p.facts.tools])),
        durationMs: Date.now() - started,
      },
    }
  },
}
