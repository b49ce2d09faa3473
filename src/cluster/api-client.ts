import {kubeconfigProblem} from '../errors.js'
import {send} from './http-send.js'
import {ApiException} from './k8s.js'
import type {Connection} from './kubeconfig.js'
import {sharedAgent} from './shared-agent.js'

type Query = Record<string, string | number | boolean | undefined>

export interface RequestOptions {
  query?: Query
  as?: 'json' | 'text'
  headers?: Record<string, string>
  /** Sent as JSON. */
  body?: unknown
  contentType?: string
}

/** -v: 6 logs each API call (kubectl's level for request URLs and status), 8 adds the response size. */
export interface ApiLog {
  level: number
  write(line: string): void
}

/**
 * GETs that return the API's JSON exactly as sent. client-node's typed calls rename fields (NetworkPolicy
 * ingress `from` becomes `_from`) and turn timestamps into Dates; analysis and snapshots need the wire shape.
 * Authentication (certs, tokens, exec plugins) still comes from client-node's KubeConfig.
 */
export class RawApiClient {
  constructor(
    private readonly connection: Connection,
    private readonly log?: ApiLog,
  ) {}

  async get<T>(path: string, query: Query = {}, as: 'json' | 'text' = 'json', headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('GET', path, {query, as, headers})
  }

  /** One API call with the kubeconfig's credentials; a non-2xx answer throws ApiException with the Status body. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
    const {query = {}, as = 'json', headers = {}, body, contentType = 'application/json'} = options
    const credentials = await this.credentials()
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value))
    const url = `${this.connection.server.replace(/\/$/, '')}${path}${search.size > 0 ? `?${search}` : ''}`
    const started = Date.now()
    // The credentials' headers are a Headers object (impersonation may repeat Impersonate-Group): read every
    // value of each, never spread it, which would drop the token.
    const wire = wireHeaders(credentials.headers)
    for (const [name, value] of Object.entries(headers)) wire[name] = value
    if (body !== undefined) wire['Content-Type'] = contentType
    const response = await send(url, {method, headers: wire, agent: sharedAgent(this.connection, credentials.agent), ...(body === undefined ? {} : {body: JSON.stringify(body)})})
    const text = response.text
    const log = this.log ?? this.connection.apiLog
    // The URL and status only: headers (tokens) and bodies (object data) are never logged.
    if (log && log.level >= 6) {
      log.write(`${method} ${url} ${response.status} ${response.statusText} in ${Date.now() - started} milliseconds${log.level >= 8 ? ` (${text.length} bytes)` : ''}`)
    }
    if (!response.ok) {
      throw new ApiException(response.status, `${method} ${path}`, text, response.headers)
    }
    return (as === 'text' ? text : JSON.parse(text)) as T
  }

  /** The kubeconfig's credentials; a failing exec plugin is named with its own words (its stderr). */
  private async credentials() {
    try {
      return await this.connection.kubeConfig.applyToFetchOptions({})
    } catch (error) {
      const command = this.connection.execCommand
      const said = ((error as Error).message ?? String(error)).trim().split('\n').find((line) => line.trim() !== '') ?? 'no output'
      if (command) throw kubeconfigProblem(`exec credential plugin "${command}" failed: ${said.slice(0, 300)}; run it by hand to see why (often: log in again)`)
      throw kubeconfigProblem(`cannot use the kubeconfig's credentials: ${said.slice(0, 300)}`)
    }
  }
}

/** client-node hands out a node-fetch Headers; raw() keeps a repeated header (Impersonate-Group) as its values. */
function wireHeaders(headers: unknown): Record<string, string | string[]> {
  const wire: Record<string, string | string[]> = {}
  const raw = (headers as {raw?: () => Record<string, string[]>} | undefined)?.raw
  if (typeof raw === 'function') {
    for (const [name, values] of Object.entries(raw.call(headers))) wire[name] = values.length === 1 ? values[0]! : values
    return wire
  }
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, string | string[]>)) wire[name] = value
  return wire
}
