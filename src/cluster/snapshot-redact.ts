// What a snapshot leaves out, so it can be attached to a bug report: the analysis needs labels, ports, probes,
// addresses and the network agents' settings, never workload env values or credentials.

export const REDACTED = '(redacted by kubectl netdiag)'

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
/** Env names that hold credentials even in network agents' DaemonSets (whose other env values the CNI analysis reads). */
const CREDENTIAL_NAME = /pass|secret|token|key|credential|auth|cert/i
/** `token: abc`, `"password": "x"`, `client-key-data: ...` in YAML, JSON or INI-style ConfigMap data. */
const CREDENTIAL_VALUE = /(["']?\b(?:token|password|client-key-data|client-certificate-data|bearer_token|api_key)["']?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}\n]+)/gi

interface Container {
  env?: Array<{name: string; value?: string}>
}
interface PodSpec {
  containers?: Container[]
  initContainers?: Container[]
  ephemeralContainers?: Container[]
}
interface SnapshotItem {
  kind?: string
  metadata?: {managedFields?: unknown; annotations?: Record<string, string>}
  spec?: PodSpec & {template?: {spec?: PodSpec}}
  data?: Record<string, string>
}

function redactEnv(spec: PodSpec | undefined, keep: (name: string) => boolean): PodSpec | undefined {
  if (!spec) return spec
  const fix = (list?: Container[]) =>
    list?.map((c) => (c.env ? {...c, env: c.env.map((e) => (e.value === undefined || keep(e.name) ? e : {...e, value: REDACTED}))} : c))
  return {
    ...spec,
    ...(spec.containers ? {containers: fix(spec.containers)} : {}),
    ...(spec.initContainers ? {initContainers: fix(spec.initContainers)} : {}),
    ...(spec.ephemeralContainers ? {ephemeralContainers: fix(spec.ephemeralContainers)} : {}),
  }
}

/** One object as it goes into a snapshot: no managedFields, no last-applied copy, no env values or credentials. */
export function redactForSnapshot<T>(object: T): T {
  const item = object as SnapshotItem
  const {managedFields: _managed, ...metadata} = item.metadata ?? {}
  if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
    const {[LAST_APPLIED]: _applied, ...annotations} = metadata.annotations
    metadata.annotations = annotations
  }
  const out: SnapshotItem = {...item, ...(item.metadata ? {metadata} : {})}
  if (item.kind === 'Pod') out.spec = redactEnv(item.spec, () => false)
  if (item.kind === 'Deployment' || item.kind === 'DaemonSet') {
    const keep = item.kind === 'DaemonSet' ? (name: string) => !CREDENTIAL_NAME.test(name) : () => false
    const template = item.spec?.template
    if (template) out.spec = {...item.spec, template: {...template, spec: redactEnv(template.spec, keep)}}
  }
  if (item.kind === 'ConfigMap' && item.data) {
    out.data = Object.fromEntries(Object.entries(item.data).map(([k, v]) => [k, v.replace(CREDENTIAL_VALUE, (_m, key: string) => `${key}${REDACTED}`)]))
  }
  return out as T
}
