// What a snapshot leaves out, so it can be attached to a bug report: the analysis needs labels, ports, probes,
// addresses, process flags and the network agents' settings, never workload env values or credentials.

export const REDACTED = '(redacted by kubectl netdiag)'

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
/** Network agents' settings, which CNI and kube-proxy-replacement detection read from DaemonSet env (FELIX_BPFENABLED, CALICO_IPV4POOL_IPIP, ...). */
const AGENT_SETTING = /^(FELIX_|CALICO_|CILIUM_|FLANNEL|WEAVE_|IPALLOC_|AWS_VPC_|ANTREA_|KUBE_ROUTER_)/
/** A name (env, data key, flag, header) that says it holds a credential. */
const CREDENTIAL_NAME = /pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth|cert|bearer|dsn|[-_.]key$|^key$/i
/** `name: value` / `"name": "value"` / `name=value` inside ConfigMap data, with any credential-looking name. */
const CREDENTIAL_PAIR = /(["']?[\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization|bearer|client-key-data|client-certificate-data)[\w.-]*["']?[ \t]*[:=][ \t]*)("[^"\n]*"|'[^'\n]*'|[|>][-+]?[ \t]*\n(?:[ \t]+.*(?:\n|$))+|[^\s,}\n]+)/gi
/** `tokenFile:`, `password_path =`: a reference to a file, not the credential itself. */
const FILE_REFERENCE = /(file|path|dir)["']?[ \t]*[:=][ \t]*$/i
/** `--db-password=x`, `--token x` style flags keep their name and lose their value. */
const CREDENTIAL_FLAG = /^(--?[\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|credential|auth)[\w.-]*=).+/i

type Env = {name: string; value?: string}
type HttpGet = {httpHeaders?: Array<{name: string; value: string}>}
interface Container {
  env?: Env[]
  args?: string[]
  command?: string[]
  livenessProbe?: {httpGet?: HttpGet}
  readinessProbe?: {httpGet?: HttpGet}
  startupProbe?: {httpGet?: HttpGet}
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
  binaryData?: unknown
}

function redactFlags(words: string[] | undefined): string[] | undefined {
  return words?.map((w) => w.replace(CREDENTIAL_FLAG, `$1${REDACTED}`))
}

function redactProbe<P extends {httpGet?: HttpGet} | undefined>(probe: P): P {
  if (!probe?.httpGet?.httpHeaders) return probe
  return {...probe, httpGet: {...probe.httpGet, httpHeaders: probe.httpGet.httpHeaders.map((h) => ({...h, value: REDACTED}))}}
}

function redactContainer(c: Container, keepEnv: (name: string) => boolean): Container {
  const out: Container = {...c}
  if (c.env) out.env = c.env.map((e) => (e.value === undefined || keepEnv(e.name) ? e : {...e, value: REDACTED}))
  if (c.args) out.args = redactFlags(c.args)
  if (c.command) out.command = redactFlags(c.command)
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) if (c[key]) out[key] = redactProbe(c[key])
  return out
}

function redactPodSpec(spec: PodSpec | undefined, keepEnv: (name: string) => boolean): PodSpec | undefined {
  if (!spec) return spec
  const out: PodSpec = {...spec}
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    if (spec[key]) out[key] = spec[key]!.map((c) => redactContainer(c, keepEnv))
  }
  return out
}

function redactConfigData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      CREDENTIAL_NAME.test(key) ? REDACTED : value.replace(CREDENTIAL_PAIR, (match, name: string) => (FILE_REFERENCE.test(name) ? match : `${name}${REDACTED}${match.endsWith('\n') ? '\n' : ''}`)),
    ]),
  )
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
  const never = () => false
  if (item.kind === 'Pod') out.spec = redactPodSpec(item.spec, never)
  if (item.kind === 'Deployment' || item.kind === 'DaemonSet') {
    const keepEnv = item.kind === 'DaemonSet' ? (name: string) => AGENT_SETTING.test(name) && !CREDENTIAL_NAME.test(name) : never
    const template = item.spec?.template
    if (template) out.spec = {...item.spec, template: {...template, spec: redactPodSpec(template.spec, keepEnv)}}
  }
  if (item.kind === 'ConfigMap') {
    if (item.data) out.data = redactConfigData(item.data)
    delete out.binaryData
  }
  return out as T
}
