// Does a rule's `ports` list match the traffic's destination port, and if not, how close is it?
// protocol defaults to TCP; an entry without port matches every port of its protocol; endPort makes a
// range; a named port resolves on the DESTINATION pod (name AND protocol AND number must agree).
import type {Pod} from '../../cluster/types.js'
import {declaredPorts, findNamedPort, formatDeclaredPorts, normalizeProtocol} from '../ports.js'
import type {Closeness, Finding} from './peers.js'
import type {CompiledPort} from './policy-index.js'
import type {TrafficPort} from './types.js'

export interface PortsResult {
  closeness: Closeness
  /** The entry that matched; undefined when the rule has no ports (all ports) or nothing matched. */
  portIndex?: number
  findings: (Finding & {portIndex: number})[]
}

export function formatPolicyPort(port: CompiledPort): string {
  if (port.port === undefined) return `all ${port.protocol} ports`
  if (port.endPort !== undefined) return `${port.port}-${port.endPort}/${port.protocol}`
  return typeof port.port === 'string' ? `named port ${port.port}/${port.protocol}` : `${port.port}/${port.protocol}`
}

function numberMatches(port: CompiledPort, n: number): boolean {
  if (port.port === undefined) return true
  if (typeof port.port !== 'number') return false
  return port.endPort !== undefined ? n >= port.port && n <= port.endPort : n === port.port
}

interface EntryResult {
  closeness: Closeness
  finding?: Finding
}

function evaluateEntry(port: CompiledPort, traffic: TrafficPort, protocol: string, dstPod: Pod | undefined, dstDisplay: string): EntryResult {
  if (port.protocol !== protocol) {
    const sameNumber =
      typeof port.port === 'string'
        ? port.port === traffic.name || (dstPod !== undefined && findNamedPort(dstPod, port.port, protocol)?.containerPort === traffic.port)
        : numberMatches(port, traffic.port)
    if (!sameNumber) return {closeness: 'far'}
    const what = port.port === undefined ? 'a ports entry without port' : `port ${port.port}`
    if (port.protocolDefaulted) {
      return {closeness: 'close', finding: {code: 'protocol-defaulted', reason: `${what} has no protocol, so it means TCP only; the traffic is ${protocol}`}}
    }
    return {closeness: 'close', finding: {code: 'protocol', reason: `${what} allows ${port.protocol} only; the traffic is ${protocol}`}}
  }
  if (typeof port.port === 'string') {
    const name = port.port
    if (!dstPod) {
      if (traffic.name === name) return {closeness: 'match'}
      return {
        closeness: 'close',
        finding: {code: 'named-port-not-pod', reason: `named port ${name} resolves only on pods, and ${dstDisplay} is not a pod`},
      }
    }
    const named = findNamedPort(dstPod, name, protocol)
    if (named && named.containerPort === traffic.port) return {closeness: 'match'}
    if (named) {
      return {
        closeness: 'far',
        finding: {code: 'named-port-other-number', reason: `named port ${name} is ${named.containerPort}/${protocol} on ${dstDisplay}, not ${traffic.port}`},
      }
    }
    return {
      closeness: 'close',
      finding: {
        code: 'named-port-missing',
        reason: `named port ${name}/${protocol} is not declared on ${dstDisplay} (${formatDeclaredPorts(declaredPorts(dstPod))})`,
      },
    }
  }
  if (numberMatches(port, traffic.port)) return {closeness: 'match'}
  if (traffic.servicePort !== undefined && numberMatches(port, traffic.servicePort) && traffic.servicePort !== traffic.port) {
    return {
      closeness: 'close',
      finding: {
        code: 'service-port',
        reason: `${formatPolicyPort(port)} is the Service port; NetworkPolicy sees the pod's port ${traffic.port} after the Service translates it`,
      },
    }
  }
  return {closeness: 'far', finding: {code: 'port', reason: `${formatPolicyPort(port)} does not include ${traffic.port}/${protocol}`}}
}

/** Whether evaluateRulePorts would say 'match', without wording the misses. */
export function rulePortsMatch(ports: readonly CompiledPort[], traffic: TrafficPort, dstPod: Pod | undefined): boolean {
  if (ports.length === 0) return true
  const protocol = normalizeProtocol(traffic.protocol)
  return ports.some((port) => {
    if (port.protocol !== protocol) return false
    if (typeof port.port !== 'string') return numberMatches(port, traffic.port)
    if (!dstPod) return traffic.name === port.port
    return findNamedPort(dstPod, port.port, protocol)?.containerPort === traffic.port
  })
}

/** Matches traffic against a rule's ports (empty list: all ports). `dstPod` resolves named ports. */
export function evaluateRulePorts(ports: readonly CompiledPort[], traffic: TrafficPort, dstPod: Pod | undefined, dstDisplay: string): PortsResult {
  if (ports.length === 0) return {closeness: 'match', findings: []}
  const protocol = normalizeProtocol(traffic.protocol)
  const results = ports.map((p) => ({port: p, ...evaluateEntry(p, traffic, protocol, dstPod, dstDisplay)}))
  const matched = results.find((r) => r.closeness === 'match')
  if (matched) return {closeness: 'match', portIndex: matched.port.index, findings: []}
  const close = results.filter((r) => r.closeness === 'close')
  if (close.length > 0) {
    return {closeness: 'close', findings: close.map((r) => ({...r.finding!, portIndex: r.port.index}))}
  }
  // Far: say what the rule does allow in one finding, so a matching peer still gets a useful sentence.
  const allowed = ports.map(formatPolicyPort).join(', ')
  const named = results.find((r) => r.finding?.code === 'named-port-other-number')
  return {
    closeness: 'far',
    findings: [
      named
        ? {...named.finding!, portIndex: named.port.index}
        : {code: 'port', reason: `the rule allows ${allowed}, not ${traffic.port}/${protocol}`, portIndex: ports[0]!.index},
    ],
  }
}
