import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {describe, it} from 'node:test'

import {SIZES, generateSnapshot, snapshotText} from '../../../bench/snapshot-generator.js'
import {teamPolicies} from '../../../bench/team-policies.js'
import {serviceName} from '../../../bench/topology.js'
import {ipInCidr} from '../../../src/analysis/cidr.js'
import {parseSnapshot} from '../../../src/cluster/snapshot-file.js'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

describe('bench snapshot generator', () => {
  it('the same seed gives the same bytes, another seed other bytes', () => {
    const a = snapshotText(generateSnapshot(SIZES.tiny, 7).items)
    const b = snapshotText(generateSnapshot(SIZES.tiny, 7).items)
    const c = snapshotText(generateSnapshot(SIZES.tiny, 8).items)
    assert.equal(sha(a), sha(b))
    assert.notEqual(sha(a), sha(c))
  })

  it('writes one List the snapshot reader accepts, with every kind the analysis reads', () => {
    const {items} = generateSnapshot(SIZES.tiny, 1)
    const text = snapshotText(items)
    assert.match(text, /^\{"apiVersion":"v1","kind":"List","metadata":\{"resourceVersion":"","annotations":\{"netdiag.io\/layout":"lines\/v1 items=\d+ sha256=[0-9a-f]{64}","netdiag.io\/layout-groups":"\[.*\]"\}\},"items":\[\n/)
    const objects = parseSnapshot(text)
    assert.equal(objects.length, items.length)
    assert.deepEqual([...new Set(objects.map((o) => o.kind))], ['Namespace', 'Node', 'Pod', 'Service', 'EndpointSlice', 'NetworkPolicy', 'Deployment', 'DaemonSet', 'ConfigMap'])
  })

  it('has the advertised size: five pods per Service on average, the policies per namespace', () => {
    const scale = SIZES.small
    const {items} = generateSnapshot(scale, 3)
    const teamPods = items.filter((o) => o.kind === 'Pod' && o.metadata.namespace.startsWith('team-'))
    const teamServices = items.filter((o) => o.kind === 'Service' && o.metadata.namespace.startsWith('team-'))
    assert.equal(teamServices.length, scale.namespaces * scale.servicesPerNamespace)
    assert.equal(teamPods.length, teamServices.length * 5)
    assert.equal(items.filter((o) => o.kind === 'NetworkPolicy').length, scale.namespaces * scale.policiesPerNamespace)
    assert.equal(items.filter((o) => o.kind === 'Node').length, scale.nodes)
    assert.equal(new Set(items.map((o) => o.metadata.uid)).size, items.length)
  })

  it('pod IPs are unique, inside their node podCIDR, and what the EndpointSlices list', () => {
    const {items} = generateSnapshot(SIZES.small, 3)
    const cidrs = new Map(items.filter((o) => o.kind === 'Node').map((n) => [n.metadata.name, n.spec.podCIDR]))
    const pods = items.filter((o) => o.kind === 'Pod' && !o.spec.hostNetwork)
    assert.equal(new Set(pods.map((p) => p.status.podIP)).size, pods.length)
    for (const p of pods) assert.ok(ipInCidr(p.status.podIP, cidrs.get(p.spec.nodeName)), `${p.metadata.name} ${p.status.podIP} not in ${cidrs.get(p.spec.nodeName)}`)
    const byIp = new Map(pods.map((p) => [p.status.podIP, p]))
    for (const slice of items.filter((o) => o.kind === 'EndpointSlice')) {
      const service = slice.metadata.labels['kubernetes.io/service-name']
      for (const endpoint of slice.endpoints) {
        const target = byIp.get(endpoint.addresses[0])
        assert.equal(target?.metadata.name, endpoint.targetRef.name)
        assert.equal(target?.metadata.namespace, slice.metadata.namespace)
        assert.equal(service === 'kube-dns' ? target?.metadata.labels['k8s-app'] : target?.metadata.labels.app, service === 'kube-dns' ? 'kube-dns' : service)
      }
    }
  })

  it('policies follow the common patterns: default deny, DNS egress, namespaceSelectors, ipBlocks', () => {
    const policies = teamPolicies('team-000', 10, serviceName)
    assert.deepEqual(policies.slice(0, 2).map((p) => p.metadata.name), ['default-deny-all', 'allow-dns-egress'])
    const text = JSON.stringify(policies)
    assert.match(text, /"namespaceSelector":\{"matchLabels":\{"kubernetes.io\/metadata.name":"kube-system"\}\}/)
    assert.match(text, /"ipBlock":\{"cidr":"0.0.0.0\/0","except":/)
    assert.match(text, /"matchExpressions"/)
    assert.equal(new Set(policies.map((p) => p.metadata.name)).size, 10)
  })
})
