// The Service port an Ingress backend (service.port.number | name) or a Gateway API backendRef (port) names.
// Both refer to the Service's own port, never its targetPort: the ingress-nginx and Gateway API controllers
// look the port up in spec.ports, and a number that is only a targetPort matches nothing.
import type {Service, ServicePort} from '../cluster/types.js'
import {describeServicePort} from './svc/service-ports.js'

export type ServicePortLookup = {port: ServicePort; error?: undefined} | {port?: undefined; error: string}

export function findServicePort(service: Service, wanted: number | string | undefined): ServicePortLookup {
  const ports = service.spec?.ports ?? []
  const name = `${service.metadata?.namespace}/${service.metadata?.name}`
  const known = ports.map(describeServicePort).join(', ') || 'none'
  if (wanted === undefined || wanted === '') {
    return ports.length === 1 ? {port: ports[0]!} : {error: `no port given for Service ${name}, which has ${ports.length === 0 ? 'no ports' : `several ports (${known})`}`}
  }
  const found = typeof wanted === 'number' ? ports.find((p) => p.port === wanted) : ports.find((p) => p.name === wanted)
  if (found) return {port: found}
  const asTarget = typeof wanted === 'number' ? ports.find((p) => Number(p.targetPort) === wanted) : undefined
  return {
    error: `Service ${name} has no port ${typeof wanted === 'number' ? wanted : `named "${wanted}"`}; its ports: ${known}${asTarget ? ` (${wanted} is the targetPort of port ${asTarget.port}: name the Service port, not the container port)` : ''}`,
  }
}

/** The --port value that selects exactly this port in the svc checks (by name when it has one). */
export function portSelector(port: ServicePort): string {
  return port.name ? port.name : String(port.port)
}
