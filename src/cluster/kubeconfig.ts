import {existsSync, readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {delimiter, isAbsolute, join} from 'node:path'

import {ExitCode, kubeconfigProblem, NetdiagError} from '../errors.js'
import type {ApiLog} from './api-client.js'
import {KubeConfig} from './k8s.js'

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export interface ConnectionOptions {
  kubeconfig?: string
  context?: string
  /** --as and --as-group: impersonation, sent on every request as kubectl sends it. */
  as?: string
  asGroups?: string[]
}

export interface Connection {
  kubeConfig: KubeConfig
  context: string
  server: string
  /** The context's namespace, else `default` (kubectl's rule). */
  namespace: string
  /** The exec credential plugin of the context's user, to name it when it fails. */
  execCommand?: string
  /** -v: every API call of the run (reads, debug pods, access reviews) is logged through it. */
  apiLog?: ApiLog
}

/**
 * kubectl's precedence: --kubeconfig, then $KUBECONFIG (a list; missing files are skipped), then ~/.kube/config,
 * then in-cluster. Every kubeconfig problem (a missing file, context, cluster, user, CA or token file, exec
 * plugin) is one message naming it, exit 3: without a usable kubeconfig the cluster cannot be reached.
 */
export function loadConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const kc = new KubeConfig()
  const where = describeSource(options, env)
  try {
    loadKubeConfig(kc, options, env)
  } catch (error) {
    if (error instanceof NetdiagError) throw error
    const err = error as NodeJS.ErrnoException
    // client-node reads token-file while parsing: name the file, not the parser.
    if (err.code === 'ENOENT' && err.path) throw kubeconfigProblem(`${where} names ${err.path}, which does not exist (a token-file?)`)
    throw kubeconfigProblem(`cannot read kubeconfig ${where}: ${err.message.split('\n')[0]}`)
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name)
      throw kubeconfigProblem(`context "${options.context}" not found in kubeconfig; available: ${known.join(', ') || 'none'} (see kubectl config get-contexts)`)
    }
    kc.setCurrentContext(options.context)
  }
  const connection = validateCurrentContext(kc, where)
  if (options.as || options.asGroups?.length) impersonate(kc, options.as, options.asGroups ?? [])
  return connection
}

function describeSource(options: ConnectionOptions, env: NodeJS.ProcessEnv): string {
  if (options.kubeconfig) return options.kubeconfig
  if (env.KUBECONFIG) return `KUBECONFIG=${env.KUBECONFIG}`
  return '~/.kube/config'
}

/** What kubectl would stumble on for the current context, found before the first request and named. */
function validateCurrentContext(kc: KubeConfig, where: string): Connection {
  const name = kc.getCurrentContext()
  if (!name) throw kubeconfigProblem(`the kubeconfig has no current context: pass --context, or run kubectl config use-context NAME`)
  const context = kc.getContextObject(name)
  if (!context) {
    const known = kc.getContexts().map((c) => c.name)
    throw kubeconfigProblem(`current-context "${name}" of ${where} names no context there (available: ${known.join(', ') || 'none'}): run kubectl config use-context NAME, or pass --context`)
  }
  const cluster = kc.getCluster(context.cluster)
  if (!cluster) throw kubeconfigProblem(`context "${name}" names cluster "${context.cluster}", which ${where} does not define (see kubectl config get-clusters)`)
  if (!cluster.server) throw kubeconfigProblem(`cluster "${cluster.name}" in ${where} has no server URL`)
  if (cluster.caFile && !isFile(cluster.caFile)) throw kubeconfigProblem(`certificate-authority ${cluster.caFile} of cluster "${cluster.name}" does not exist`)
  const user = context.user ? kc.getUser(context.user) : null
  if (context.user && !user) throw kubeconfigProblem(`context "${name}" names user "${context.user}", which ${where} does not define (see kubectl config get-users)`)
  if (user?.certFile && !isFile(user.certFile)) throw kubeconfigProblem(`client-certificate ${user.certFile} of user "${user.name}" does not exist`)
  if (user?.keyFile && !isFile(user.keyFile)) throw kubeconfigProblem(`client-key ${user.keyFile} of user "${user.name}" does not exist`)
  const exec = user?.exec as {command?: string; installHint?: string} | undefined
  if (exec) {
    if (!exec.command) throw kubeconfigProblem(`user "${user!.name}" has an exec credential plugin without a command`)
    if (!onPath(exec.command)) {
      const hint = exec.installHint ? `: ${exec.installHint.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}` : ': install it, or fix users[].user.exec.command in the kubeconfig'
      throw kubeconfigProblem(`exec credential plugin "${exec.command}" of user "${user!.name}" is not installed (not found${isAbsolute(exec.command) ? '' : ' on PATH'})${hint}`)
    }
  }
  return {kubeConfig: kc, context: name, server: cluster.server, namespace: context.namespace || 'default', ...(exec?.command ? {execCommand: exec.command} : {})}
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function onPath(command: string): boolean {
  if (command.includes('/')) return isFile(command)
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isFile(join(dir, command)))
}

/** client-node knows the kubeconfig's `as` only; --as/--as-group go on every request, typed, raw and exec alike. */
function impersonate(kc: KubeConfig, user: string | undefined, groups: string[]): void {
  const target = kc as unknown as {applyOptions(opts: {headers?: Record<string, string | string[]>}): Promise<void>}
  const original = target.applyOptions.bind(kc)
  target.applyOptions = async (opts) => {
    await original(opts)
    opts.headers ??= {}
    if (user) opts.headers['Impersonate-User'] = user
    if (groups.length > 0) opts.headers['Impersonate-Group'] = groups.length === 1 ? groups[0] : groups
  }
}

function loadKubeConfig(kc: KubeConfig, options: ConnectionOptions, env: NodeJS.ProcessEnv): void {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw kubeconfigProblem(`kubeconfig file ${options.kubeconfig} does not exist (from --kubeconfig)`)
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
  if (statSync(path).isDirectory()) throw kubeconfigProblem(`kubeconfig ${path} is a directory, not a file`)
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
