// Which Service ports a run is about (--port), and whether each one's targetPort resolves on the backends.
import type {Pod, Service, ServicePort} from '../../cluster/types.js'
import {podOwner} from '../label-difference.js'
import {declaredPorts, formatDeclaredPorts, normalizeProtocol, resolveTargetPort, type TargetPortResolution} from '../ports.js'

/** "http 80/TCP -> http" for messages. */
export function describeServicePort(p: ServicePort): string {
  const target = p.targetPort === undefined || p.targetPort === null ? p.port : p.targetPort
  return `${p.name ? `${p.name} ` : ''}${p.port}/${normalizeProtocol(p.protocol)} -> ${target}`
}

export type PortSelection = {ports: ServicePort[]; error?: undefined} | {ports: []; error: string}

/** --port as a name or a number (the Service port, or else the targetPort); undefined: every port. */
export function selectServicePorts(service: Service, port: string | undefined): PortSelection {
  const all = service.spec?.ports ?? []
  if (port === undefined || port === '') return {ports: [...all]}
  const numeric = /^\d+$/.test(port) ? Number(port) : undefined
  const byName = all.filter((p) => p.name === port)
  const byPort = numeric === undefined ? [] : all.filter((p) => p.port === numeric)
  const byTarget = numeric === undefined ? [] : all.filter((p) => Number(p.targetPort) === numeric)
  const chosen = byName.length ? byName : byPort.length ? byPort : byTarget
  if (chosen.length > 0) return {ports: chosen}
  const known = all.map(describeServicePort).join(', ') || 'none'
  return {ports: [], error: `Service ${service.metadata?.namespace}/${service.metadata?.name} has no port "${port}"; its ports: ${known}`}
}

export interface PortGroupResolution {
  /** "Deployment backend", "StatefulSet db", "Pod debug". */
  owner: string
  pods: string[]
  resolution: TargetPortResolution
  /** What those pods declare, for messages: "8080/TCP (web)". */
  declared: string
}

export interface TargetPortFinding {
  servicePort: ServicePort
  status: 'pass' | 'warn' | 'fail'
  groups: PortGroupResolution[]
  message: string
}

function ownerKey(pod: Pod): string {
  const owner = podOwner(pod)
  return `${owner.kind} ${owner.name}`
}

/**
 * For each Service port, how the targetPort resolves on the backends, grouped by owner and outcome so 300
 * replicas make one line. Named port missing (or only for another protocol) = fail: the EndpointSlice
 * controller leaves those pods out of that port. Numeric port undeclared = warn: containerPort is
 * informational, traffic flows if the process listens (the connect probe tells).
 */
export function checkTargetPorts(servicePorts: readonly ServicePort[], pods: readonly Pod[]): TargetPortFinding[] {
  // What each pod declares and who owns it, once per pod for all the Service's ports.
  const backends = pods.map((pod) => {
    const ports = declaredPorts(pod)
    return {pod, ports, declared: formatDeclaredPorts(ports), owner: ownerKey(pod)}
  })
  return servicePorts.map((sp) => {
    const groups = new Map<string, PortGroupResolution>()
    for (const {pod, ports, declared, owner} of backends) {
      const resolution = resolveTargetPort(sp, pod, ports)
      const key = `${owner}|${resolution.resolved}|${resolution.problem ?? ''}|${declared}`
      const group = groups.get(key)
      if (group) group.pods.push(pod.metadata?.name ?? '')
      else groups.set(key, {owner, pods: [pod.metadata?.name ?? ''], resolution, declared})
    }
    const list = [...groups.values()]
    const target = sp.targetPort ?? sp.port
    const proto = normalizeProtocol(sp.protocol)
    const label = `Service port ${describeServicePort(sp)}`
    const named = list.filter((g) => g.resolution.via === 'name' && g.resolution.resolved === undefined)
    const mismatch = list.filter((g) => g.resolution.via !== 'name' && g.resolution.problem === 'protocol-mismatch')
    const undeclared = list.filter((g) => g.resolution.problem === 'not-declared')
    const who = (g: PortGroupResolution) => `pods of ${g.owner} (${g.pods.length})`
    if (named.length > 0) {
      const parts = named.map((g) =>
        g.resolution.problem === 'protocol-mismatch'
          ? `${who(g)} name a port ${target} but not for ${proto} (they declare ${g.declared})`
          : `${who(g)} have no port named ${target} (they declare ${g.declared})`,
      )
      return {servicePort: sp, status: 'fail', groups: list, message: `${label}: targetPort ${target} is not a named ${proto} port on ${parts.join('; ')}: those pods are no endpoint for this port`}
    }
    if (mismatch.length > 0) {
      return {
        servicePort: sp,
        status: 'fail',
        groups: list,
        message: `${label}: ${mismatch.map((g) => `${who(g)} declare ${g.resolution.resolved} only for another protocol (${g.declared})`).join('; ')}: the Service sends ${proto}`,
      }
    }
    if (undeclared.length > 0) {
      return {
        servicePort: sp,
        status: 'warn',
        groups: list,
        message: `${label}: no container of ${undeclared.map(who).join(', ')} declares ${undeclared[0]!.resolution.resolved}/${proto} (they declare ${undeclared[0]!.declared}); fine if the process listens there (containerPort is informational), the connect probe tells`,
      }
    }
    const resolved = [...new Set(list.map((g) => g.resolution.resolved))]
    return {servicePort: sp, status: 'pass', groups: list, message: `${label} resolves to ${resolved.join(', ')}/${proto} on ${pods.length} pod(s)`}
  })
}
