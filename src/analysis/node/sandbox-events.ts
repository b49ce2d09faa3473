import type {Event} from '../../cluster/types.js'

export type SandboxErrorKind = 'ipam-exhausted' | 'cni-not-initialized' | 'plugin-missing' | 'cni-plugin-failed' | 'cni-config' | 'other'

export interface SandboxError {
  kind: SandboxErrorKind
  /** What the message means, for a person. */
  meaning: string
}

const PATTERNS: Array<{kind: SandboxErrorKind; pattern: RegExp; meaning: string}> = [
  {kind: 'ipam-exhausted', pattern: /no IP addresses available in range set|no IP addresses available|failed to allocate for range|ipam.*exhausted|IP pool.*exhausted|failed to assign an IP address/i, meaning: "the node's pod IP range is exhausted (or leaked)"},
  {kind: 'cni-not-initialized', pattern: /cni plugin not initialized|network plugin is not ready|NetworkPluginNotReady|no networks found in \/etc\/cni\/net\.d|cni config uninitialized/i, meaning: 'the runtime has no usable CNI config on the node'},
  {kind: 'plugin-missing', pattern: /failed to find plugin "([^"]+)"/i, meaning: 'a CNI plugin binary the config names is missing from the CNI bin dir'},
  {kind: 'cni-config', pattern: /error parsing configuration|missing 'type'|invalid character .* looking for|failed to load CNI config/i, meaning: 'the CNI config file does not parse'},
  {kind: 'cni-plugin-failed', pattern: /plugin type="([^"]+)"[^:]*failed|failed to (?:setup|set up) network for sandbox|networkPlugin cni failed/i, meaning: 'the CNI plugin failed to wire the pod'},
]

/** What a FailedCreatePodSandBox message says about the CNI. */
export function classifySandboxError(message: string): SandboxError {
  for (const p of PATTERNS) if (p.pattern.test(message)) return {kind: p.kind, meaning: p.meaning}
  return {kind: 'other', meaning: 'the pod sandbox could not be created'}
}

export interface SandboxFailure {
  namespace: string
  pod: string
  node?: string
  count: number
  lastSeen?: string
  message: string
  kind: SandboxErrorKind
  meaning: string
}

function timeOf(e: Event): string | undefined {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp
  if (t === undefined || t === null) return undefined
  return t instanceof Date ? t.toISOString() : String(t)
}

/**
 * FailedCreatePodSandBox events about pods, newest first, one per pod. `nodeOf` maps a pod to its node
 * (events name the node in source.host, or reportingInstance for events.k8s.io writers).
 */
export function sandboxFailures(events: readonly Event[], nodeOf: (namespace: string, pod: string) => string | undefined = () => undefined): SandboxFailure[] {
  const byPod = new Map<string, SandboxFailure>()
  for (const e of events) {
    if (e.reason !== 'FailedCreatePodSandBox' || e.involvedObject?.kind !== 'Pod') continue
    const namespace = e.involvedObject.namespace ?? e.metadata?.namespace ?? 'default'
    const pod = e.involvedObject.name ?? '?'
    const message = e.message ?? ''
    const node = e.source?.host ?? (e.reportingInstance || undefined) ?? nodeOf(namespace, pod)
    const lastSeen = timeOf(e)
    const key = `${namespace}/${pod}`
    const previous = byPod.get(key)
    if (previous && (previous.lastSeen ?? '') >= (lastSeen ?? '')) {
      previous.count += e.count ?? 1
      continue
    }
    const {kind, meaning} = classifySandboxError(message)
    byPod.set(key, {namespace, pod, ...(node ? {node} : {}), count: (e.count ?? 1) + (previous?.count ?? 0), ...(lastSeen ? {lastSeen} : {}), message: message.split('\n')[0]!, kind, meaning})
  }
  return [...byPod.values()].sort((a, b) => ((b.lastSeen ?? '') < (a.lastSeen ?? '') ? -1 : (b.lastSeen ?? '') > (a.lastSeen ?? '') ? 1 : 0))
}
