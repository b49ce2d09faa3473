import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import type {Pod, ServicePort} from '../../../src/cluster/types.js'
import {
  declaredPorts,
  findNamedPort,
  formatDeclaredPorts,
  parsePortValue,
  resolveTargetPort,
  type TargetPortResolution,
} from '../../../src/analysis/ports.js'

// Trimmed from `kubectl get pod -o json` of a CoreDNS pod with an added sidecar and a plain init container.
const coredns = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {name: 'coredns-5d78c9869d-8x2lq', namespace: 'kube-system', labels: {'k8s-app': 'kube-dns'}},
  spec: {
    initContainers: [
      {name: 'init', image: 'busybox', ports: [{containerPort: 1111, name: 'init-port', protocol: 'TCP'}]},
      {name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{containerPort: 15001, name: 'envoy', protocol: 'TCP'}]},
    ],
    containers: [
      {
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.11.1',
        ports: [
          {containerPort: 53, name: 'dns', protocol: 'UDP'},
          {containerPort: 53, name: 'dns-tcp', protocol: 'TCP'},
          {containerPort: 9153, name: 'metrics', protocol: 'TCP'},
        ],
      },
      {name: 'sidecar', image: 'x', ports: [{containerPort: 8080}]},
    ],
  },
} as unknown as Pod

describe('declaredPorts', () => {
  it('lists app containers then sidecars, defaulting protocol, skipping plain init containers', () => {
    assert.deepEqual(declaredPorts(coredns), [
      {container: 'coredns', name: 'dns', containerPort: 53, protocol: 'UDP', sidecar: false},
      {container: 'coredns', name: 'dns-tcp', containerPort: 53, protocol: 'TCP', sidecar: false},
      {container: 'coredns', name: 'metrics', containerPort: 9153, protocol: 'TCP', sidecar: false},
      {container: 'sidecar', containerPort: 8080, protocol: 'TCP', sidecar: false},
      {container: 'proxy', name: 'envoy', containerPort: 15001, protocol: 'TCP', sidecar: true},
    ])
  })
  it('handles a pod without spec', () => assert.deepEqual(declaredPorts({metadata: {name: 'x'}} as Pod), []))
  it('formats for messages', () => {
    assert.equal(formatDeclaredPorts(declaredPorts(coredns).slice(0, 2)), '53/UDP (dns), 53/TCP (dns-tcp)')
    assert.equal(formatDeclaredPorts([]), 'no declared ports')
  })
  it('finds named ports by name and protocol', () => {
    assert.equal(findNamedPort(coredns, 'dns', 'UDP')?.containerPort, 53)
    assert.equal(findNamedPort(coredns, 'dns'), undefined) // TCP by default, and "dns" is UDP
    assert.equal(findNamedPort(coredns, 'metrics')?.containerPort, 9153)
  })
})

describe('parsePortValue', () => {
  const cases: [number | string | undefined | null, number | string | undefined][] = [
    [80, 80],
    ['80', 80],
    ['http', 'http'],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ]
  for (const [input, expected] of cases) it(`${JSON.stringify(input)}`, () => assert.equal(parsePortValue(input), expected))
})

describe('resolveTargetPort', () => {
  const cases: [string, ServicePort, TargetPortResolution][] = [
    [
      'named UDP port resolves with the Service protocol',
      {name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns'},
      {resolved: 53, via: 'name', declared: true, container: 'coredns'},
    ],
    [
      'named TCP port',
      {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns-tcp'},
      {resolved: 53, via: 'name', declared: true, container: 'coredns'},
    ],
    [
      'named port with another protocol does not resolve (no endpoint)',
      {name: 'dns', port: 53, protocol: 'TCP', targetPort: 'dns'},
      {resolved: undefined, via: 'name', declared: false, container: 'coredns', problem: 'protocol-mismatch'},
    ],
    [
      'Service protocol omitted means TCP',
      {name: 'metrics', port: 9153, targetPort: 'metrics'},
      {resolved: 9153, via: 'name', declared: true, container: 'coredns'},
    ],
    [
      'named port missing',
      {name: 'http', port: 80, protocol: 'TCP', targetPort: 'http'},
      {resolved: undefined, via: 'name', declared: false, problem: 'named-port-missing'},
    ],
    [
      'named port on a sidecar resolves',
      {port: 15001, targetPort: 'envoy'},
      {resolved: 15001, via: 'name', declared: true, container: 'proxy'},
    ],
    [
      'named port on a plain init container does not',
      {port: 1111, targetPort: 'init-port'},
      {resolved: undefined, via: 'name', declared: false, problem: 'named-port-missing'},
    ],
    ['numeric declared', {port: 80, targetPort: 8080}, {resolved: 8080, via: 'number', declared: true, container: 'sidecar'}],
    ['numeric string is a number', {port: 80, targetPort: '8080'} as ServicePort, {resolved: 8080, via: 'number', declared: true, container: 'sidecar'}],
    ['numeric not declared still resolves', {port: 80, targetPort: 9999}, {resolved: 9999, via: 'number', declared: false, problem: 'not-declared'}],
    [
      'numeric declared only for another protocol',
      {port: 9153, protocol: 'UDP', targetPort: 9153},
      {resolved: 9153, via: 'number', declared: false, container: 'coredns', problem: 'protocol-mismatch'},
    ],
    ['absent targetPort defaults to port', {port: 9153}, {resolved: 9153, via: 'default', declared: true, container: 'coredns'}],
    ['absent targetPort, port not declared', {port: 443}, {resolved: 443, via: 'default', declared: false, problem: 'not-declared'}],
  ]
  for (const [name, servicePort, expected] of cases) {
    it(name, () => assert.deepEqual(resolveTargetPort(servicePort, coredns), expected))
  }
})
