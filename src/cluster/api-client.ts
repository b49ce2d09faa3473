import {kubeconfigProblem} from '../errors.js'
import {ApiException, fetch, Headers} from './k8s.js'
import type {Connection} from './kubeconfig.js'

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
    // The credentials' headers are a Headers object (impersonation may repeat Impersonate-Group): add to it,
    // never spread it, which would drop the token.
    const merged = new Headers(credentials.headers)
    for (const [name, value] of Object.entries(headers)) merged.set(name, value)
    if (body !== undefined) merged.set('Content-Type', contentType)
    const response = await fetch(url, {...credentials, method, headers: merged, ...(body === undefined ? {} : {body: JSON.stringify(body)})})
    const text = await response.text()
    const log = this.log ?? this.connection.apiLog
    // The URL and status only: headers (tokens) and bodies (object data) are never logged.
    if (log && log.level >= 6) {
      log.write(`${method} ${url} ${response.status} ${response.statusText} in ${Date.now() - started} milliseconds${log.level >= 8 ? ` (${text.length} bytes)` : ''}`)
    }
    if (!response.ok) {
      throw new ApiException(response.status, `${method} ${path}`, text, Object.fromEntries(response.headers.entries()))
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
