/** A file read from the node's CNI config directory (/etc/cni/net.d). */
export interface CniFile {
  name: string
  content: string
}

export interface CniIpam {
  type?: string
  /** Subnets from host-local `ranges` (every range set) and `subnet`, in order; `usePodCidr` excluded. */
  subnets: string[]
  /** host-local takes the node's spec.podCIDR(s) (Calico/Canal `"subnet": "usePodCidr"`). */
  usePodCidr: boolean
  /** flannel hands host-local the subnet it leased, from /run/flannel/subnet.env. */
  fromFlannelSubnetEnv?: boolean
}

export interface CniConfig {
  file: string
  format: 'conflist' | 'conf'
  name?: string
  cniVersion?: string
  /** `type` of each plugin in the chain, in order. */
  pluginTypes: string[]
  /** The plugin that wires the pod (first in the chain; for multus, its default delegate's). */
  mainType?: string
  /** MTU the config asks for; 0 means "auto-detect" (Calico, AWS). */
  mtu?: number
  ipam?: CniIpam
  /** Executables the runtime will look for in the CNI bin dirs. */
  binaries: string[]
  /** Why the runtime would refuse this file; empty when it loads. */
  errors: string[]
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** CNI MTUs appear as numbers, and as strings in templated configs (AWS VPC CNI writes `"mtu": "9001"`). */
function mtuOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim())
  return undefined
}

function extension(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  // Like Go's filepath.Ext: from the last dot of the base name, so `calico-kubeconfig` has none.
  return dot === -1 ? '' : base.slice(dot)
}

/** Extensions the container runtimes load (containerd's go-cni: `.conf`, `.conflist`, `.json`). */
export const CNI_CONFIG_EXTENSIONS = ['.conf', '.conflist', '.json'] as const

export function isCniConfigFile(name: string): boolean {
  return (CNI_CONFIG_EXTENSIONS as readonly string[]).includes(extension(name))
}

function parseIpam(ipam: Json): CniIpam {
  const subnets: string[] = []
  let usePodCidr = false
  const add = (subnet: unknown) => {
    const s = str(subnet)
    if (s === undefined) return
    if (s === 'usePodCidr') usePodCidr = true
    else subnets.push(s)
  }
  if (Array.isArray(ipam.ranges)) {
    for (const set of ipam.ranges) {
      // A range set is an array of ranges; tolerate a bare range object too.
      for (const range of Array.isArray(set) ? set : [set]) if (isObject(range)) add(range.subnet)
    }
  }
  add(ipam.subnet)
  return {type: str(ipam.type), subnets, usePodCidr}
}

interface PluginFacts {
  types: string[]
  binaries: string[]
  mtu?: number
  ipam?: CniIpam
  errors: string[]
  /** multus: the main plugin of its default delegate. */
  delegateMain?: string
}

/** Walks one plugin entry; flannel and multus delegate to plugins named inside them. */
function pluginFacts(plugin: Json, index: number): PluginFacts {
  const type = str(plugin.type)
  const facts: PluginFacts = {types: [], binaries: [], errors: []}
  if (!type) {
    facts.errors.push(`plugin ${index} has no "type"`)
    return facts
  }
  facts.types.push(type)
  facts.binaries.push(type)
  facts.mtu = mtuOf(plugin.mtu)
  if (isObject(plugin.ipam)) {
    facts.ipam = parseIpam(plugin.ipam)
    if (facts.ipam.type) facts.binaries.push(facts.ipam.type)
  }
  if (type === 'flannel') {
    // flannel execs its delegate (bridge by default) with host-local IPAM over its leased subnet.
    const delegate = isObject(plugin.delegate) ? plugin.delegate : {}
    facts.binaries.push(str(delegate.type) ?? 'bridge')
    facts.mtu ??= mtuOf(delegate.mtu)
    if (isObject(delegate.ipam)) {
      facts.ipam ??= parseIpam(delegate.ipam)
      if (facts.ipam.type) facts.binaries.push(facts.ipam.type)
    } else {
      facts.ipam ??= {type: 'host-local', subnets: [], usePodCidr: false, fromFlannelSubnetEnv: true}
      facts.binaries.push('host-local')
    }
  }
  if (type === 'multus' && Array.isArray(plugin.delegates) && isObject(plugin.delegates[0])) {
    const inner = describeNetwork(plugin.delegates[0])
    facts.binaries.push(...inner.binaries)
    facts.mtu ??= inner.mtu
    facts.ipam ??= inner.ipam
    facts.delegateMain = inner.mainType
  }
  return facts
}

