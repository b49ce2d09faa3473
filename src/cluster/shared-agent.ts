import {Agent} from 'node:https'
import {createSecureContext, type SecureContext} from 'node:tls'

/** The TLS material an agent from client-node carries; two agents with the same material are interchangeable. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername', 'ciphers', 'crl', 'secureProtocol'] as const

interface Shared {
  material: unknown[]
  agent: Agent
}

const shared = new WeakMap<object, Shared>()

/**
 * client-node's KubeConfig builds a new https.Agent for every request, so each call opens its own TLS connection
 * and builds its own secure context from the kubeconfig's CA and client certificate: on a small machine that
 * is most of netdiag's CPU time in a live run. This keeps one keep-alive agent, with one secure context, per
 * connection, for as long as the TLS material stays the same (an exec plugin may hand out a new client
 * certificate: then a new agent). Proxy agents (proxy-url) and plain http agents are used as they come.
 */
export function sharedAgent(owner: object, fresh: unknown): unknown {
  if (!(fresh instanceof Agent)) return fresh
  const options = (fresh as Agent & {options: Record<string, unknown>}).options
  const material = TLS_KEYS.map((k) => options[k])
  const known = shared.get(owner)
  if (known && known.material.every((value, i) => same(value, material[i]))) return known.agent
  const tlsOptions = Object.fromEntries(TLS_KEYS.filter((k) => options[k] !== undefined && k !== 'rejectUnauthorized' && k !== 'servername').map((k) => [k, options[k]]))
  const secureContext: SecureContext = createSecureContext(tlsOptions)
  const agent = new Agent({...options, secureContext, keepAlive: true})
  // The agent it replaces may still carry requests: left alone, its idle sockets are unreferenced and close.
  shared.set(owner, {material, agent})
  return agent
}

/** KubeConfig reads the files again for each request: equal bytes are the same material. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]))
  return false
}
