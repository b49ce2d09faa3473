import {CAPTURED_ANNOTATION} from './snapshot-file.js'
import {redactForSnapshot} from './snapshot-redact.js'
import type {ClusterView} from './view.js'

/** kube-system ConfigMaps the analysis reads, by the names the snapshot contract lists; nothing else (they may hold credentials). */
export const SNAPSHOT_CONFIGMAP_PATTERN = /coredns|kube-proxy|cni|calico|cilium|flannel/

/**
 * What `kubectl get namespaces,nodes,pods,services,endpointslices,networkpolicies,deployments,daemonsets -A -o json`
 * plus the relevant kube-system ConfigMaps print, as one List. Never Secrets; env values and credentials redacted.
 */
export async function captureSnapshot(view: ClusterView): Promise<{apiVersion: 'v1'; kind: 'List'; items: unknown[]; metadata: {resourceVersion: string; annotations: Record<string, string>}}> {
  const [namespaces, nodes, pods, services, slices, policies, deployments, daemonsets, configMaps] = await Promise.all([
    view.listNamespaces(),
    view.listNodes(),
    view.listPods(undefined),
    view.listServices(undefined),
    view.listEndpointSlices(undefined),
    view.listNetworkPolicies(undefined),
    view.listDeployments(undefined),
    view.listDaemonSets(undefined),
    view.listConfigMaps('kube-system'),
  ])
  const relevantConfigMaps = configMaps.filter((cm) => SNAPSHOT_CONFIGMAP_PATTERN.test(cm.metadata?.name ?? ''))
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [...namespaces, ...nodes, ...pods, ...services, ...slices, ...policies, ...deployments, ...daemonsets, ...relevantConfigMaps].map(redactForSnapshot),
    // Every kind above was listed in every namespace (ConfigMaps: kube-system's, by name): absence is knowledge.
    metadata: {resourceVersion: '', annotations: {[CAPTURED_ANNOTATION]: 'Namespace,Node,Pod,Service,EndpointSlice,NetworkPolicy,Deployment,DaemonSet,ConfigMap/kube-system'}},
  }
}
