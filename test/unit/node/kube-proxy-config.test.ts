import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import type {ConfigMap} from '../../../src/cluster/types.js'
import {checkProxyMode, kubeProxySettingsFromConfigMap, parseKubeProxyConfig} from '../../../src/analysis/node/kube-proxy-config.js'

// kubeadm's kube-system/kube-proxy ConfigMap, key config.conf (v1.31, trimmed of unset zero values only where kubeadm prints them).
const KUBEADM_CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
`

describe('parseKubeProxyConfig', () => {
  it("kubeadm's default: mode '' means iptables", () => {
    const s = parseKubeProxyConfig(KUBEADM_CONFIG)
    assert.deepEqual(s.errors, [])
    assert.equal(s.mode, '')
    assert.equal(s.effectiveMode, 'iptables')
    assert.equal(s.clusterCIDR, '10.244.0.0/16')
    assert.equal(s.masqueradeAll, false)
    assert.equal(s.strictARP, false)
    assert.equal(s.ipvsScheduler, undefined)
    assert.equal(s.metricsBindAddress, undefined)
    assert.deepEqual(s.conntrack, {maxPerCore: undefined, min: undefined})
  })
  const cases: Array<{what: string; text: string; mode: string; effective: string; errors?: RegExp; extra?: (s: ReturnType<typeof parseKubeProxyConfig>) => void}> = [
    {what: 'ipvs with scheduler and strictARP (MetalLB)', text: KUBEADM_CONFIG.replace('mode: ""', 'mode: "ipvs"').replace('scheduler: ""', 'scheduler: "rr"').replace('strictARP: false', 'strictARP: true'), mode: 'ipvs', effective: 'ipvs', extra: (s) => { assert.equal(s.ipvsScheduler, 'rr'); assert.equal(s.strictARP, true) }},
    {what: 'nftables with metrics on all addresses', text: 'kind: KubeProxyConfiguration\nmode: nftables\nmetricsBindAddress: 0.0.0.0:10249\nfeatureGates:\n  NFTablesProxyMode: true\n  Other: "x"\n', mode: 'nftables', effective: 'nftables', extra: (s) => { assert.equal(s.metricsBindAddress, '0.0.0.0:10249'); assert.deepEqual(s.featureGates, {NFTablesProxyMode: true}) }},
    {what: 'JSON form', text: '{"kind":"KubeProxyConfiguration","mode":"ipvs","conntrack":{"maxPerCore":32768,"min":131072}}', mode: 'ipvs', effective: 'ipvs', extra: (s) => assert.deepEqual(s.conntrack, {maxPerCore: 32768, min: 131072})},
    {what: 'no mode key', text: 'kind: KubeProxyConfiguration\nclusterCIDR: ""\n', mode: '', effective: 'iptables', extra: (s) => assert.equal(s.clusterCIDR, undefined)},
    {what: 'wrong kind', text: 'kind: KubeletConfiguration\n', mode: '', effective: 'iptables', errors: /kind is KubeletConfiguration/},
    {what: 'broken YAML', text: 'mode: [ipvs\n', mode: '', effective: 'iptables', errors: /not valid YAML/},
    {what: 'a scalar', text: 'ipvs', mode: '', effective: 'iptables', errors: /not a KubeProxyConfiguration object/},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const s = parseKubeProxyConfig(c.text)
      assert.equal(s.mode, c.mode)
      assert.equal(s.effectiveMode, c.effective)
      if (c.errors) assert.match(s.errors.join('\n'), c.errors)
      else assert.deepEqual(s.errors, [])
      c.extra?.(s)
    })
  }
  it('from the ConfigMap', () => {
    const cm: ConfigMap = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'kube-proxy', namespace: 'kube-system', labels: {app: 'kube-proxy'}}, data: {'config.conf': KUBEADM_CONFIG, 'kubeconfig.conf': 'apiVersion: v1\nkind: Config\n'}}
    assert.equal(kubeProxySettingsFromConfigMap(cm)?.effectiveMode, 'iptables')
    assert.equal(kubeProxySettingsFromConfigMap({...cm, data: {}}), undefined)
  })
})

describe('checkProxyMode', () => {
  const iptables = parseKubeProxyConfig(KUBEADM_CONFIG)
  const ipvs = parseKubeProxyConfig('mode: ipvs')
  const cases: Array<{what: string; configured: ReturnType<typeof parseKubeProxyConfig> | undefined; plane: Parameters<typeof checkProxyMode>[1]; codes: string[]; message?: RegExp}> = [
    {what: 'iptables with rules', configured: iptables, plane: {liveMode: 'iptables', kubeServicesRules: 4}, codes: ['kube-proxy.mode-ok'], message: /iptables \(4 KUBE-SERVICES rule lines\)/},
    {what: 'iptables without rules', configured: iptables, plane: {liveMode: 'iptables', kubeServicesRules: 0}, codes: ['kube-proxy.no-iptables-rules']},
    {what: 'ConfigMap changed, pods not restarted', configured: ipvs, plane: {liveMode: 'iptables', kubeServicesRules: 10}, codes: ['kube-proxy.mode-differs'], message: /runs in iptables mode but ConfigMap kube-system\/kube-proxy says ipvs/},
    {what: 'ipvs without virtual servers', configured: ipvs, plane: {liveMode: 'ipvs', ipvsServices: 0}, codes: ['kube-proxy.no-ipvs-services']},
    {what: 'nftables without its table', configured: undefined, plane: {liveMode: 'nftables', nftTables: ['ip nat', 'inet cilium']}, codes: ['kube-proxy.no-nft-table']},
    {what: 'nftables with its table', configured: undefined, plane: {liveMode: 'nftables', nftTables: ['ip kube-proxy', 'ip6 kube-proxy']}, codes: ['kube-proxy.mode-ok']},
    {what: 'no live answer: judged on the ConfigMap', configured: iptables, plane: {kubeServicesRules: 0}, codes: ['kube-proxy.no-iptables-rules']},
    {what: 'nothing known', configured: undefined, plane: {}, codes: []},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const findings = checkProxyMode(c.configured, c.plane)
      assert.deepEqual(findings.map((f) => f.code), c.codes)
      if (c.message) assert.match(findings[0].message, c.message)
    })
  }
})
