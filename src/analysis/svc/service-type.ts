// Judgements that depend on the Service's type and traffic policies: ExternalName, headless, LoadBalancer,
// NodePort, selector-less Services, session affinity, internal/external traffic policy Local.
import type {Pod, Service} from '../../cluster/types.js'
import {isIp} from '../cidr.js'
import {podOwner} from '../label-difference.js'
import type {Finding} from '../node/finding.js'
import type {SliceSummary} from './endpoint-slices.js'
import {nodesWithReadyEndpoints} from './endpoint-slices.js'

export const DEFAULT_NODE_PORT_RANGE = {min: 30000, max: 32767}

export type ServiceKind = 'ExternalName' | 'headless' | 'ClusterIP' | 'NodePort' | 'LoadBalancer'

export function serviceKind(service: Service): ServiceKind {
  const type = service.spec?.type ?? 'ClusterIP'
  if (type === 'ExternalName') return 'ExternalName'
  if (type === 'ClusterIP' && service.spec?.clusterIP === 'None') return 'headless'
  return type as ServiceKind
}

export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0
}

export interface ServiceTypeInput {
  service: Service
  /** Pods the selector matches. */
  pods: readonly Pod[]
  /** Endpoint slices summarised for the ports in question. */
  slices: SliceSummary
  /** The client's node, when known (--from-pod). */
  clientNode?: string
  /** Every node name, when readable (for traffic policy Local coverage). */
  nodes?: readonly string[]
}

function ref(service: Service): string {
  return `${service.metadata?.namespace}/${service.metadata?.name}`
}

function externalName(service: Service): Finding[] {
  const target = service.spec?.externalName ?? ''
  const name = ref(service)
  if (target === '') return [{status: 'fail', code: 'externalname.empty', message: `ExternalName Service ${name} has no spec.externalName`}]
  if (isIp(target)) {
    return [
      {
        status: 'fail',
        code: 'externalname.ip',
        message: `ExternalName Service ${name} points at the IP ${target}: ExternalName is a DNS CNAME, and a CNAME to an IP does not resolve in most resolvers`,
        remediation: `use a Service without a selector plus an EndpointSlice holding ${target}:\n${manualSliceYaml(service, target)}`,
      },
    ]
  }
  const findings: Finding[] = [{status: 'pass', code: 'externalname.ok', message: `ExternalName Service ${name} is a CNAME to ${target}; its resolution is probed by svc.dns`}]
  if (/\.svc\.[^.]+/.test(target)) findings.push({status: 'pass', code: 'externalname.in-cluster', message: `${target} is an in-cluster name: the Service it names must exist`})
  if ((service.spec?.ports ?? []).length > 0) {
    findings.push({status: 'pass', code: 'externalname.ports-ignored', message: 'its ports are informational: clients connect to the external name on the port they choose, no proxying happens'})
  }
  return findings
}

function manualSliceYaml(service: Service, address: string): string {
  const ports = (service.spec?.ports ?? []).map((p) => `  - name: "${p.name ?? ''}"\n    port: ${typeof p.targetPort === 'number' ? p.targetPort : p.port}\n    protocol: ${p.protocol ?? 'TCP'}`)
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service.metadata?.name}-manual
  namespace: ${service.metadata?.namespace}
  labels:
    kubernetes.io/service-name: ${service.metadata?.name}
addressType: ${address.includes(':') ? 'IPv6' : 'IPv4'}
ports:
${ports.join('\n') || '  - port: 80'}
endpoints:
  - addresses: ["${address}"]`
}

function headless(input: ServiceTypeInput): Finding[] {
  const {service, pods} = input
  const name = service.metadata?.name ?? ''
  const findings: Finding[] = [
    {status: 'pass', code: 'headless', message: `headless Service ${ref(service)}: DNS returns the ready pods' IPs directly, there is no ClusterIP and no kube-proxy load balancing`},
  ]
  if (service.spec?.publishNotReadyAddresses) {
    findings.push({status: 'warn', code: 'headless.publish-not-ready', message: 'publishNotReadyAddresses is true: DNS also returns pods that are not ready, so clients can reach pods that cannot serve yet'})
  }
  const statefulPods = pods.filter((p) => podOwner(p).kind === 'StatefulSet')
  const wrong = statefulPods.filter((p) => p.spec?.subdomain !== name)
  if (wrong.length > 0) {
    const owners = [...new Set(wrong.map((p) => podOwner(p).name))]
    const subdomains = [...new Set(wrong.map((p) => p.spec?.subdomain ?? '(none)'))]
    findings.push({
      status: 'warn',
      code: 'headless.statefulset-service-name',
      message: `pods of StatefulSet ${owners.join(', ')} have subdomain ${subdomains.join(', ')}, not ${name}: per-pod names like ${wrong[0]!.metadata?.name}.${name}.${service.metadata?.namespace}.svc do not resolve`,
      remediation: `the StatefulSet's spec.serviceName must be ${name} (immutable: recreate the StatefulSet with kubectl delete statefulset ${owners[0]} --cascade=orphan, then apply it with serviceName: ${name})`,
    })
  } else if (statefulPods.length > 0) {
    findings.push({status: 'pass', code: 'headless.statefulset', message: `pods of StatefulSet ${[...new Set(statefulPods.map((p) => podOwner(p).name))].join(', ')} get per-pod DNS names under ${name}`})
  }
  return findings
}

