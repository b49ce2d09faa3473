// The reachability verdicts a what-if can flip: for each Service, from each group of pods with the same labels,
// on each port, allowed / denied / unknown through every policy layer (the policy engine that path and svc use).
// Only the flows the overlay can touch are evaluated: into and out of the namespaces it changes (every namespace
// for a cluster-scoped policy), so a one-policy pull request costs one namespace's flows, not the cluster's.
import {formatLabels} from '../../analysis/labels.js'
import {namespaceLabels, podEndpoint} from '../../analysis/network-policy.js'
import {resolveTargetPort, normalizeProtocol} from '../../analysis/ports.js'
import {isPodReady} from '../../analysis/svc/pod-readiness.js'
import type {FlowEntry} from '../../analysis/whatif/diff.js'
import type {Namespace, Pod, Service} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import {MANAGED_BY_LABEL, MANAGED_BY_VALUE} from '../../cluster/debug-pod-spec.js'
import {decidedByWords, layeredVerdict, loadPolicyLayers} from '../path/policy-layers.js'

/** Beyond this many flows per view the rest is not evaluated, and the report says so. */
export const MAX_FLOWS = 100_000

export interface FlowScope {
  /** Every namespace the scan covers. */
  namespaces: readonly string[]
  /** Namespaces the overlay touches; undefined: all of them (a cluster-scoped policy changed). */
  touched: ReadonlySet<string> | undefined
}

interface SourceGroup {
  key: string
  namespace: string
  pod: Pod
}

export async function flowVerdicts(view: ClusterView, scope: FlowScope): Promise<{flows: FlowEntry[]; truncated: boolean}> {
  const touched = (ns: string) => !scope.touched || scope.touched.has(ns)
  const policies = (await Promise.all(scope.namespaces.map((ns) => view.listNetworkPolicies(ns)))).flat()
  const layers = await loadPolicyLayers(view, scope.namespaces, policies)
  const namespaceObjects = new Map<string, Namespace | undefined>()
  await Promise.all(scope.namespaces.map(async (ns) => namespaceObjects.set(ns, await view.getNamespace(ns))))
  const nsLabels = (ns: string) => namespaceObjects.get(ns) ?? namespaceLabels(ns)
  const sources = new Map<string, SourceGroup[]>()
  const services = new Map<string, Array<{service: Service; backend?: Pod}>>()
  for (const ns of scope.namespaces) {
    const pods = (await view.listPods(ns)).filter((p) => !p.spec?.hostNetwork && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && p.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
    const groups = new Map<string, SourceGroup>()
    for (const pod of pods) {
      const key = `${ns} pods ${formatLabels(stableLabels(pod.metadata?.labels ?? {})) || '(no labels)'}`
      if (!groups.has(key)) groups.set(key, {key, namespace: ns, pod})
    }
    sources.set(ns, [...groups.values()])
    const list = (await view.listServices(ns)).filter((s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0 && s.spec.type !== 'ExternalName')
    services.set(
      ns,
      await Promise.all(
        list.map(async (service) => {
          const backends = await view.listPods(ns, {labelSelector: Object.entries(service.spec!.selector!).map(([k, v]) => `${k}=${v}`).join(',')})
          return {service, backend: backends.find(isPodReady) ?? backends[0]}
        }),
      ),
    )
  }
  const flows: FlowEntry[] = []
  let truncated = false
  for (const dstNs of scope.namespaces) {
    for (const {service, backend} of services.get(dstNs) ?? []) {
      for (const srcNs of scope.namespaces) {
        if (!touched(dstNs) && !touched(srcNs)) continue
        for (const group of sources.get(srcNs) ?? []) {
          for (const port of service.spec?.ports ?? []) {
            if (flows.length >= MAX_FLOWS) {
              truncated = true
              break
            }
            const protocol = normalizeProtocol(port.protocol)
            const flow = `svc ${dstNs}/${service.metadata?.name}:${port.port}/${protocol} from ${group.key}`
            if (!backend) {
              flows.push({flow, verdict: 'no backend', decidedBy: ''})
              continue
            }
            const target = resolveTargetPort(port, backend).resolved
            if (target === undefined) {
              flows.push({flow, verdict: 'no endpoint (targetPort unresolved)', decidedBy: ''})
              continue
            }
            const v = layeredVerdict(layers, podEndpoint(group.pod, nsLabels(srcNs)), podEndpoint(backend, nsLabels(dstNs)), {protocol, port: target})
            flows.push({flow, verdict: v.verdict, decidedBy: decidedByWords(v.decidedBy)})
          }
        }
      }
    }
  }
  return {flows, truncated}
}

/** Labels controllers stamp per revision or per pod: a what-if pod from a template carries none of them. */
const GENERATED_LABELS = ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'pod-template-generation']

function stableLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !GENERATED_LABELS.includes(key)))
}
