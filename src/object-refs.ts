// Names as a person types them on a kubectl command line: NAME, TYPE/NAME (svc/, service/, node/, pod/), NS/NAME.
import {badInput} from './errors.js'

// A Service name is a DNS-1035 label; a namespace a DNS-1123 label; a node name a DNS-1123 subdomain.
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const SERVICE_TYPES = new Set(['svc', 'service', 'services'])
const NODE_TYPES = new Set(['node', 'nodes', 'no'])

/**
 * `NAME` (in -n), `svc/NAME` or `service/NAME` (kubectl's TYPE/NAME), or `NS/NAME`. A first word that is a
 * resource type wins over a namespace of that name, as in kubectl. A DNS name (`backend.shop`) is not a Service
 * name: the message says what to type instead.
 */
export function parseServiceRef(text: string, defaultNamespace: string | undefined): {namespace?: string; name: string} {
  const parts = text.split('/')
  let namespace = defaultNamespace
  let name = text
  if (parts.length === 2 && SERVICE_TYPES.has(parts[0]!.toLowerCase())) name = parts[1]!
  else if (parts.length === 2) {
    if (!NAMESPACE.test(parts[0]!)) throw badInput(`"${parts[0]}" in "${text}" is not a valid namespace name`)
    namespace = parts[0]
    name = parts[1]!
  } else if (parts.length > 2) throw badInput(`"${text}" is not a Service: use NAME, svc/NAME or NAMESPACE/NAME (with -n NAMESPACE)`)
  if (!SERVICE_NAME.test(name)) {
    const [short, ns] = name.split('.')
    throw badInput(
      ns && SERVICE_NAME.test(short ?? '')
        ? `"${name}" is a DNS name, not a Service name: run kubectl netdiag svc ${short} -n ${ns}`
        : `invalid Service name "${name}": a Service name is a lowercase DNS label (a-z, 0-9, '-')`,
    )
  }
  return {...(namespace !== undefined ? {namespace} : {}), name}
}

/** `NAME` or `node/NAME` (`nodes/`, `no/`). */
export function parseNodeRef(text: string): string {
  const parts = text.split('/')
  const name = parts.length === 2 && NODE_TYPES.has(parts[0]!.toLowerCase()) ? parts[1]! : text
  if (name.length === 0 || name.length > 253 || !SUBDOMAIN.test(name)) throw badInput(`invalid node name "${text}": use NAME or node/NAME`)
  return name
}
