// Container ports a pod declares, and how a Service port's targetPort resolves on a pod.
// Mirrors the EndpointSlice controller's podutil.FindPort: a named targetPort must match a declared port's
// name AND protocol (in app containers and in sidecars, i.e. init containers with restartPolicy Always);
// a numeric targetPort is used as is, declared or not (containerPorts are informational).
import type {Container, Pod, ServicePort} from '../cluster/types.js'

export type Protocol = 'TCP' | 'UDP' | 'SCTP'

export interface DeclaredPort {
  container: string
  name?: string
  containerPort: number
  /** Defaulted to TCP, as the API server does. */
  protocol: string
  /** Declared on a sidecar (an init container with restartPolicy: Always). */
  sidecar: boolean
}

export type TargetPortVia = 'number' | 'name' | 'default'
export type TargetPortProblem = 'named-port-missing' | 'protocol-mismatch' | 'not-declared'

export interface TargetPortResolution {
  /** The port traffic reaches on the pod; undefined when a named targetPort does not resolve. */
  resolved: number | undefined
  via: TargetPortVia
  /** Whether a container declares the resolved port (with the Service port's protocol). */
  declared: boolean
  container?: string
  /**
   * named-port-missing: no container port has that name, so the pod gets no endpoint for this Service port.
   * protocol-mismatch: the name (or number) exists, but only for another protocol; for a name this also
   *   means no endpoint.
   * not-declared: a numeric targetPort no container declares; traffic still flows if the process listens.
   */
  problem?: TargetPortProblem
}

export function normalizeProtocol(protocol: string | undefined): string {
  return protocol === undefined || protocol === '' ? 'TCP' : protocol.toUpperCase()
}

function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always'
}

/** Every containerPort of the pod's containers and sidecars, protocols defaulted. */
export function declaredPorts(pod: Pod): DeclaredPort[] {
  const fromContainers = (containers: Container[] | undefined, sidecar: boolean): DeclaredPort[] =>
    (containers ?? [])
      .filter((c) => !sidecar || isSidecar(c))
      .flatMap((c) =>
        (c.ports ?? []).map((p) => ({
          container: c.name,
          ...(p.name ? {name: p.name} : {}),
          containerPort: p.containerPort,
          protocol: normalizeProtocol(p.protocol),
          sidecar,
        })),
      )
  return [...fromContainers(pod.spec?.containers, false), ...fromContainers(pod.spec?.initContainers, true)]
}

/** The declared port with this name and protocol (what FindPort and named NetworkPolicy ports use). */
export function findNamedPort(pod: Pod, name: string, protocol?: string, declared: readonly DeclaredPort[] = declaredPorts(pod)): DeclaredPort | undefined {
  const proto = normalizeProtocol(protocol)
  return declared.find((p) => p.name === name && p.protocol === proto)
}

/** The declared port with this number and protocol. */
export function findDeclaredPort(pod: Pod, port: number, protocol?: string, declared: readonly DeclaredPort[] = declaredPorts(pod)): DeclaredPort | undefined {
  const proto = normalizeProtocol(protocol)
  return declared.find((p) => p.containerPort === port && p.protocol === proto)
}

/** An IntOrString as numbers or names; all-digit strings count as numbers (YAML often quotes them). */
export function parsePortValue(value: number | string | undefined | null): number | string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number') return value
  return /^\d+$/.test(value) ? Number(value) : value
}

function resolveNumber(pod: Pod, port: number, protocol: string, via: TargetPortVia, ports: readonly DeclaredPort[]): TargetPortResolution {
  const declared = findDeclaredPort(pod, port, protocol, ports)
  if (declared) return {resolved: port, via, declared: true, container: declared.container}
  const otherProtocol = ports.find((p) => p.containerPort === port)
  if (otherProtocol)
    return {resolved: port, via, declared: false, container: otherProtocol.container, problem: 'protocol-mismatch'}
  return {resolved: port, via, declared: false, problem: 'not-declared'}
}

/**
 * Where a Service port lands on one pod: targetPort as number, as name, or absent (then equal to port).
 * `ports`: the pod's declaredPorts, when the caller has them already (one pod, many Service ports).
 */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod, ports: readonly DeclaredPort[] = declaredPorts(pod)): TargetPortResolution {
  const protocol = normalizeProtocol(servicePort.protocol)
  const target = parsePortValue(servicePort.targetPort)
  if (target === undefined) return resolveNumber(pod, servicePort.port, protocol, 'default', ports)
  if (typeof target === 'number') return resolveNumber(pod, target, protocol, 'number', ports)
  const named = findNamedPort(pod, target, protocol, ports)
  if (named) return {resolved: named.containerPort, via: 'name', declared: true, container: named.container}
  const otherProtocol = ports.find((p) => p.name === target)
  if (otherProtocol)
    return {resolved: undefined, via: 'name', declared: false, container: otherProtocol.container, problem: 'protocol-mismatch'}
  return {resolved: undefined, via: 'name', declared: false, problem: 'named-port-missing'}
}

/** "8080/TCP (http)" lines for messages, e.g. when a named port is missing. */
export function formatDeclaredPorts(ports: readonly DeclaredPort[]): string {
  if (ports.length === 0) return 'no declared ports'
  return ports.map((p) => `${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ')
}
