import {KubeConfig} from '@kubernetes/client-node'
import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, join} from 'node:path'

import {ExitCode, NetdiagError} from '../errors.js'

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export interface ConnectionOptions {
  kubeconfig?: string
  context?: string
}

export interface Connection {
  kubeConfig: KubeConfig
  context: string
  server: string
  /** The context's namespace, else `default` (kubectl's rule). */
  namespace: string
}

/** kubectl's precedence: --kubeconfig, then $KUBECONFIG (a list; missing files are skipped), then ~/.kube/config, then in-cluster. */
export function loadConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const kc = new KubeConfig()
  try {
    loadKubeConfig(kc, options, env)
  } catch (error) {
    if (error instanceof NetdiagError) throw error
    const where = options.kubeconfig ?? env.KUBECONFIG ?? '~/.kube/config'
    throw new NetdiagError(
      `cannot read kubeconfig ${where}: ${(error as Error).message.split('\n')[0]}`,
      ExitCode.badInput,
      'bad-input',
    )
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name)
      throw new NetdiagError(
        `context "${options.context}" not found in kubeconfig; available: ${known.join(', ') || 'none'} (see kubectl config get-contexts)`,
        ExitCode.badInput,
        'bad-input',
      )
    }
    kc.setCurrentContext(options.context)
  }

  const context = kc.getCurrentContext()
  const contextObject = context ? kc.getContextObject(context) : null
  const cluster = kc.getCurrentCluster()
  if (!contextObject || !cluster) {
    throw new NetdiagError(
      'the kubeconfig has no current context: pass --context, or run kubectl config use-context NAME',
      ExitCode.unreachable,
      'no-kubeconfig',
    )
  }
  return {kubeConfig: kc, context, server: cluster.server, namespace: contextObject.namespace || 'default'}
}

function loadKubeConfig(kc: KubeConfig, options: ConnectionOptions, env: NodeJS.ProcessEnv): void {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new NetdiagError(`kubeconfig file ${options.kubeconfig} does not exist (from --kubeconfig)`, ExitCode.badInput, 'bad-input')
    }
    loadFile(kc, options.kubeconfig)
    return
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file && existsSync(file))
  if (fromEnv.length > 0) {
    // Empty files in the list contribute nothing (as with kubectl); only an all-empty list is an error.
    const withContent = fromEnv.filter((file) => readFileSync(file, 'utf8').trim() !== '')
    loadFile(kc, withContent[0] ?? fromEnv[0])
    for (const file of withContent.slice(1)) {
      const next = new KubeConfig()
      next.loadFromFile(file)
      // kubectl merges a KUBECONFIG list with the first file winning; client-node's mergeConfig throws on
      // duplicate names instead, so add only what is new.
      mergeFirstWins(kc, next)
    }
    return
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config')
  if (!env.KUBECONFIG && existsSync(home)) {
    loadFile(kc, home)
    return
  }
  if (existsSync(SERVICE_ACCOUNT_TOKEN) && env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster()
    return
  }
  const tried = env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : home
  throw new NetdiagError(
    `no kubeconfig found (looked at ${tried}): pass --kubeconfig FILE, set KUBECONFIG, or use --snapshot FILE for offline analysis`,
    ExitCode.unreachable,
    'no-kubeconfig',
  )
}

/** client-node fails on an empty file with a TypeError ("reading 'clusters'"); an empty kubeconfig is no kubeconfig. */
function loadFile(kc: KubeConfig, path: string): void {
  if (readFileSync(path, 'utf8').trim() === '') {
    throw new NetdiagError(`kubeconfig ${path} is empty: pass --kubeconfig FILE, set KUBECONFIG, or use --snapshot FILE for offline analysis`, ExitCode.unreachable, 'no-kubeconfig')
  }
  kc.loadFromFile(path)
}

function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
  const has = <T extends {name: string}>(list: T[], item: T) => list.some((x) => x.name === item.name)
  into.clusters = [...into.clusters, ...from.clusters.filter((c) => !has(into.clusters, c))]
  into.users = [...into.users, ...from.users.filter((u) => !has(into.users, u))]
  into.contexts = [...into.contexts, ...from.contexts.filter((c) => !has(into.contexts, c))]
  if (!into.getCurrentContext() && from.getCurrentContext()) into.setCurrentContext(from.getCurrentContext())
}