interface NetworkFacts {
  pluginTypes: string[]
  mainType?: string
  mtu?: number
  ipam?: CniIpam
  binaries: string[]
  errors: string[]
}

function describeNetwork(doc: Json): NetworkFacts {
  const plugins = Array.isArray(doc.plugins) ? doc.plugins : [doc]
  const out: NetworkFacts = {pluginTypes: [], binaries: [], errors: []}
  plugins.forEach((p, i) => {
    if (!isObject(p)) {
      out.errors.push(`plugin ${i} is not an object`)
      return
    }
    const f = pluginFacts(p, i)
    out.pluginTypes.push(...f.types)
    out.binaries.push(...f.binaries)
    out.errors.push(...f.errors)
    out.mtu ??= f.mtu
    out.ipam ??= f.ipam
    if (i === 0) out.mainType = f.delegateMain ?? f.types[0]
  })
  out.binaries = [...new Set(out.binaries)]
  return out
}

/** Parses one CNI config file the way libcni does: `.conflist` is a chain, anything else a single plugin. */
export function parseCniConfig(file: CniFile): CniConfig {
  const format = extension(file.name) === '.conflist' ? 'conflist' : 'conf'
  const config: CniConfig = {file: file.name, format, pluginTypes: [], binaries: [], errors: []}
  let doc: unknown
  try {
    doc = JSON.parse(file.content)
  } catch (error) {
    config.errors.push(`not valid JSON: ${(error as Error).message}`)
    return config
  }
  if (!isObject(doc)) {
    config.errors.push('not a JSON object')
    return config
  }
  config.name = str(doc.name)
  config.cniVersion = str(doc.cniVersion)
  if (format === 'conflist') {
    if (config.name === undefined) config.errors.push('conflist has no "name"')
    if (!Array.isArray(doc.plugins)) config.errors.push('conflist has no "plugins" list')
    else if (doc.plugins.length === 0) config.errors.push('conflist has an empty "plugins" list')
  } else if (str(doc.type) === undefined) {
    config.errors.push(
      Array.isArray(doc.plugins)
        ? 'a plugin list in a single-plugin file: rename it to .conflist (the runtime reports "missing \'type\'")'
        : 'single-plugin config has no "type"',
    )
    return config
  }
  const facts = describeNetwork(format === 'conflist' ? {plugins: Array.isArray(doc.plugins) ? doc.plugins : []} : doc)
  config.pluginTypes = facts.pluginTypes
  config.mainType = facts.mainType
  config.mtu = facts.mtu
  config.ipam = facts.ipam
  config.binaries = facts.binaries
  config.errors.push(...facts.errors)
  return config
}

export interface ActiveCniConfig {
  /** Files the runtime considers, in the order it tries them (byte-wise sort of the names). */
  candidates: string[]
  /** Files in the directory that the runtime ignores (wrong extension: `.bak`, `calico-kubeconfig`). */
  ignored: string[]
  /** What containerd uses: the first candidate. If it does not load, containerd reports "cni plugin not initialized". */
  active?: CniConfig
  /** CRI-O skips files that fail to load and uses the first valid one. */
  firstValid?: CniConfig
  /** Every candidate, parsed, in order. */
  configs: CniConfig[]
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Picks the network the runtime uses: containerd (go-cni) lists `*.conf`, `*.conflist`, `*.json`, sorts the
 * names lexically and takes the first; a `05-cilium.conflist` therefore wins over `10-calico.conflist`.
 */
export function selectActiveCniConfig(files: readonly CniFile[]): ActiveCniConfig {
  const baseName = (name: string) => name.slice(name.lastIndexOf('/') + 1)
  const candidates = files.filter((f) => isCniConfigFile(f.name)).sort((a, b) => byteOrder(baseName(a.name), baseName(b.name)))
  const configs = candidates.map(parseCniConfig)
  return {
    candidates: candidates.map((f) => f.name),
    ignored: files.filter((f) => !isCniConfigFile(f.name)).map((f) => f.name),
    active: configs[0],
    firstValid: configs.find((c) => c.errors.length === 0),
    configs,
  }
}

/** Binaries the config needs that no CNI bin dir has ("failed to find plugin \"bridge\" in path [/opt/cni/bin]"). */
export function missingCniBinaries(config: CniConfig, installed: readonly string[]): string[] {
  const have = new Set(installed.map((p) => p.slice(p.lastIndexOf('/') + 1)))
  return config.binaries.filter((b) => !have.has(b))
}
