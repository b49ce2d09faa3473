// EndpointSlices (discovery.k8s.io/v1) of one Service, per Service port. Conditions follow the API's
// defaults: an unset `ready` means ready, an unset `serving` means the same as ready, an unset
// `terminating` means not terminating. Slices name their ports after the Service's ports ('' when the
// Service has a single unnamed port); a pod whose targetPort does not resolve is listed in a slice without
// that port, so it is an endpoint of the Service but not of that port.
import type {EndpointSlice, ServicePort} from '../../cluster/types.js'
import {normalizeProtocol} from '../ports.js'

export interface EndpointRecord {
  address: string
  /** The port on the endpoint (the resolved targetPort). */
  port: number
  ready: boolean
  serving: boolean
  terminating: boolean
  /** targetRef of kind Pod. */
  pod?: string
  nodeName?: string
  zone?: string
  slice: string
}

export interface PortEndpoints {
  /** The Service port's name ('' for a single unnamed port). */
  name: string
  port: number
  protocol: string
  endpoints: EndpointRecord[]
  ready: number
  serving: number
  terminating: number
  notReady: number
}

export interface SliceSummary {
  slices: string[]
  addressTypes: string[]
  /** endpointslice.kubernetes.io/managed-by values: endpointslice-controller.k8s.io, endpointslicemirroring-controller.k8s.io, or a user's tool. */
  managedBy: string[]
  /** Distinct endpoint addresses in any slice, whatever their ports. */
  addresses: number
  /** Endpoints (by address) listed in a slice that carries none of the Service's ports. */
  withoutPorts: EndpointRecord[]
  ports: PortEndpoints[]
}

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by'

function portLabel(p: ServicePort): string {
  return p.name ?? ''
}

/** Per Service port: every endpoint carrying that port, deduplicated by address (slices may overlap briefly). */
export function summarizeEndpointSlices(slices: readonly EndpointSlice[], servicePorts: readonly ServicePort[]): SliceSummary {
  const ports: PortEndpoints[] = servicePorts.map((p) => ({name: portLabel(p), port: p.port, protocol: normalizeProtocol(p.protocol), endpoints: [], ready: 0, serving: 0, terminating: 0, notReady: 0}))
  const seen = ports.map(() => new Set<string>())
  const addresses = new Set<string>()
  const withPorts = new Set<string>()
  const noPorts = new Map<string, EndpointRecord>()
  for (const slice of slices) {
    const sliceName = slice.metadata?.name ?? ''
    const matches = ports.map((sp) => (slice.ports ?? []).find((p) => (p.name ?? '') === sp.name && normalizeProtocol(p.protocol) === sp.protocol))
    for (const endpoint of slice.endpoints ?? []) {
      const ready = endpoint.conditions?.ready !== false
      const record = {
        ready,
        serving: endpoint.conditions?.serving ?? ready,
        terminating: endpoint.conditions?.terminating ?? false,
        ...(endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name ? {pod: endpoint.targetRef.name} : {}),
        ...(endpoint.nodeName ? {nodeName: endpoint.nodeName} : {}),
        ...(endpoint.zone ? {zone: endpoint.zone} : {}),
        slice: sliceName,
      }
      for (const address of endpoint.addresses ?? []) {
        addresses.add(address)
        if (matches.every((m) => m === undefined)) {
          if (!noPorts.has(address)) noPorts.set(address, {address, port: 0, ...record})
          continue
        }
        withPorts.add(address)
        matches.forEach((match, i) => {
          if (!match || match.port === undefined || seen[i]!.has(address)) return
          seen[i]!.add(address)
          ports[i]!.endpoints.push({address, port: match.port, ...record})
        })
      }
    }
  }
  for (const p of ports) {
    p.ready = p.endpoints.filter((e) => e.ready).length
    p.serving = p.endpoints.filter((e) => e.serving).length
    p.terminating = p.endpoints.filter((e) => e.terminating).length
    p.notReady = p.endpoints.length - p.ready
  }
  return {
    slices: slices.map((s) => s.metadata?.name ?? ''),
    addressTypes: [...new Set(slices.map((s) => s.addressType))].sort(),
    managedBy: [...new Set(slices.map((s) => s.metadata?.labels?.[MANAGED_BY]).filter((v): v is string => Boolean(v)))].sort(),
    addresses: addresses.size,
    withoutPorts: [...noPorts.values()].filter((r) => !withPorts.has(r.address)),
    ports,
  }
}

/** Nodes that host at least one ready endpoint of the port (for internal/external traffic policy Local). */
export function nodesWithReadyEndpoints(port: PortEndpoints): string[] {
  return [...new Set(port.endpoints.filter((e) => e.ready && e.nodeName).map((e) => e.nodeName!))].sort()
}
