import type {NameKind} from '../completion/plan.js'
import {loadConnection} from './kubeconfig.js'
import {LiveClusterView} from './live-view.js'

export interface NameLookup {
  kubeconfig?: string
  context?: string
  /** For pods and services; undefined: the context's namespace. */
  namespace?: string
}

/**
 * Names for shell completion, from the kubeconfig (contexts) or one list call bounded by timeoutMs, so a slow
 * or unreachable cluster never blocks the shell. Any failure yields no names.
 */
export async function listNames(kind: NameKind, lookup: NameLookup, timeoutMs: number): Promise<string[]> {
  try {
    const connection = loadConnection({kubeconfig: lookup.kubeconfig, context: lookup.context})
    if (kind === 'contexts') return connection.kubeConfig.getContexts().map((c) => c.name)
    const view = new LiveClusterView(connection, timeoutMs)
    const namespace = lookup.namespace ?? connection.namespace
    const objects =
      kind === 'pods'
        ? await view.listPods(namespace)
        : kind === 'services'
          ? await view.listServices(namespace)
          : kind === 'nodes'
            ? await view.listNodes()
            : await view.listNamespaces()
    return objects.map((o) => o.metadata?.name).filter((n): n is string => Boolean(n))
  } catch {
    return []
  }
}
