// A counting reverse proxy in front of the API server, for the live benchmarks: netdiag (or kubectl) talks TLS to
// 127.0.0.1 (the proxy serves the local cluster's own apiserver certificate, so the kubeconfig keeps its CA) and
// the proxy forwards over TLS with the admin kubeconfig's credentials. It counts requests
// and response bytes per run, so "API calls and bytes read stay O(1) in cluster size" is measured from outside
// the program, including calls no check timed. Websocket upgrades (exec) are piped through and counted once.
import {readFileSync, writeFileSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {createServer, request as httpsRequest, type RequestOptions} from 'node:https'
import {isIP} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import type {AddressInfo} from 'node:net'

import {parse as parseYaml} from 'yaml'

export interface ApiTraffic {
  calls: number
  bytes: number
  /** Lists without a namespace in the path: what "nothing lists cluster-wide" is about. */
  clusterWideLists: string[]
  /** method + path (query string kept) of every call, in order. */
  requests: string[]
}

interface Upstream {
  host: string
  port: number
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  token?: string
}

export interface CountingProxy {
  kubeconfigPath: string
  take(): ApiTraffic
  close(): Promise<void>
}

function fileOrData(base: Record<string, string | undefined>, name: string): Buffer | undefined {
  const data = base[`${name}-data`]
  if (data) return Buffer.from(data, 'base64')
  const file = base[name]
  return file ? readFileSync(file) : undefined
}

function upstreamFrom(kubeconfig: string): Upstream {
  const config = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    'current-context': string
    contexts: Array<{name: string; context: {cluster: string; user: string}}>
    clusters: Array<{name: string; cluster: Record<string, string>}>
    users: Array<{name: string; user: Record<string, string>}>
  }
  const context = config.contexts.find((c) => c.name === config['current-context'])!.context
  const cluster = config.clusters.find((c) => c.name === context.cluster)!.cluster
  const user = config.users.find((u) => u.name === context.user)!.user
  const url = new URL(cluster.server!)
  return {
    host: url.hostname,
    port: Number(url.port || 443),
    ca: fileOrData(cluster, 'certificate-authority'),
    cert: fileOrData(user, 'client-certificate'),
    key: fileOrData(user, 'client-key'),
    token: user.token,
  }
}

function isClusterWideList(method: string, path: string): boolean {
  if (method !== 'GET') return false
  const bare = path.split('?')[0]!
  // /api/v1/pods, /apis/networking.k8s.io/v1/networkpolicies: a collection with no /namespaces/NS/ before it.
  const parts = bare.split('/').filter(Boolean)
  const afterVersion = parts[0] === 'api' ? parts.slice(2) : parts.slice(3)
  return afterVersion.length === 1 && afterVersion[0] !== 'namespaces' && afterVersion[0] !== 'nodes'
}

/** The serving certificate, key and CA the proxy presents: the local cluster's (test/cluster/pki.sh). */
export interface ServingTls {
  cert: string
  key: string
  ca: string
}

export async function startCountingProxy(kubeconfig: string, kubeconfigOut: string, serving: ServingTls): Promise<CountingProxy> {
  const upstream = upstreamFrom(kubeconfig)
  let traffic: ApiTraffic = {calls: 0, bytes: 0, clusterWideLists: [], requests: []}
  const tls = {ca: upstream.ca, cert: upstream.cert, key: upstream.key, ...(isIP(upstream.host) ? {} : {servername: upstream.host})}
  const headersFor = (req: IncomingMessage) => ({
    ...req.headers,
    host: `${upstream.host}:${upstream.port}`,
    ...(upstream.token ? {authorization: `Bearer ${upstream.token}`} : {}),
  })
  const record = (req: IncomingMessage) => {
    traffic.calls++
    traffic.requests.push(`${req.method} ${req.url}`)
    if (isClusterWideList(req.method ?? '', req.url ?? '')) traffic.clusterWideLists.push(req.url ?? '')
  }

  const server = createServer({cert: readFileSync(serving.cert), key: readFileSync(serving.key)}, (req, res) => {
    record(req)
    const options: RequestOptions = {...tls, host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers: headersFor(req)}
    const forward = httpsRequest(options, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
      upstreamRes.on('data', (chunk: Buffer) => (traffic.bytes += chunk.length))
      upstreamRes.pipe(res)
    })
    forward.on('error', (error) => {
      res.writeHead(502)
      res.end(String(error))
    })
    req.pipe(forward)
  })
  // Upgraded (exec) sockets leave the server's connection tracking: kept here so close() can end them.
  const upgraded = new Set<{destroy(): void}>()
  server.on('upgrade', (req, socket, head) => {
    record(req)
    upgraded.add(socket)
    socket.on('close', () => upgraded.delete(socket))
    const target = tlsConnect({...tls, host: upstream.host, port: upstream.port}, () => {
      const headers = headersFor(req)
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : v === undefined ? [] : [`${k}: ${v}`]))]
      target.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length) target.write(head)
      target.on('data', (chunk: Buffer) => (traffic.bytes += chunk.length))
      target.pipe(socket)
      socket.pipe(target)
    })
    const end = () => {
      target.destroy()
      socket.destroy()
    }
    target.on('error', end)
    socket.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  writeFileSync(
    kubeconfigOut,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: bench',
      `clusters: [{name: bench, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: "${serving.ca}"}}]`,
      'users: [{name: bench, user: {}}]',
      'contexts: [{name: bench, context: {cluster: bench, user: bench}}]',
      '',
    ].join('\n'),
  )
  return {
    kubeconfigPath: kubeconfigOut,
    take() {
      const taken = traffic
      traffic = {calls: 0, bytes: 0, clusterWideLists: [], requests: []}
      return taken
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        for (const socket of upgraded) socket.destroy()
      }),
  }
}
