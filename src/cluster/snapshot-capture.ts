import {POLICY_RESOURCES} from './policy-resources.js'
import {captureRoutingObjects} from './snapshot-capture-routing.js'
import {CAPTURED_ANNOTATION} from './snapshot-file.js'
import {redactForSnapshot} from './snapshot-redact.js'
import type {ClusterView} from './view.js'

/** kube-system ConfigMaps the analysis reads, by the names the snapshot contract lists; nothing else (they may hold credentials). */
export const SNAPSHOT_CONFIGMAP_PATTERN = /coredns|kube-proxy|cni|calico|cilium|flannel/

const CORE_CAPTURED = ['Namespace', 'Node', 'Pod', 'Service', 'EndpointSlice', 'NetworkPolicy', 'Deployment', 'DaemonSet', 'ConfigMap/kube-system']

/**
 * What `kubectl get namespaces,nodes,pods,services,endpointslices,networkpolicies,deployments,daemonsets -A -o json`
 * plus the relevant kube-system ConfigMaps and the policy CRDs the cluster serves print, as one List. Never Secrets; env values and credentials redacted.
 */
export async function captureSnapshot(view: ClusterView): Promise<{
  apiVersion: 'v1'
  kind: 'List'
  items: unknown[]
  metadata: {resourceVersion: string; annotations: Record<string, string>}
  omitted: string[]
}> {
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
  // The policy CRDs the cluster serves (AdminNetworkPolicy, Cilium, Calico): a kind we may not read fails the
  // snapshot rather than leave it out, since offline an absent kind would read as "no such policies".
  const served = await view.servedPolicyResources(POLICY_RESOURCES)
  const policyObjects = (await Promise.all(served.map((resource) => view.listPolicyObjects(resource)))).flat()
  const relevantConfigMaps = configMaps.filter((cm) => SNAPSHOT_CONFIGMAP_PATTERN.test(cm.metadata?.name ?? ''))
  // Ingress and Gateway API kinds: one the cluster does not serve, or we may not list, is left out and named.
  const routing = await captureRoutingObjects(view)
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ...[...namespaces, ...nodes, ...pods, ...services, ...slices, ...policies, ...policyObjects, ...deployments, ...daemonsets, ...relevantConfigMaps].map(redactForSnapshot),
      ...routing.items,
    ],
    // Every kind named here was listed in every namespace (ConfigMaps: kube-system's, by name): absence is knowledge.
    metadata: {resourceVersion: '', annotations: {[CAPTURED_ANNOTATION]: [...CORE_CAPTURED, ...served.map((r) => r.kind), ...routing.captured].join(',')}},
    omitted: routing.omitted,
  }
}
