import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import type {DaemonSet, Node, Pod} from '../../../src/cluster/types.js'
import {corefileBindAddress, localIPArg, mountedConfigMap, nodeLocalAddress, nodesWithoutCache} from '../../../src/analysis/dns/nodelocal.js'

function cacheDaemonSet(args: string[], configMap = 'node-local-dns'): DaemonSet {
  return {
    metadata: {name: 'node-local-dns', namespace: 'kube-system'},
    spec: {
      selector: {matchLabels: {'k8s-app': 'node-local-dns'}},
      template: {
        spec: {
          hostNetwork: true,
          containers: [{name: 'node-cache', image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1', args}],
          volumes: [{name: 'xtables-lock', hostPath: {path: '/run/xtables.lock'}}, {name: 'config-volume', configMap: {name: configMap}}],
        },
      },
    },
  }
}

// kubernetes/kubernetes cluster/addons/dns/nodelocaldns/nodelocaldns.yaml (the Corefile's bind and node-cache's args)
const UPSTREAM_ARGS = ['-localip', '169.254.20.10,10.96.0.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream']
const UPSTREAM_COREFILE = `cluster.local:53 {
    errors
    cache {
            success 9984 30
            denial 9984 5
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . 10.96.0.11 {
            force_tcp
    }
    prometheus :9253
    health 169.254.20.10:8080
    }
.:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . /etc/resolv.conf
    prometheus :9253
    }
`

describe('NodeLocal DNSCache address', () => {
  const cases: {name: string; ds: DaemonSet; corefile?: {configMap: string; text: string}; want: {ip?: string; source: RegExp}}[] = [
    {name: 'upstream node-cache: -localip, link-local first', ds: cacheDaemonSet(UPSTREAM_ARGS), want: {ip: '169.254.20.10', source: /^-localip/}},
    // kubespray roles/kubernetes-apps/ansible/templates/nodelocaldns-daemonset.yml.j2: nodelocaldns_ip 169.254.25.10
    {name: 'kubespray: -localip=169.254.25.10 (one address, = form)', ds: cacheDaemonSet(['-localip=169.254.25.10', '-conf', '/etc/coredns/Corefile']), want: {ip: '169.254.25.10', source: /^-localip/}},
    {name: '--localip with a double dash', ds: cacheDaemonSet(['--localip', '169.254.25.10']), want: {ip: '169.254.25.10', source: /^-localip/}},
    {name: 'CoreDNS as the cache: no -localip, the Corefile binds the address', ds: cacheDaemonSet(['-conf', '/etc/coredns/Corefile']), corefile: {configMap: 'node-local-dns', text: UPSTREAM_COREFILE.replaceAll('169.254.20.10', '169.254.25.10')}, want: {ip: '169.254.25.10', source: /^bind in ConfigMap kube-system\/node-local-dns/}},
    {name: 'Corefile binding only non-link-local addresses: unknown, not a default', ds: cacheDaemonSet([]), corefile: {configMap: 'node-local-dns', text: '.:53 {\n  bind 10.96.0.10\n  forward . /etc/resolv.conf\n}\n'}, want: {source: /no link-local bind/}},
    {name: 'no -localip and no Corefile: unknown', ds: cacheDaemonSet([]), want: {source: /not readable/}},
    {name: '-localip with nothing after it: falls through to the Corefile', ds: cacheDaemonSet(['-localip']), corefile: {configMap: 'node-local-dns', text: UPSTREAM_COREFILE}, want: {ip: '169.254.20.10', source: /^bind/}},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = nodeLocalAddress(c.ds, c.corefile)
      assert.equal(got.ip, c.want.ip)
      assert.match(got.source, c.want.source)
    })
  }

  it('localIPArg, corefileBindAddress and mountedConfigMap read their own pieces', () => {
    assert.equal(localIPArg(cacheDaemonSet(UPSTREAM_ARGS)), '169.254.20.10')
    assert.equal(localIPArg(cacheDaemonSet(['-conf', 'x'])), undefined)
    assert.equal(corefileBindAddress(UPSTREAM_COREFILE), '169.254.20.10')
    assert.equal(corefileBindAddress('.:53 {\n  forward . 8.8.8.8\n}\n'), undefined)
    assert.equal(mountedConfigMap(cacheDaemonSet([], 'nodelocaldns')), 'nodelocaldns')
  })
})

describe('nodesWithoutCache', () => {
  const node = (name: string): Node => ({metadata: {name}})
  const pod = (nodeName: string, ready: boolean, phase = 'Running'): Pod => ({
    metadata: {name: `node-local-dns-${nodeName}`},
    spec: {nodeName, containers: []},
    status: {phase, conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}]},
  })
  const cases: {name: string; nodes: string[]; pods: Pod[]; want: string[]}[] = [
    {name: 'a ready pod on every node', nodes: ['a', 'b'], pods: [pod('a', true), pod('b', true)], want: []},
    {name: 'the DaemonSet does not schedule on b (nodeSelector, taint)', nodes: ['a', 'b'], pods: [pod('a', true)], want: ['b']},
    {name: 'a pod on b that is not ready', nodes: ['a', 'b'], pods: [pod('a', true), pod('b', false)], want: ['b']},
    {name: 'a pod on b still Pending', nodes: ['a', 'b'], pods: [pod('a', true), pod('b', true, 'Pending')], want: ['b']},
    {name: 'no cache pod at all', nodes: ['a', 'b'], pods: [], want: ['a', 'b']},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(nodesWithoutCache(c.nodes.map(node), c.pods), c.want))
})
