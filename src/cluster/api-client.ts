import {ApiException} from '@kubernetes/client-node'
import fetch from 'node-fetch'

import type {Connection} from './kubeconfig.js'

/**
 * GETs that return the API's JSON exactly as sent. client-node's typed calls rename fields (NetworkPolicy
 * ingress `from` becomes `_from`) and turn timestamps into Dates; analysis and snapshots need the wire shape.
 * Authentication (certs, tokens, exec plugins) still comes from client-node's KubeConfig.
 */
export class RawApiClient {
  constructor(private readonly connection: Connection) {}

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}, as: 'json' | 'text' = 'json', headers: Record<string, string> = {}): Promise<T> {
    const options = await this.connection.kubeConfig.applyToFetchOptions({})
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value))
    const url = `${this.connection.server.replace(/\/$/, '')}${path}${search.size > 0 ? `?${search}` : ''}`
    const base = options as {headers?: Record<string, string>}
    const response = await fetch(url, {...(base as object), method: 'GET', ...(Object.keys(headers).length ? {headers: {...base.headers, ...headers}} : {})})
    const body = await response.text()
    if (!response.ok) {
      throw new ApiException(response.status, `GET ${path}`, body, Object.fromEntries(response.headers.entries()))
    }
    return (as === 'text' ? body : JSON.parse(body)) as T
  }
}
