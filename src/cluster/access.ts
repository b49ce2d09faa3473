import {RawApiClient} from './api-client.js'
import type {Connection} from './kubeconfig.js'

export interface AccessRequirement {
  verb: string
  resource: string
  group?: string
  subresource?: string
  /** Undefined: cluster-wide. */
  namespace?: string
}

export interface AccessVerdict extends AccessRequirement {
  allowed: boolean
  /** The review itself failed: treated as allowed, so a missing SSAR permission never blocks a run. */
  unknown?: boolean
}

export function describeAccess(r: AccessRequirement): string {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource
  return `${r.verb} ${resource}${r.namespace ? ` in namespace ${r.namespace}` : ' cluster-wide'}`
}

export function accessKey(r: AccessRequirement): string {
  return [r.verb, r.group ?? '', r.resource, r.subresource ?? '', r.namespace ?? ''].join('|')
}

/** SelfSubjectAccessReview for each distinct requirement, in parallel. */
export async function reviewAccess(connection: Connection, requirements: AccessRequirement[]): Promise<AccessVerdict[]> {
  const api = new RawApiClient(connection)
  const unique = [...new Map(requirements.map((r) => [accessKey(r), r])).values()]
  return Promise.all(
    unique.map(async (requirement) => {
      try {
        const review = await api.request<{status?: {allowed?: boolean}}>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: requirement.verb,
                resource: requirement.resource,
                group: requirement.group ?? '',
                ...(requirement.subresource ? {subresource: requirement.subresource} : {}),
                ...(requirement.namespace ? {namespace: requirement.namespace} : {}),
              },
            },
          },
        })
        return {...requirement, allowed: Boolean(review.status?.allowed)}
      } catch {
        return {...requirement, allowed: true, unknown: true}
      }
    }),
  )
}
