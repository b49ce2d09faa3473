import http from 'node:http'
import https from 'node:https'
import {gunzipSync, inflateSync} from 'node:zlib'

export interface SendInit {
  method: string
  /** Header values as they go on the wire; an array repeats the header (Impersonate-Group). */
  headers: Record<string, string | string[]>
  agent?: unknown
  body?: string
}

export interface SendResult {
  status: number
  statusText: string
  ok: boolean
  headers: Record<string, string>
  text: string
}

/**
 * One HTTP request over node's own client, with the agent that holds the kubeconfig's TLS material. node-fetch
 * (what client-node hands out) drops reused keep-alive sockets with "socket hang up", and without keep-alive
 * every call pays a TLS handshake. Answers are asked for gzip, as kubectl asks: large lists shrink tenfold.
 */
export function send(url: string, init: SendInit): Promise<SendResult> {
  // Looked up at call time, not bound at import: nock (the tests' API) replaces the modules' request functions.
  const request = url.startsWith('https:') ? https.request : http.request
  return new Promise((resolve, reject) => {
    const length = init.body === undefined ? {} : {'Content-Length': String(Buffer.byteLength(init.body))}
    const headers = {'Accept-Encoding': 'gzip, deflate', ...length, ...init.headers}
    const req = request(url, {method: init.method, headers, agent: init.agent as http.Agent | undefined}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        try {
          const raw = Buffer.concat(chunks)
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase()
          const body = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw
          const status = res.statusCode ?? 0
          const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]))
          resolve({status, statusText: res.statusMessage || http.STATUS_CODES[status] || '', ok: status >= 200 && status < 300, headers, text: body.toString('utf8')})
        } catch (error) {
          reject(error)
        }
      })
    })
    req.on('error', reject)
    if (init.body !== undefined) req.write(init.body)
    req.end()
  })
}
