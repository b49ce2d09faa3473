import {parse as parseYaml} from '../../yaml.js'

import type {ConfigMap} from '../../cluster/types.js'
import type {Finding} from './finding.js'

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables' | 'kernelspace'

export interface KubeProxySettings {
  /** As written; '' when unset. */
  mode: string
  /** What kube-proxy runs: an empty mode means iptables on Linux. */
  effectiveMode: ProxyMode | string
  clusterCIDR?: string
  metricsBindAddress?: string
  healthzBindAddress?: string
  masqueradeAll?: boolean
  conntrack?: {maxPerCore?: number; min?: number}
  ipvsScheduler?: string
  strictARP?: boolean
  detectLocalMode?: string
  featureGates?: Record<string, boolean>
  errors: string[]
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses the KubeProxyConfiguration (YAML or JSON) kubeadm keeps in ConfigMap kube-system/kube-proxy, key `config.conf`. */
export function parseKubeProxyConfig(text: string): KubeProxySettings {
  const settings: KubeProxySettings = {mode: '', effectiveMode: 'iptables', errors: []}
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    settings.errors.push(`not valid YAML: ${(error as Error).message.split('\n')[0]}`)
    return settings
  }
  if (!isObject(doc)) {
    settings.errors.push('not a KubeProxyConfiguration object')
    return settings
  }
  if (doc.kind !== undefined && doc.kind !== 'KubeProxyConfiguration') settings.errors.push(`kind is ${String(doc.kind)}, not KubeProxyConfiguration`)
  const mode = typeof doc.mode === 'string' ? doc.mode : ''
  settings.mode = mode
  settings.effectiveMode = mode === '' ? 'iptables' : mode
  if (typeof doc.clusterCIDR === 'string' && doc.clusterCIDR !== '') settings.clusterCIDR = doc.clusterCIDR
  if (typeof doc.metricsBindAddress === 'string' && doc.metricsBindAddress !== '') settings.metricsBindAddress = doc.metricsBindAddress
  if (typeof doc.healthzBindAddress === 'string' && doc.healthzBindAddress !== '') settings.healthzBindAddress = doc.healthzBindAddress
  if (typeof doc.detectLocalMode === 'string' && doc.detectLocalMode !== '') settings.detectLocalMode = doc.detectLocalMode
  if (isObject(doc.iptables) && typeof doc.iptables.masqueradeAll === 'boolean') settings.masqueradeAll = doc.iptables.masqueradeAll
  if (isObject(doc.conntrack)) {
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined)
    settings.conntrack = {maxPerCore: num(doc.conntrack.maxPerCore), min: num(doc.conntrack.min)}
  }
  if (isObject(doc.ipvs)) {
    if (typeof doc.ipvs.scheduler === 'string' && doc.ipvs.scheduler !== '') settings.ipvsScheduler = doc.ipvs.scheduler
    if (typeof doc.ipvs.strictARP === 'boolean') settings.strictARP = doc.ipvs.strictARP
  }
  if (isObject(doc.featureGates)) {
    settings.featureGates = Object.fromEntries(Object.entries(doc.featureGates).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>
  }
  return settings
}

/** Reads `config.conf` from the kube-proxy ConfigMap; undefined when the key is missing. */
export function kubeProxySettingsFromConfigMap(cm: ConfigMap): KubeProxySettings | undefined {
  const text = cm.data?.['config.conf']
  return text === undefined ? undefined : parseKubeProxyConfig(text)
}

/** The dataplane evidence a node probe gathered (see probes/node.ts). */
export interface ProxyDataplane {
  /** What :10249/proxyMode answered (`iptables`, `ipvs`, `nftables`); undefined if it did not answer. */
  liveMode?: string
  /** Lines mentioning KUBE-SERVICES in iptables-save. */
  kubeServicesRules?: number
  /** nftables tables (`ip kube-proxy`, `ip6 kube-proxy`, `inet cilium`...). */
  nftTables?: string[]
  /** Virtual servers in ipvsadm -Ln. */
  ipvsServices?: number
}

/** Does the node's dataplane match the configured kube-proxy mode? */
export function checkProxyMode(configured: KubeProxySettings | undefined, plane: ProxyDataplane): Finding[] {
  const findings: Finding[] = []
  const expected = plane.liveMode ?? configured?.effectiveMode
  if (configured && plane.liveMode && plane.liveMode !== configured.effectiveMode) {
    findings.push({
      status: 'warn',
      code: 'kube-proxy.mode-differs',
      message: `kube-proxy runs in ${plane.liveMode} mode but ConfigMap kube-system/kube-proxy says ${configured.mode === '' ? "'' (iptables)" : configured.mode}: the pods were not restarted after the change, or flags override it`,
      remediation: 'kubectl -n kube-system rollout restart daemonset kube-proxy',
    })
  }
  const rules = plane.kubeServicesRules ?? 0
  const kubeProxyNft = (plane.nftTables ?? []).some((t) => /\bkube-proxy$/.test(t))
  if (expected === 'iptables' && plane.kubeServicesRules !== undefined && rules === 0) {
    findings.push({
      status: 'fail',
      code: 'kube-proxy.no-iptables-rules',
      message: 'kube-proxy is in iptables mode but iptables-save shows no KUBE-SERVICES chain: Service IPs are not programmed on this node',
      remediation: 'check kube-proxy logs on this node (kubectl -n kube-system logs -l k8s-app=kube-proxy) and whether the host uses iptables-nft while kube-proxy writes iptables-legacy, or the reverse',
    })
  }
  if (expected === 'ipvs' && plane.ipvsServices !== undefined && plane.ipvsServices === 0) {
    findings.push({
      status: 'fail',
      code: 'kube-proxy.no-ipvs-services',
      message: 'kube-proxy is in ipvs mode but ipvsadm lists no virtual servers: Service IPs are not programmed on this node',
      remediation: 'check that the ip_vs kernel modules are loaded and read the kube-proxy logs on this node',
    })
  }
  if (expected === 'nftables' && plane.nftTables !== undefined && !kubeProxyNft) {
    findings.push({
      status: 'fail',
      code: 'kube-proxy.no-nft-table',
      message: 'kube-proxy is in nftables mode but there is no kube-proxy nftables table: Service IPs are not programmed on this node',
      remediation: 'read the kube-proxy logs on this node; nftables mode needs kernel 5.13+ and the NFTablesProxyMode feature before 1.31',
    })
  }
  if (findings.length === 0 && expected) {
    findings.push({status: 'pass', code: 'kube-proxy.mode-ok', message: `kube-proxy mode ${expected}${rules > 0 ? ` (${rules} KUBE-SERVICES rule lines)` : ''}`})
  }
  return findings
}
