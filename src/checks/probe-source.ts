import type {ToolSet} from '../probes/tools.js'
import {detectToolsCommand, parseToolSet} from '../probes/tools.js'
import type {AccessRequirement} from '../cluster/access.js'
import type {Check, CheckContext, Layer, ProbeRunner} from '../engine/types.js'

/** The Job that owns our debug pods in a namespace, so the cluster deletes them even if netdiag is killed. */
export function anchorJobAccess(namespace: string | undefined): AccessRequirement[] {
  return [
    {verb: 'create', group: 'batch', resource: 'jobs', namespace},
    {verb: 'delete', group: 'batch', resource: 'jobs', namespace},
  ]
}

/**
 * Starts the command's probe source (a debug pod, or an ephemeral container with --from-pod) and detects its
 * tools. Probe checks depend on it, so a pod that cannot start is one clear error, not ten timeouts.
 * `details.probeSource` is what the report prints as "probes from ...".
 */
export function probeSourceCheck<T>(id: string, layer: Layer = 'pod-network'): Check<T> {
  return {
    id,
    title: 'Probe source',
    layer,
    needsProbe: true,
    requires: (target) => {
      const fromPod = (target as {fromPod?: string}).fromPod
      const namespace = (target as {fromPodNamespace?: string}).fromPodNamespace ?? (target as {namespace?: string}).namespace
      return fromPod
        ? [{verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}]
        : [{verb: 'create', resource: 'pods', namespace}, {verb: 'delete', resource: 'pods', namespace}, {verb: 'create', resource: 'pods', subresource: 'exec', namespace}, ...anchorJobAccess(namespace)]
    },
    async run(ctx: CheckContext<T>) {
      const started = Date.now()
      const runner = await ctx.probes!.source()
      const startMs = Date.now() - started
      const {tools, detectedBy} = await detectTools(runner)
      const names = Object.keys(tools.available)
      const details = {probeSource: runner.description, ...runner.details, tools, toolsDetectedBy: detectedBy, startMs}
      if (names.length === 0) {
        return {
          status: 'error',
          summary: `${runner.description} started but has none of the probe tools (dig, nslookup, nc, ping): use --image with a diagnostic image such as nicolaka/netshoot`,
          details,
        }
      }
      return {status: 'pass', summary: `${runner.description} ready in ${(startMs / 1000).toFixed(1)}s with ${names.join(', ')}`, details}
    },
  }
}

/** How long the startup script may still be running when the container is seen running. */
const STARTUP_LOG_RETRY_MS = 100

/**
 * The source's startup script already ran the detection: its log says, without an exec. Only a complete answer
 * (the end marker) counts; anything else, or no log, and the detection runs again by exec.
 */
async function detectTools(runner: ProbeRunner): Promise<{tools: ToolSet; detectedBy: 'startup-log' | 'exec'}> {
  if (runner.startupOutput) {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, STARTUP_LOG_RETRY_MS))
      const tools = parseToolSet((await runner.startupOutput()) ?? '')
      if (tools.complete) return {tools, detectedBy: 'startup-log'}
    }
  }
  return {tools: parseToolSet((await runner.exec(detectToolsCommand())).stdout), detectedBy: 'exec'}
}

export function probeTools(ctx: CheckContext<unknown>, sourceId: string): ToolSet {
  return (ctx.result(sourceId)?.details?.tools as ToolSet | undefined) ?? {available: {}, complete: false}
}
