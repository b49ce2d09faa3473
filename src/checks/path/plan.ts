import type {Check} from '../../engine/types.js'
import {pathNodesCheck} from './nodes.js'
import {pathPodsCheck} from './pods.js'
import {pathPolicyCheck} from './policy.js'
import {pathProbeConnectCheck} from './probe-connect.js'
import {pathProbeMtuCheck} from './probe-mtu.js'
import {pathProbeSourceCheck} from './probe-source.js'
import {pathProbeTraceCheck} from './probe-trace.js'
import type {PathTarget} from './target.js'

/** The pod-to-pod runbook: the pods, the policies between them, their nodes; then what packets really do. */
export function pathPlan(): Check<PathTarget>[] {
  return [pathPodsCheck, pathPolicyCheck, pathNodesCheck, pathProbeSourceCheck, pathProbeConnectCheck, pathProbeMtuCheck, pathProbeTraceCheck]
}
