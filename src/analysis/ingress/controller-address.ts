// Where a request to an Ingress controller or a Gateway goes inside the cluster: the controller's own Service
// (a Service in the pod's namespace whose selector matches the pod), on the port for the scheme (or, for a
// Gateway listener, the listener's port, which is the port clients use), else an address the controller
// published in the object's status.
import type {Pod, Service, ServicePort} from '../../cluster/types.js'
import {matchesSelector} from '../labels.js'
import {resolveTargetPort} from '../ports.js'

export interface ControllerAddress {
  address: string
  port: number
  /** For the report: "Service traefik/traefik port web 80". */
  describe: string
}

function portForScheme(ports: ServicePort[], scheme: 'http' | 'https'): ServicePort | undefined {
  const byNumber = ports.find((p) => p.port === (scheme === 'https' ? 443 : 80))
  if (byNumber) return byNumber
  const words = scheme === 'https' ? /https|websecure|tls|ssl/i : /^(http|web)$|http(?!s)/i
  return ports.find((p) => (p.protocol ?? 'TCP') === 'TCP' && words.test(p.name ?? ''))
}

/**
 * The controller pod's Service and port. `wantedPort` (a Gateway listener port) is matched against the Service
 * port first, then against the port the Service targets on the pod (Traefik binds the listener's port itself).
 */
export function controllerServiceAddress(services: Service[], pod: Pod, want: {scheme: 'http' | 'https'; port?: number}): ControllerAddress | undefined {
  const labels = pod.metadata?.labels ?? {}
  for (const svc of services) {
    const selector = svc.spec?.selector
    const ip = svc.spec?.clusterIP
    if (!selector || Object.keys(selector).length === 0 || !ip || ip === 'None') continue
    if (svc.metadata?.namespace !== pod.metadata?.namespace || !matchesSelector({matchLabels: selector}, labels)) continue
    const ports = svc.spec?.ports ?? []
    const port =
      want.port !== undefined
        ? (ports.find((p) => p.port === want.port) ?? ports.find((p) => resolveTargetPort(p, pod).resolved === want.port))
        : portForScheme(ports, want.scheme)
    if (port) return {address: ip, port: port.port, describe: `Service ${svc.metadata?.namespace}/${svc.metadata?.name} port ${port.name ? `${port.name} ` : ''}${port.port}`}
  }
  return undefined
}
