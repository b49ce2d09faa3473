import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {analyzeSysctls, type SysctlFacts} from '../../../src/analysis/node/sysctls.js'
import {worstStatus} from '../../../src/analysis/node/finding.js'

describe('analyzeSysctls', () => {
  const cases: Array<{what: string; facts: SysctlFacts; codes: string[]; worst: string; message?: RegExp}> = [
    {what: 'healthy node', facts: {ipForward: 1, bridgeNfCallIptables: 1, conntrackCount: 1200, conntrackMax: 262144, rpFilter: {all: 0, eth0: 1, 'flannel.1': 0}, proxyMode: 'iptables'}, codes: ['sysctl.ip-forward-on', 'sysctl.conntrack-ok'], worst: 'pass'},
    {what: 'forwarding off', facts: {ipForward: 0}, codes: ['sysctl.ip-forward-off'], worst: 'fail', message: /net.ipv4.ip_forward = 0/},
    {what: 'bridge-nf-call-iptables 0 with iptables proxy', facts: {bridgeNfCallIptables: 0, proxyMode: 'iptables', bridgedPods: true}, codes: ['sysctl.bridge-nf-call-iptables-off'], worst: 'warn', message: /= 0 while kube-proxy runs in iptables mode/},
    {what: 'br_netfilter absent, mode unset', facts: {bridgeNfCallIptables: 'absent', proxyMode: ''}, codes: ['sysctl.bridge-nf-call-iptables-off'], worst: 'warn', message: /br_netfilter is not loaded .* iptables mode/},
    {what: 'bridge-nf off but pods are routed (Calico)', facts: {bridgeNfCallIptables: 0, proxyMode: 'iptables', bridgedPods: false}, codes: [], worst: 'pass'},
    {what: 'bridge-nf off without kube-proxy (Cilium replacement)', facts: {bridgeNfCallIptables: 0}, codes: [], worst: 'pass'},
    {what: 'conntrack at 80%', facts: {conntrackCount: 209716, conntrackMax: 262144}, codes: ['sysctl.conntrack-high'], worst: 'warn', message: /80% full \(209716\/262144\)/},
    {what: 'conntrack just below 80%', facts: {conntrackCount: 209714, conntrackMax: 262144}, codes: ['sysctl.conntrack-ok'], worst: 'pass'},
    {what: 'conntrack full', facts: {conntrackCount: 131072, conntrackMax: 131072}, codes: ['sysctl.conntrack-full'], worst: 'fail', message: /table full/},
    {what: 'strict rp_filter on the flannel VXLAN device', facts: {rpFilter: {all: 0, 'flannel.1': 1, cni0: 1}}, codes: ['sysctl.rp-filter-strict'], worst: 'warn', message: /on flannel.1 \(tunnel\/overlay device\)/},
    {what: 'conf.all=1 makes every interface strict', facts: {rpFilter: {all: 1, tunl0: 0, lo: 0, eth0: 0}}, codes: ['sysctl.rp-filter-strict'], worst: 'warn', message: /from net.ipv4.conf.all\) on tunl0/},
    {what: 'Calico sets rp_filter=1 on cali* itself', facts: {rpFilter: {all: 0, cali12ab34cd56e: 1}, cni: 'calico'}, codes: [], worst: 'pass'},
    {what: 'Cilium lxc devices must not be strict', facts: {rpFilter: {all: 0, lxc1a2b3c4d5e6f: 1, cilium_host: 1}, cni: 'cilium'}, codes: ['sysctl.rp-filter-strict'], worst: 'warn', message: /lxc1a2b3c4d5e6f \(Cilium endpoint device\), cilium_host/},
    {what: 'lxc devices of another CNI are not judged', facts: {rpFilter: {all: 0, lxc1a2b: 1}, cni: 'flannel'}, codes: [], worst: 'pass'},
    {what: 'AWS VPC CNI needs loose mode on the ENI', facts: {rpFilter: {all: 0, eth0: 1, eth1: 2}, cni: 'aws-vpc-cni'}, codes: ['sysctl.rp-filter-strict'], worst: 'warn', message: /eth0 \(ENI/},
    {what: 'loose mode everywhere is fine', facts: {rpFilter: {all: 2, 'vxlan.calico': 1}}, codes: [], worst: 'pass'},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const findings = analyzeSysctls(c.facts)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      assert.equal(worstStatus(findings), c.worst)
      if (c.message) assert.match(findings[0].message, c.message)
    })
  }
})
