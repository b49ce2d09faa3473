import {kubeProxySettingsFromConfigMap} from '../../analysis/node/kube-proxy-config.js'
import {detectProxyReplacement, kubeProxyOnNodes} from '../../analysis/svc/kube-proxy.js'
import {serviceKind} from '../../analysis/svc/service-type.js'
import type {ConfigMap, DaemonSet, Pod} from '../../cluster/types.js'
import type {Check} from '../../engine/types.js'
import {clientPod, requireService, selectedPods, serviceRef} from './facts.js'
import {KUBE_PROXY_SELECTOR, SYSTEM_NAMESPACE, type SvcTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

function modeFlag(ds: DaemonSet | undefined): string | undefined {
  const words = (ds?.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
  return words.map((w) => /^--proxy-mode=(\S*)$/.exec(w)?.[1]).find((m) => m !== undefined)
}

/** kube-proxy is ready on the client's and the backends' nodes, in which mode; or a replacement programs Services. */
export const kubeProxyCheck: Check<SvcTarget> = {
  id: 'svc.kube-proxy',
  title: 'kube-proxy',
  layer: 'kube-proxy',
  dependsOn: ['svc.service'],
  requires: () => [
    {verb: 'list', group: 'apps', resource: 'daemonsets', namespace: SYSTEM_NAMESPACE},
    {verb: 'list', resource: 'pods', namespace: SYSTEM_NAMESPACE},
    {verb: 'get', resource: 'configmaps', namespace: SYSTEM_NAMESPACE},
  ],
  async run({view, target, probes}) {
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    if (serviceKind(service) === 'ExternalName') {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'ExternalName Service: resolved by DNS, kube-proxy plays no part', objects: [ref]}
    }
    const unknown = unknownWithout(view, [{kind: 'DaemonSet', namespace: SYSTEM_NAMESPACE}, {kind: 'Pod', namespace: SYSTEM_NAMESPACE}], 'whether kube-proxy (or a replacement) programs this Service')
    if (unknown) return {...unknown, objects: [ref]}
    const [daemonSets, proxyPods, backends, client] = await Promise.all([
      view.listDaemonSets(SYSTEM_NAMESPACE, {labelSelector: KUBE_PROXY_SELECTOR}),
      view.listPods(SYSTEM_NAMESPACE, {labelSelector: KUBE_PROXY_SELECTOR}),
      selectedPods(view, target, service).catch(() => [] as Pod[]),
      target.fromPod ? clientPod(view, target) : undefined,
    ])
    // Without --from-pod the client is our debug pod: the node it runs on is on the path as much as the backends'.
    const probeNode = !target.fromPod && probes ? await probes.source().then((r) => r.details.node as string | undefined, () => undefined) : undefined
    const clientNode = client?.real ? client.pod.spec?.nodeName : probeNode
    const clientWord = client?.real ? "the client's node" : 'the node the probes run on'
    const backendNodes = [...new Set(backends.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n)))]
    const nodes = [...new Set([...(clientNode ? [clientNode] : []), ...backendNodes])]
    const ds = daemonSets[0]

    if (!ds && proxyPods.length === 0) {
      const [allDaemonSets, ciliumConfig, antreaConfig] = await Promise.all([
        view.listDaemonSets(SYSTEM_NAMESPACE).catch(() => [] as DaemonSet[]),
        view.getConfigMap(SYSTEM_NAMESPACE, 'cilium-config').catch(() => undefined),
        view.getConfigMap(SYSTEM_NAMESPACE, 'antrea-config').catch(() => undefined),
      ])
      const replacement = detectProxyReplacement(allDaemonSets, [ciliumConfig, antreaConfig].filter((c): c is ConfigMap => c !== undefined))
      if (replacement) {
        return {status: 'pass', summary: `no kube-proxy: ${replacement.name} replaces it (${replacement.evidence})`, objects: [ref], details: {replacement}}
      }
      return {
        status: 'warn',
        summary: `no kube-proxy DaemonSet or pod (${KUBE_PROXY_SELECTOR}) in ${SYSTEM_NAMESPACE} and no known replacement (Cilium, Calico eBPF, kube-router, Antrea proxyAll) found there: something else must program Service IPs (k3s and some distributions embed kube-proxy in the node agent)`,
        objects: [ref],
        details: {daemonSetsInKubeSystem: allDaemonSets.map((d) => d.metadata?.name)},
        remediation: 'if Services work nowhere, deploy kube-proxy (kubeadm: kubeadm init phase addon kube-proxy) or enable your CNI\'s kube-proxy replacement',
      }
    }

    const configMap = await view.getConfigMap(SYSTEM_NAMESPACE, 'kube-proxy').catch(() => undefined)
    const settings = configMap ? kubeProxySettingsFromConfigMap(configMap) : undefined
    const flag = modeFlag(ds)
    const mode = flag || settings?.effectiveMode || 'unknown'
    const modeSource = flag ? `--proxy-mode on DaemonSet ${SYSTEM_NAMESPACE}/${ds?.metadata?.name}` : settings ? `ConfigMap ${SYSTEM_NAMESPACE}/kube-proxy config.conf` : 'unknown'
    const states = kubeProxyOnNodes(proxyPods, nodes)
    const details = {
      daemonSet: ds?.metadata?.name,
      desired: ds?.status?.desiredNumberScheduled,
      ready: ds?.status?.numberReady,
      mode,
      modeSource,
      ...(settings?.errors.length ? {configErrors: settings.errors} : {}),
      nodes: states,
      clientNode: clientNode ?? null,
    }
    const objects = [ref, ...(ds ? [{kind: 'DaemonSet', namespace: SYSTEM_NAMESPACE, name: ds.metadata?.name ?? 'kube-proxy'}] : [])]
    const down = states.filter((s) => !s.ready)
    const clientDown = down.find((s) => s.node === clientNode)
    const describe = (s: (typeof states)[number]) => `${s.node} (${s.pod ? `pod ${s.pod}: ` : ''}${s.reason})`
    if (clientDown) {
      return {
        status: 'fail',
        summary: `kube-proxy is not ready on ${clientWord} ${describe(clientDown)}: the Service's ClusterIP (and kube-dns's) is not translated there`,
        objects: [...objects, {kind: 'Node', name: clientDown.node}, ...(clientDown.pod ? [{kind: 'Pod', namespace: SYSTEM_NAMESPACE, name: clientDown.pod}] : [])],
        details: {...details, explains: ['svc.dns', 'svc.connect']},
        remediation: clientDown.pod ? `kubectl -n ${SYSTEM_NAMESPACE} logs ${clientDown.pod} --tail=50; kubectl -n ${SYSTEM_NAMESPACE} describe pod ${clientDown.pod}` : `kubectl -n ${SYSTEM_NAMESPACE} describe daemonset ${ds?.metadata?.name ?? 'kube-proxy'}   # why no pod on ${clientDown.node} (taints, nodeSelector)`,
      }
    }
    if (down.length > 0) {
      return {
        status: 'warn',
        summary: `kube-proxy (${mode} mode) is not ready on ${down.map(describe).join(', ')}, which host${down.length === 1 ? 's' : ''} backends: pods there cannot use Services, and NodePort traffic arriving there fails`,
        objects,
        details,
        remediation: `kubectl -n ${SYSTEM_NAMESPACE} get pods -l ${KUBE_PROXY_SELECTOR} -o wide`,
      }
    }
    const unready = ds && ds.status && (ds.status.numberReady ?? 0) < (ds.status.desiredNumberScheduled ?? 0)
    const where = nodes.length > 0 ? `ready on ${states.map((s) => s.node).join(', ')}${clientNode ? " (the client's and the backends' nodes)" : " (the backends' nodes)"}` : `${ds?.status?.numberReady ?? proxyPods.length} pod(s) ready`
    return {
      status: unready && nodes.length === 0 ? 'warn' : 'pass',
      summary: `kube-proxy (${mode} mode, from ${modeSource}) ${where}${unready ? `; DaemonSet ${ds!.metadata?.name} has ${ds!.status!.numberReady ?? 0}/${ds!.status!.desiredNumberScheduled} ready` : ''}`,
      objects,
      details,
    }
  },
}