function selectorless(input: ServiceTypeInput): Finding[] {
  const {service, slices} = input
  if (slices.addresses === 0) {
    return [
      {
        status: 'fail',
        code: 'selectorless.no-endpoints',
        message: `Service ${ref(service)} has no selector and no EndpointSlice (or Endpoints) lists an address: nothing receives its traffic`,
        remediation: `create the endpoints it should route to, e.g.:\n${manualSliceYaml(service, '10.0.0.10')}`,
      },
    ]
  }
  return [{status: 'pass', code: 'selectorless', message: `Service ${ref(service)} has no selector: its ${slices.addresses} endpoint address(es) are managed by hand or by ${slices.managedBy.join(', ') || 'another controller'}`}]
}

function nodePorts(service: Service): Finding[] {
  const outside = (service.spec?.ports ?? []).filter((p) => p.nodePort !== undefined && (p.nodePort < DEFAULT_NODE_PORT_RANGE.min || p.nodePort > DEFAULT_NODE_PORT_RANGE.max))
  if (outside.length === 0) return []
  return [
    {
      status: 'warn',
      code: 'nodeport.range',
      message: `nodePort ${outside.map((p) => p.nodePort).join(', ')} is outside the default range ${DEFAULT_NODE_PORT_RANGE.min}-${DEFAULT_NODE_PORT_RANGE.max}: the API server runs with a custom --service-node-port-range, and node firewalls or cloud security groups often open only the default range`,
      remediation: `allow TCP/UDP ${outside.map((p) => p.nodePort).join(', ')} to the nodes, or let the API server pick a nodePort in the default range`,
    },
  ]
}

function loadBalancer(service: Service): Finding[] {
  const ingress = service.status?.loadBalancer?.ingress ?? []
  if (ingress.length > 0) {
    return [{status: 'pass', code: 'loadbalancer.ingress', message: `LoadBalancer ${ref(service)} has ingress ${ingress.map((i) => i.ip ?? i.hostname).join(', ')}`}]
  }
  const cls = service.spec?.loadBalancerClass
  return [
    {
      status: 'warn',
      code: 'loadbalancer.pending',
      message: `LoadBalancer ${ref(service)} has no ingress IP or hostname yet (EXTERNAL-IP <pending>)${cls ? `: no controller for loadBalancerClass ${cls} has provisioned it` : ': no cloud controller or load-balancer implementation (MetalLB, kube-vip...) has provisioned it'}; the ClusterIP and nodePorts still work`,
      remediation: `kubectl -n ${service.metadata?.namespace} describe service ${service.metadata?.name}   # look at the Events of the service controller`,
    },
  ]
}

function trafficPolicies(input: ServiceTypeInput): Finding[] {
  const {service, slices, clientNode, nodes} = input
  const findings: Finding[] = []
  const external = service.spec?.externalTrafficPolicy === 'Local' && (service.spec?.type === 'NodePort' || service.spec?.type === 'LoadBalancer')
  const internal = service.spec?.internalTrafficPolicy === 'Local'
  if (!external && !internal) return findings
  for (const port of slices.ports) {
    const local = nodesWithReadyEndpoints(port)
    const without = nodes ? nodes.filter((n) => !local.includes(n)) : []
    const label = port.name || String(port.port)
    if (internal) {
      if (clientNode && !local.includes(clientNode)) {
        findings.push({
          status: 'fail',
          code: 'traffic-policy.internal-local',
          message: `internalTrafficPolicy is Local and the client's node ${clientNode} has no ready endpoint for port ${label} (endpoints on ${local.join(', ') || 'no node'}): pods on ${clientNode} get no answer`,
          remediation: `kubectl -n ${service.metadata?.namespace} patch service ${service.metadata?.name} -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'   # or run a backend on every node (DaemonSet)`,
        })
      } else if (!clientNode || without.length > 0) {
        findings.push({
          status: 'warn',
          code: 'traffic-policy.internal-local',
          message: `internalTrafficPolicy is Local: only pods on ${local.join(', ') || 'no node'} reach port ${label}${without.length ? `; pods on ${without.join(', ')} get no answer` : ''}`,
        })
      }
    }
    if (external && without.length > 0) {
      findings.push({
        status: service.spec?.type === 'NodePort' ? 'warn' : 'pass',
        code: 'traffic-policy.external-local',
        message: `externalTrafficPolicy is Local: nodes ${without.join(', ')} have no ready endpoint for port ${label} and drop external traffic${service.spec?.type === 'LoadBalancer' ? ` (the load balancer's health check on healthCheckNodePort ${service.spec?.healthCheckNodePort ?? '?'} routes around them)` : ''}`,
      })
    }
  }
  return findings
}

function sessionAffinity(service: Service): Finding[] {
  if (service.spec?.sessionAffinity !== 'ClientIP') return []
  const timeout = service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800
  return [{status: 'pass', code: 'session-affinity', message: `sessionAffinity ClientIP (${timeout}s): a client sticks to one backend, so one bad pod fails the same clients every time`}]
}

/** Every type-specific judgement about the Service, each a finding; the check reports the worst. */
export function serviceTypeFindings(input: ServiceTypeInput): Finding[] {
  const {service} = input
  const kind = serviceKind(service)
  if (kind === 'ExternalName') return externalName(service)
  const findings: Finding[] = []
  if (kind === 'headless') findings.push(...headless(input))
  else findings.push({status: 'pass', code: 'type', message: `${kind} Service ${ref(service)} with ClusterIP ${service.spec?.clusterIP ?? '?'}`})
  if (!hasSelector(service)) findings.push(...selectorless(input))
  if (kind === 'NodePort' || kind === 'LoadBalancer') findings.push(...nodePorts(service))
  if (kind === 'LoadBalancer') findings.push(...loadBalancer(service))
  findings.push(...trafficPolicies(input), ...sessionAffinity(service))
  return findings
}
