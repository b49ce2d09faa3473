import {kubeProxySettingsFromConfigMap} from '../../analysis/node/kube-proxy-config.js'
import {expectedServicePorts, judgeServiceRules, parseIptablesServiceRules, parseIpvsadm, parseNftServiceMap, type NodeServiceRules} from '../../analysis/node/service-rules.js'
import type {Check} from '../../engine/types.js'
import {NODE_PROBE_MAX_BYTES, type NodeFacts} from '../../probes/node.js'
import {KUBE_PROXY_SELECTOR} from './kube-proxy.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

const cut = (body: string) => body.length >= NODE_PROBE_MAX_BYTES

/** The node's kube-proxy rules for the mode it runs in: nftables maps, iptables KUBE-SERVICES, or IPVS virtual servers. */
export function serviceRulesOf(facts: NodeFacts, mode: string): NodeServiceRules {
  if (mode === 'nftables') {
    const keys: string[] = []
    const families: NodeServiceRules['families'] = []
    const problems: string[] = []
    for (const [family, name] of [['ip', 'ipv4'], ['ip6', 'ipv6']] as const) {
      const maps = ['service-ips', 'no-endpoint-services'].map((m) => facts.nftServiceMaps[`${family} ${m}`])
      const problem = maps.map((m) => (!m ? 'not listed (no nft in the probe image)' : m.rc !== 0 ? m.body.trim().split('\n')[0] || `rc=${m.rc ?? 'none'}` : cut(m.body) ? 'listing longer than the probe reads' : undefined)).find(Boolean)
      if (problem) problems.push(`${family}: ${problem}`)
      else {
        families.push(name)
        for (const m of maps) keys.push(...parseNftServiceMap(m!.body))
      }
    }
    const source = `nftables maps service-ips and no-endpoint-services of table${families.length > 1 ? 's ip and ip6' : ` ${families[0] === 'ipv6' ? 'ip6' : 'ip'}`} kube-proxy`
    return families.includes('ipv4') ? {mode, keys, families, source} : {mode, families, source, unreadable: `nft list map ip kube-proxy: ${problems.join('; ')}`}
  }
  if (mode === 'iptables') {
    // The variant kube-proxy writes is the one holding its KUBE-SERVICES chain.
    const variant = Object.entries(facts.iptablesKubeServices).sort((a, b) => b[1] - a[1]).find(([, n]) => n > 0)?.[0]
    const text = variant ? facts.iptablesServices[variant] : undefined
    if (!variant || text === undefined) return {mode, families: ['ipv4'], source: 'iptables KUBE-SERVICES', unreadable: variant ? `${variant} was not listed` : 'no iptables variant holds a KUBE-SERVICES chain'}
    if (cut(text)) return {mode, families: ['ipv4'], source: `${variant} KUBE-SERVICES`, unreadable: 'listing longer than the probe reads'}
    // kube-proxy writes IPv6 Services with the same variant's ip6tables; without that listing they are not judged.
    const variant6 = variant.replace(/^iptables/, 'ip6tables')
    const text6 = facts.ip6tablesServices[variant6]
    if (text6 === undefined || cut(text6)) return {mode, keys: parseIptablesServiceRules(text), families: ['ipv4'], source: `${variant} KUBE-SERVICES (nat and filter)`}
    return {mode, keys: [...parseIptablesServiceRules(text), ...parseIptablesServiceRules(text6)], families: ['ipv4', 'ipv6'], source: `${variant} KUBE-SERVICES (nat and filter; IPv6: ${variant6})`}
  }
  if (mode === 'ipvs') {
    const ipvs = facts.ipvs
    if (!ipvs) return {mode, families: [], source: 'ipvsadm -Ln', unreadable: 'ipvsadm is not in the probe image'}
    if (!ipvs.available || ipvs.listing === undefined) return {mode, families: [], source: 'ipvsadm -Ln', unreadable: `ipvsadm -Ln failed (${ipvs.error ?? 'no output'}): the kernel may have no IPVS`}
    return {mode, keys: parseIpvsadm(ipvs.listing), families: ['ipv4', 'ipv6'], source: 'IPVS virtual servers (ipvsadm -Ln)'}
  }
  return {mode, families: [], source: `kube-proxy ${mode} mode`, unreadable: `netdiag does not read the rules of mode ${mode}`}
}

/** Every Service port the API has, in the node's kube-proxy rules for its mode: one missing on one node is named. */
export const nodeProbeServiceRulesCheck: Check<NodeTarget> = {
  id: 'node.probe.service-rules',
  title: 'Service rules on the node',
  layer: 'kube-proxy',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [
    {verb: 'list', resource: 'services'},
    {verb: 'get', resource: 'configmaps', namespace: 'kube-system'},
    {verb: 'list', group: 'apps', resource: 'daemonsets', namespace: 'kube-system'},
  ],
  async run(ctx) {
    const [{probes, unprobed}, services, configMap, daemonSets] = await Promise.all([
      probeAll(ctx),
      ctx.view.listServices(undefined),
      ctx.view.getConfigMap('kube-system', 'kube-proxy').catch(() => undefined),
      ctx.view.listDaemonSets('kube-system', {labelSelector: KUBE_PROXY_SELECTOR}).catch(() => []),
    ])
    const configured = configMap ? kubeProxySettingsFromConfigMap(configMap)?.effectiveMode : undefined
    const expected = expectedServicePorts(services, new Date())
    const perNode = probes.map((p) => {
      const mode = p.facts.kubeProxy.mode ?? configured
      // No kube-proxy here (a replacement, or none): node.probe.kube-proxy says which; nothing to read.
      if (!mode || (!p.facts.kubeProxy.mode && daemonSets.length === 0)) return {node: p.node, findings: []}
      return {node: p.node, findings: judgeServiceRules(serviceRulesOf(p.facts, mode), expected)}
    })
    return combineNodeFindings(perNode, {what: 'Service rules', unprobed})
  },
}
