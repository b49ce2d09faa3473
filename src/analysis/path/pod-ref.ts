// PODA / PODB and --port as a person types them, kubectl style: NAME (in -n), NS/NAME, pod/NAME.
import {declaredPorts, findNamedPort, type DeclaredPort} from '../ports.js'
import type {Pod} from '../../cluster/types.js'

export interface PodRef {
  namespace: string
  name: string
}

const POD_TYPES = new Set(['pod', 'pods', 'po'])
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/**
 * `NAME` (in the default namespace), `NS/NAME`, or kubectl's `pod/NAME` (also `pods/`, `po/`). A first word
 * that is a resource type wins over a namespace of that name, as in kubectl; `pod/NS/NAME` is not kubectl.
 */
export function parsePodRef(text: string, defaultNamespace: string): PodRef | {error: string} {
  const parts = text.trim().split('/')
  let namespace = defaultNamespace
  let name: string
  if (parts.length === 1) name = parts[0]!
  else if (parts.length === 2 && POD_TYPES.has(parts[0]!.toLowerCase())) name = parts[1]!
  else if (parts.length === 2) {
    namespace = parts[0]!
    name = parts[1]!
  } else {
    return {error: `"${text}" is not a pod: use NAME, NAMESPACE/NAME or pod/NAME (with -n NAMESPACE)`}
  }
  if (!DNS_LABEL.test(namespace)) return {error: `"${namespace}" in "${text}" is not a valid namespace name`}
  if (name.length === 0 || name.length > 253 || !DNS_SUBDOMAIN.test(name)) return {error: `"${name}" in "${text}" is not a valid pod name`}
  return {namespace, name}
}

export function formatPodRef(ref: PodRef): string {
  return `${ref.namespace}/${ref.name}`
}

/** SCTP only where nothing is probed (--no-probe, snapshots): policies can still be judged for it. */
export type ProbeProtocol = 'TCP' | 'UDP' | 'SCTP'

export interface PortRequest {
  port?: number
  /** A container port name of the destination pod (`http`). */
  name?: string
  /** Given explicitly (`53/udp`); a name without one takes the declared port's protocol. */
  protocol?: ProbeProtocol
}

export interface ProbePort {
  port: number
  protocol: ProbeProtocol
  name?: string
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** `--port 80 --port 53/udp,http`: numbers, names of the destination's container ports, optional /tcp or /udp. */
export function parsePortFlags(values: readonly string[], options: {allowSctp?: boolean} = {}): PortRequest[] | {error: string} {
  const requests: PortRequest[] = []
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const [value, proto, ...rest] = item.split('/')
    if (rest.length > 0) return {error: `invalid --port "${item}": use PORT or PORT/tcp, PORT/udp`}
    let protocol: ProbeProtocol | undefined
    if (proto !== undefined) {
      const upper = proto.toUpperCase()
      if (upper === 'SCTP' && !options.allowSctp) return {error: `--port ${item}: SCTP cannot be probed (nc speaks TCP and UDP only); with --no-probe (or a snapshot) its policy verdict is still evaluated`}
      if (upper !== 'TCP' && upper !== 'UDP' && upper !== 'SCTP') return {error: `invalid protocol "${proto}" in --port ${item}: use tcp, udp or sctp`}
      protocol = upper
    }
    if (/^\d+$/.test(value!)) {
      const port = Number(value)
      if (port < 1 || port > 65535) return {error: `invalid --port ${item}: a port is 1-65535`}
      requests.push({port, ...(protocol ? {protocol} : {})})
    } else if (PORT_NAME.test(value!) && value!.length <= 15 && /[a-z]/.test(value!)) {
      requests.push({name: value, ...(protocol ? {protocol} : {})})
    } else {
      return {error: `invalid --port "${item}": a port number or the name of a container port`}
    }
  }
  return requests
}

function key(p: ProbePort): string {
  return `${p.port}/${p.protocol}`
}

function dedupe(ports: ProbePort[]): ProbePort[] {
  const seen = new Map<string, ProbePort>()
  for (const p of ports) if (!seen.has(key(p))) seen.set(key(p), p)
  return [...seen.values()]
}

/** Resolves names against the destination pod's declared ports; numbers default to TCP. */
export function resolvePortRequests(requests: readonly PortRequest[], destination: Pod): ProbePort[] | {error: string} {
  const ports: ProbePort[] = []
  for (const r of requests) {
    if (r.port !== undefined) {
      ports.push({port: r.port, protocol: r.protocol ?? 'TCP'})
      continue
    }
    const declared: DeclaredPort | undefined = r.protocol
      ? findNamedPort(destination, r.name!, r.protocol)
      : declaredPorts(destination).find((p) => p.name === r.name && (p.protocol === 'TCP' || p.protocol === 'UDP'))
    if (!declared) {
      const names = declaredPorts(destination)
        .filter((p) => p.name)
        .map((p) => `${p.name} (${p.containerPort}/${p.protocol})`)
      return {
        error: `pod ${destination.metadata?.namespace}/${destination.metadata?.name} declares no port named ${r.name}${r.protocol ? `/${r.protocol}` : ''}${names.length ? `; it has ${names.join(', ')}` : ''}`,
      }
    }
    ports.push({port: declared.containerPort, protocol: declared.protocol as ProbeProtocol, name: declared.name})
  }
  return dedupe(ports)
}

/** The destination's declared TCP and UDP container ports, in order (SCTP cannot be probed with nc). */
export function defaultProbePorts(destination: Pod): ProbePort[] {
  return dedupe(
    declaredPorts(destination)
      .filter((p) => p.protocol === 'TCP' || p.protocol === 'UDP')
      .map((p) => ({port: p.containerPort, protocol: p.protocol as ProbeProtocol, ...(p.name ? {name: p.name} : {})})),
  )
}

/** `8080/TCP`, the form ports take in the report target. */
export function formatProbePort(p: ProbePort): string {
  return key(p)
}

export function parseProbePort(text: string): ProbePort | undefined {
  const m = /^(\d+)\/(TCP|UDP|SCTP)$/.exec(text)
  return m ? {port: Number(m[1]), protocol: m[2] as ProbeProtocol} : undefined
}
