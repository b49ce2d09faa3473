import type {V1Job} from '@kubernetes/client-node'

import {RawApiClient} from './api-client.js'
import {toNetdiagError} from './api-errors.js'
import {MANAGED_SELECTOR, SESSION_LABEL} from './debug-pod-spec.js'
import {jobsPath, podsPath} from './debug-session.js'
import type {Connection} from './kubeconfig.js'
import type {ClusterView} from './view.js'

export interface CleanupRef {
  kind: 'Pod' | 'Job'
  namespace: string
  name: string
  session?: string
}

export interface CleanupResult {
  deleted: CleanupRef[]
  failed: Array<CleanupRef & {error: string}>
}

/**
 * Deletes every pod and anchor Job we own (by label) in one namespace or all; user workloads are never matched.
 * Jobs go with Background propagation, so the garbage collector also takes any pod of ours they own.
 */
export async function deleteLeftovers(connection: Connection, view: ClusterView, namespace: string | undefined, dryRun: boolean): Promise<CleanupResult> {
  const api = new RawApiClient(connection)
  const result: CleanupResult = {deleted: [], failed: []}
  const [pods, jobs] = await Promise.all([view.listPods(namespace, {labelSelector: MANAGED_SELECTOR}), listJobs(api, namespace).catch((error: unknown) => error as Error)])
  if (jobs instanceof Error) {
    const mapped = toNetdiagError(jobs, {verb: 'list', resource: 'jobs', namespace})
    result.failed.push({kind: 'Job', namespace: namespace ?? '*', name: '*', error: mapped.message})
  }
  const refs: CleanupRef[] = [
    ...pods.map((pod) => ({kind: 'Pod' as const, namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, session: pod.metadata?.labels?.[SESSION_LABEL]})),
    ...(jobs instanceof Error ? [] : jobs).map((job) => ({kind: 'Job' as const, namespace: job.metadata!.namespace!, name: job.metadata!.name!, session: job.metadata?.labels?.[SESSION_LABEL]})),
  ]
  await Promise.all(
    refs.map(async (ref) => {
      if (dryRun) {
        result.deleted.push(ref)
        return
      }
      try {
        if (ref.kind === 'Pod') await api.request('DELETE', podsPath(ref.namespace, ref.name), {query: {gracePeriodSeconds: 0}})
        else await api.request('DELETE', jobsPath(ref.namespace, ref.name), {query: {propagationPolicy: 'Background'}})
        result.deleted.push(ref)
      } catch (error) {
        const mapped = toNetdiagError(error, {verb: 'delete', resource: ref.kind === 'Pod' ? 'pods' : 'jobs', namespace: ref.namespace, name: ref.name})
        if (mapped.kind === 'not-found') result.deleted.push(ref)
        else result.failed.push({...ref, error: mapped.message})
      }
    }),
  )
  const byName = (a: CleanupRef, b: CleanupRef) => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`)
  result.deleted.sort(byName)
  result.failed.sort(byName)
  return result
}

async function listJobs(api: RawApiClient, namespace: string | undefined): Promise<V1Job[]> {
  const list = await api.get<{items?: V1Job[]}>(jobsPath(namespace), {labelSelector: MANAGED_SELECTOR})
  return list.items ?? []
}
