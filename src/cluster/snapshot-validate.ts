// A snapshot is a file someone may have edited: objects the analysis cannot understand fail closed (exit 2, the
// object and field named) instead of reaching a check as a shape it does not expect. The live API validates
// the same rules on write (k8s.io/apimachinery validation; label syntax from
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
// NetworkPolicy and the policy CRDs are validated by the policy engine, which knows their semantics.
import {invalidObject} from '../errors.js'
import type {SnapshotObject} from './snapshot-file.js'

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

type Fail = (field: string, problem: string) => never
type Json = Record<string, unknown>

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`
}

/** Throws bad input naming the object and field for the first thing the analysis could not read. */
export function validateSnapshotObject(object: SnapshotObject): void {
  // Most objects are fine: proven so without building a field name, and worded by the full walk only when not.
  if (!plainlyValid(object)) validateWording(object)
}

/** The full walk: throws bad input naming the field. Exported for the test that holds plainlyValid to its rules. */
export function validateWording(object: SnapshotObject): void {
  const metadata = object.metadata as Json | undefined
  const ref = {kind: object.kind, namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : undefined, name: typeof metadata?.name === 'string' ? metadata.name : undefined}
  const fail: Fail = (field, problem) => {
    throw invalidObject(ref, field, problem)
  }
  const v = new Validator(fail)
  v.object(object.metadata, 'metadata')
  v.string(metadata?.name, 'metadata.name', true)
  v.string(metadata?.namespace, 'metadata.namespace')
  v.labels(metadata?.labels, 'metadata.labels')
  const spec = v.object(object.spec, 'spec')
  const status = v.object(object.status, 'status')
  switch (object.kind) {
    case 'Service': {
      v.labels(spec?.selector, 'spec.selector')
      v.string(spec?.type, 'spec.type')
      v.string(spec?.clusterIP, 'spec.clusterIP')
      v.each(spec?.ports, 'spec.ports', (port, field) => {
        v.port(port.port, `${field}.port`, true)
        v.string(port.protocol, `${field}.protocol`)
        v.string(port.name, `${field}.name`)
        if (port.targetPort !== undefined && typeof port.targetPort !== 'string') v.port(port.targetPort, `${field}.targetPort`)
      })
      break
    }
    case 'Pod': {
      for (const list of ['containers', 'initContainers'] as const) {
        v.each(spec?.[list], `spec.${list}`, (container, field) => {
          v.string(container.name, `${field}.name`)
          v.each(container.ports, `${field}.ports`, (port, portField) => v.port(port.containerPort, `${portField}.containerPort`, true))
        })
      }
      v.string(spec?.nodeName, 'spec.nodeName')
      v.string(status?.podIP, 'status.podIP')
      v.string(status?.phase, 'status.phase')
      v.each(status?.podIPs, 'status.podIPs', (ip, field) => v.string(ip.ip, `${field}.ip`))
      v.each(status?.conditions, 'status.conditions', () => undefined)
      v.each(status?.containerStatuses, 'status.containerStatuses', () => undefined)
      break
    }
    case 'EndpointSlice': {
      v.each(object.endpoints, 'endpoints', (endpoint, field) => v.strings(endpoint.addresses, `${field}.addresses`))
      v.each(object.ports, 'ports', (port, field) => {
        if (port.port !== undefined && port.port !== null) v.port(port.port, `${field}.port`)
      })
      break
    }
    case 'Deployment':
    case 'DaemonSet': {
      const selector = v.object(spec?.selector, 'spec.selector')
      v.labels(selector?.matchLabels, 'spec.selector.matchLabels')
      const template = v.object(spec?.template, 'spec.template')
      v.labels((v.object(template?.metadata, 'spec.template.metadata') as Json | undefined)?.labels, 'spec.template.metadata.labels')
      break
    }
    case 'Node': {
      v.strings(spec?.podCIDRs, 'spec.podCIDRs')
      v.each(status?.addresses, 'status.addresses', (address, field) => v.string(address.address, `${field}.address`))
      v.each(status?.conditions, 'status.conditions', () => undefined)
      break
    }
    case 'ConfigMap': {
      const data = v.object(object.data, 'data')
      for (const [key, value] of Object.entries(data ?? {})) v.string(value, `data.${key}`)
      break
    }
  }
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const absent = (value: unknown) => value === undefined || value === null
const optionalString = (value: unknown) => absent(value) || typeof value === 'string'
const optionalObject = (value: unknown) => absent(value) || isObject(value)
const isPort = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535

/** Whether every element of an optional list is an object that `each` accepts (nothing absent: a list). */
function everyObject(value: unknown, element: (item: Json) => boolean): boolean {
  if (absent(value)) return true
  if (!Array.isArray(value)) return false
  for (let i = 0; i < value.length; i++) if (!isObject(value[i]) || !element(value[i])) return false
  return true
}

function plainLabels(value: unknown): boolean {
  if (absent(value)) return true
  if (!isObject(value)) return false
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const labelValue = value[key]
    if (typeof labelValue !== 'string' || !validLabelKey(key) || !validLabelValue(labelValue)) return false
  }
  return true
}

const plainContainer = (container: Json) => optionalString(container.name) && everyObject(container.ports, (port) => isPort(port.containerPort))

/**
 * The rules of validateWording as one boolean, allocating nothing: true only where the walk would find nothing
 * (false sends the object to the walk, which words what is wrong, or finds it fine after all). The two state the
 * same rules twice; test/unit/cluster/snapshot-validate.test.ts mutates valid objects to hold them together.
 */
export function plainlyValid(object: SnapshotObject): boolean {
  const metadata = object.metadata as unknown
  if (!isObject(metadata) || typeof metadata.name !== 'string' || !optionalString(metadata.namespace) || !plainLabels(metadata.labels)) return false
  const spec = object.spec as unknown
  const status = object.status as unknown
  if (!optionalObject(spec) || !optionalObject(status)) return false
  const s = (spec ?? {}) as Json
  const st = (status ?? {}) as Json
  switch (object.kind) {
    case 'Pod':
      return (
        everyObject(s.containers, plainContainer) &&
        everyObject(s.initContainers, plainContainer) &&
        optionalString(s.nodeName) &&
        optionalString(st.podIP) &&
        optionalString(st.phase) &&
        everyObject(st.podIPs, (ip) => optionalString(ip.ip)) &&
        everyObject(st.conditions, () => true) &&
        everyObject(st.containerStatuses, () => true)
      )
    case 'Service':
      return (
        plainLabels(s.selector) &&
        optionalString(s.type) &&
        optionalString(s.clusterIP) &&
        everyObject(
          s.ports,
          (port) => isPort(port.port) && optionalString(port.protocol) && optionalString(port.name) && (port.targetPort === undefined || typeof port.targetPort === 'string' || absent(port.targetPort) || isPort(port.targetPort)),
        )
      )
    case 'EndpointSlice':
      return (
        everyObject(object.endpoints, (endpoint) => absent(endpoint.addresses) || (Array.isArray(endpoint.addresses) && endpoint.addresses.every((a) => typeof a === 'string'))) &&
        everyObject(object.ports, (port) => absent(port.port) || isPort(port.port))
      )
    default:
      // The other kinds are few: the walk checks them.
      return false
  }
}

// A snapshot repeats the same few label keys and values on every pod of a workload: each text is tested once.
// The memo keeps valid texts only (an invalid one fails the run) and is bounded, as texts come from the file.
const MEMO_LIMIT = 100_000
const validKeys = new Set<string>()
const validValues = new Set<string>()

function remember(memo: Set<string>, text: string, valid: boolean): boolean {
  if (!valid) return false
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.add(text)
  return true
}

function validLabelKey(key: string): boolean {
  if (validKeys.has(key)) return true
  const slash = key.lastIndexOf('/')
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key]
  return remember(validKeys, key, LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))))
}

function validLabelValue(value: string): boolean {
  return validValues.has(value) || remember(validValues, value, value.length <= 63 && LABEL_VALUE.test(value))
}

class Validator {
  constructor(private readonly fail: Fail) {}

  object(value: unknown, field: string): Json | undefined {
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(field, `is not an object (got ${describeValue(value)})`)
    return value as Json
  }

  string(value: unknown, field: string, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'is missing')
      return
    }
    if (typeof value !== 'string') this.fail(field, `is not a string (got ${describeValue(value)})`)
  }

  strings(value: unknown, field: string): void {
    if (value === undefined || value === null) return
    if (!Array.isArray(value)) this.fail(field, `is not a list (got ${describeValue(value)})`)
    ;(value as unknown[]).forEach((item, i) => this.string(item, `${field}[${i}]`))
  }

  each(value: unknown, field: string, item: (element: Json, field: string) => void): void {
    if (value === undefined || value === null) return
    if (!Array.isArray(value)) this.fail(field, `is not a list (got ${describeValue(value)})`)
    const list = value as unknown[]
    for (let i = 0; i < list.length; i++) {
      const at = `${field}[${i}]`
      item(this.object(list[i], at) ?? this.fail(at, 'is null'), at)
    }
  }

  port(value: unknown, field: string, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'is missing')
      return
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) this.fail(field, `is not a port number 1-65535 (got ${describeValue(value)})`)
  }

  /** A label map (labels, selectors): keys `[prefix/]name`, values at most 63 characters of the label syntax. */
  labels(value: unknown, field: string): void {
    const labels = this.object(value, field)
    if (!labels) return
    for (const key of Object.keys(labels)) {
      const labelValue = labels[key]
      if (!validLabelKey(key)) this.fail(`${field}`, `${JSON.stringify(key)} is not a valid label key`)
      if (typeof labelValue !== 'string') this.fail(`${field}.${key}`, `is not a string (got ${describeValue(labelValue)})`)
      if (!validLabelValue(labelValue as string)) {
        this.fail(`${field}.${key}`, `${JSON.stringify(labelValue).slice(0, 80)} is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric)`)
      }
    }
  }
}
