// meta/v1 Status bodies as the API server sends them with a failed request.

export function notFoundStatus(resource: string, name: string) {
  return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${resource} "${name}" not found`, reason: 'NotFound', details: {name, kind: resource}, code: 404}
}

/** An RBAC denial: `resource` is plural.group ("networkpolicies.networking.k8s.io", or "namespaces" for core). */
export function forbiddenStatus(resource: string, verb: string, options: {user?: string; namespace?: string; name?: string} = {}) {
  const [plural, ...group] = resource.split('.')
  const where = options.namespace ? ` in the namespace "${options.namespace}"` : ' at the cluster scope'
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${resource}${options.name ? ` "${options.name}"` : ''} is forbidden: User "${options.user ?? 'dev'}" cannot ${verb} resource "${plural}" in API group "${group.join('.')}"${where}`,
    reason: 'Forbidden',
    details: {...(options.name ? {name: options.name} : {}), ...(group.length ? {group: group.join('.')} : {}), kind: plural},
    code: 403,
  }
}
