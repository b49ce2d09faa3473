import {ApiException} from '@kubernetes/client-node'
import fetch from 'node-fetch'

import {kubeconfigProblem} from '../errors.js'
import type {Connection} from './kubeconfig.js'

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

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}, as: 'json' | 'text' = 'json', headers: Record<string, string> = {}): Promise<T> {
    const options = await this.credentials()
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value))
    const url = `${this.connection.server.replace(/\/$/, '')}${path}${search.size > 0 ? `?${search}` : ''}`
    const started = Date.now()
    const base = options as {headers?: Record<string, string>}
    const response = await fetch(url, {...(base as object), method: 'GET', ...(Object.keys(headers).length ? {headers: {...base.headers, ...headers}} : {})})
    const body = await response.text()
    // The URL and status only: headers (tokens) and bodies (object data) are never logged.
    if (this.log && this.log.level >= 6) {
      this.log.write(`GET ${url} ${response.status} ${response.statusText} in ${Date.now() - started} milliseconds${this.log.level >= 8 ? ` (${body.length} bytes)` : ''}`)
    }
    if (!response.ok) {
      throw new ApiException(response.status, `GET ${path}`, body, Object.fromEntries(response.headers.entries()))
    }
    return (as === 'text' ? body : JSON.parse(body)) as T
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
