import {CoreV1Api} from '@kubernetes/client-node'

import {toNetdiagError} from './api-errors.js'
import {MANAGED_SELECTOR, SESSION_LABEL} from './debug-pod-spec.js'
import type {Connection} from './kubeconfig.js'
import type {ClusterView} from './view.js'

export interface CleanupResult {
  deleted: Array<{namespace: string; name: string; session?: string}>
  failed: Array<{namespace: string; name: string; error: string}>
}

/** Deletes every pod we own (by label) in one namespace or all; user workloads are never matched. */
export async function deleteLeftovers(connection: Connection, view: ClusterView, namespace: string | undefined, dryRun: boolean): Promise<CleanupResult> {
  const pods = await view.listPods(namespace, {labelSelector: MANAGED_SELECTOR})
  const core = connection.kubeConfig.makeApiClient(CoreV1Api)
  const result: CleanupResult = {deleted: [], failed: []}
  await Promise.all(
    pods.map(async (pod) => {
      const ref = {namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, session: pod.metadata?.labels?.[SESSION_LABEL]}
      if (dryRun) {
        result.deleted.push(ref)
        return
      }
      try {
        await core.deleteNamespacedPod({namespace: ref.namespace, name: ref.name, gracePeriodSeconds: 0})
        result.deleted.push(ref)
      } catch (error) {
        const mapped = toNetdiagError(error, {verb: 'delete', resource: 'pods', namespace: ref.namespace, name: ref.name})
        if (mapped.kind === 'not-found') result.deleted.push(ref)
        else result.failed.push({namespace: ref.namespace, name: ref.name, error: mapped.message})
      }
    }),
  )
  const byName = (a: {namespace: string; name: string}, b: {namespace: string; name: string}) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)
  result.deleted.sort(byName)
  result.failed.sort(byName)
  return result
}
