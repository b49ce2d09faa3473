import type {Finding} from '../../analysis/node/finding.js'
import {checkProxyMode, kubeProxySettingsFromConfigMap, type KubeProxySettings} from '../../analysis/node/kube-proxy-config.js'
import type {Check} from '../../engine/types.js'
import type {NodeFacts} from '../../probes/node.js'
import {KUBE_PROXY_SELECTOR} from './kube-proxy.js'
import {combineNodeFindings, probeAll, PROBE_SOURCE} from './per-node.js'
import type {NodeTarget} from './target.js'

/** The dataplane on the node: the mode kube-proxy reports on :10249, its /healthz, and its rules. */
export function judgeProxyDataplane(facts: NodeFacts, configured: KubeProxySettings | undefined, kubeProxyDeployed: boolean): Finding[] {
  const rules = Object.values(facts.iptablesKubeServices)
  const findings: Finding[] = []
  if (!facts.kubeProxy.mode && !kubeProxyDeployed) {
    const nft = facts.nftTables ?? []
    const ciliumish = nft.some((t) => /cilium/.test(t)) || (facts.links ?? []).some((l) => l.name.startsWith('cilium_'))
    return [{status: ciliumish ? 'pass' : 'warn', code: 'kube-proxy.replaced', message: ciliumish ? 'no kube-proxy on the node; Cilium devices present: kube-proxy replacement' : `no kube-proxy answers on :10249 and none is deployed${rules.some((r) => r > 0) ? ', yet KUBE-SERVICES rules exist (stale?)' : ''}`}]
  }
  findings.push(
    ...checkProxyMode(configured, {
      ...(facts.kubeProxy.mode ? {liveMode: facts.kubeProxy.mode} : {}),
      ...(rules.length > 0 ? {kubeServicesRules: Math.max(...rules)} : {}),
      ...(facts.nftTables ? {nftTables: facts.nftTables} : {}),
      ...(facts.ipvs?.available ? {ipvsServices: facts.ipvs.services} : {}),
    }),
  )
  const health = facts.kubeProxy.healthz
  if (health && (health.error || (health.httpStatus !== undefined && health.httpStatus !== 200))) {
    findings.push({
      status: 'warn',
      code: 'kube-proxy.unhealthy',
      message: `kube-proxy /healthz on :10256 ${health.error ? `did not answer (${health.error})` : `answered HTTP ${health.httpStatus}`}: it has not synced its rules recently`,
      remediation: 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50 (on this node)',
    })
  }
  if (!facts.kubeProxy.mode && facts.kubeProxy.modeError) {
    findings.push({status: 'warn', code: 'kube-proxy.no-metrics', message: `kube-proxy did not answer on 127.0.0.1:10249/proxyMode (${facts.kubeProxy.modeError}): mode taken from the ConfigMap (metricsBindAddress may be elsewhere)`})
  }
  return findings
}

export const nodeProbeKubeProxyCheck: Check<NodeTarget> = {
  id: 'node.probe.kube-proxy',
  title: 'kube-proxy dataplane',
  layer: 'kube-proxy',
  needsProbe: true,
  dependsOn: [PROBE_SOURCE],
  requires: () => [
    {verb: 'get', resource: 'configmaps', namespace: 'kube-system'},
    {verb: 'list', group: 'apps', resource: 'daemonsets', namespace: 'kube-system'},
  ],
  async run(ctx) {
    const [{probes, unprobed}, configMap, daemonSets] = await Promise.all([
      probeAll(ctx),
      ctx.view.getConfigMap('kube-system', 'kube-proxy').catch(() => undefined),
      ctx.view.listDaemonSets('kube-system', {labelSelector: KUBE_PROXY_SELECTOR}).catch(() => []),
    ])
    const configured = configMap ? kubeProxySettingsFromConfigMap(configMap) : undefined
    const perNode = probes.map((p) => ({node: p.node, findings: judgeProxyDataplane(p.facts, configured, daemonSets.length > 0)}))
    return combineNodeFindings(perNode, {what: 'kube-proxy dataplane', unprobed})
  },
}
