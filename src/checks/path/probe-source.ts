import type {Check} from '../../engine/types.js'
import {anchorJobAccess, probeSourceCheck} from '../probe-source.js'
import {refOf} from './facts.js'
import {SOURCE_CHECK, type PathTarget} from './target.js'

const generic = probeSourceCheck<PathTarget>(SOURCE_CHECK, 'pod-network')

/**
 * An ephemeral container in PODA (its network namespace and labels: the faithful source), or with
 * --probe-mode pod an ordinary debug pod pinned to PODA's node.
 */
export const pathProbeSourceCheck: Check<PathTarget> = {
  ...generic,
  title: 'Probe source in A',
  dependsOn: ['path.pods'],
  requires: ({from, probeMode}) => {
    const {namespace} = refOf(from)
    return probeMode === 'ephemeral'
      ? [{verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}]
      : [{verb: 'create', resource: 'pods', namespace}, {verb: 'delete', resource: 'pods', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}, ...anchorJobAccess(namespace)]
  },
}
