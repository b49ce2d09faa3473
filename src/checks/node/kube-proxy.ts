import type {Finding} from '../../analysis/node/finding.js'
import {kubeProxySettingsFromConfigMap} from '../../analysis/node/kube-proxy-config.js'
import type {Check} from '../../engine/types.js'
import {clusterCni} from './facts.js'
import {combineNodeFindings} from './per-node.js'
import type {NodeTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

export const KUBE_PROXY_SELECTOR = 'k8s-app=kube-proxy'

/** kube-proxy per the API: its DaemonSet, its pod on each node, the mode in its ConfigMap; or what replaces it. */
export const nodeKubeProxyCheck: Check<NodeTarget> = {
  id: 'node.kube-proxy',
  title: 'kube-proxy',
  layer: 'kube-proxy',
  requires: () => [
    {verb: 'list', group: 'apps', resource: 'daemonsets', namespace: 'kube-system'},
    {verb: 'list', resource: 'pods', namespace: 'kube-system'},
    {verb: 'get', resource: 'configmaps', namespace: 'kube-system'},
  ],
  async run({view, target}) {
    const unknown = unknownWithout(view, [{kind: 'DaemonSet', namespace: 'kube-system'}, {kind: 'Pod', namespace: 'kube-system'}], 'whether kube-proxy runs on the nodes')
    if (unknown) return unknown
    const [daemonSets, pods, configMap] = await Promise.all([
      view.listDaemonSets('kube-system', {labelSelector: KUBE_PROXY_SELECTOR}),
      view.listPods('kube-system', {labelSelector: KUBE_PROXY_SELECTOR}),
      view.getConfigMap('kube-system', 'kube-proxy'),
    ])
    const settings = configMap ? kubeProxySettingsFromConfigMap(configMap) : undefined
    const mode = settings ? (settings.mode === '' ? 'iptables (mode unset)' : settings.mode) : 'unknown mode (no ConfigMap kube-system/kube-proxy)'
    if (daemonSets.length === 0) {
      const cni = await clusterCni(view).catch(() => undefined)
      const cilium = cni?.cni === 'cilium' || cni?.policyEngines.includes('cilium')
      return {
        status: cilium ? 'pass' : 'warn',
        summary: cilium
          ? 'no kube-proxy DaemonSet: Cilium replaces kube-proxy (Services are programmed in eBPF)'
          : 'no kube-proxy DaemonSet in kube-system: Services work only if something replaces it (Cilium, kube-router --run-service-proxy, a managed dataplane)',
        details: {daemonSet: null, replacement: cilium ? 'cilium' : null},
      }
    }
    const perNode = target.nodes.map((node) => {
      const pod = pods.find((p) => p.spec?.nodeName === node)
      const findings: Finding[] = []
      if (!pod) findings.push({status: 'fail', code: 'kube-proxy.missing', message: `no kube-proxy pod on ${node}: Service IPs are not programmed there`, remediation: 'kubectl -n kube-system describe daemonset kube-proxy (nodeSelector, tolerations)'})
      else {
        const status = (pod.status?.containerStatuses ?? [])[0]
        const waiting = status?.state?.waiting?.reason
        if (pod.status?.phase !== 'Running' || waiting || status?.ready === false) {
          findings.push({
            status: 'fail',
            code: 'kube-proxy.unhealthy',
            message: `kube-proxy pod ${pod.metadata?.name} on ${node} is ${waiting ?? pod.status?.phase ?? 'not running'} (${status?.restartCount ?? 0} restarts): Service rules there are stale or missing`,
            remediation: `kubectl -n kube-system logs ${pod.metadata?.name} --previous`,
          })
        } else findings.push({status: 'pass', code: 'kube-proxy.ready', message: `kube-proxy ${pod.metadata?.name} ready, ${mode}`})
      }
      return {node, findings}
    })
    const result = combineNodeFindings(perNode, {what: 'kube-proxy'})
    return {...result, details: {...result.details, configuredMode: settings?.effectiveMode ?? null, clusterCIDR: settings?.clusterCIDR ?? null, configErrors: settings?.errors ?? []}}
  },
}
