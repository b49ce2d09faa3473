import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import type {ConfigMap, DaemonSet, Node} from '../../../src/cluster/types.js'
import {parseCniConfig} from '../../../src/analysis/node/cni-conflist.js'
import {detectCni} from '../../../src/analysis/node/cni-detect.js'

function ds(namespace: string, name: string, containers: Array<{name: string; image: string; env?: Array<{name: string; value: string}>; args?: string[]}>, labels: Record<string, string> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name, namespace, labels},
    spec: {selector: {matchLabels: labels}, template: {metadata: {labels}, spec: {containers}}},
  }
}

function node(name: string, annotations: Record<string, string> = {}, internalIP = '192.168.1.10'): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {name, annotations: {'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...annotations}},
    status: {addresses: [{type: 'InternalIP', address: internalIP}, {type: 'Hostname', address: name}]},
  }
}

const cm = (name: string, data: Record<string, string>): ConfigMap => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'kube-system'}, data})

const kubeProxy = ds('kube-system', 'kube-proxy', [{name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.2'}], {'k8s-app': 'kube-proxy'})
const calicoNode = (env: Array<{name: string; value: string}> = []) =>
  ds('kube-system', 'calico-node', [{name: 'calico-node', image: 'docker.io/calico/node:v3.28.1', env: [{name: 'DATASTORE_TYPE', value: 'kubernetes'}, ...env]}], {'k8s-app': 'calico-node'})
const flannelDs = ds('kube-flannel', 'kube-flannel-ds', [{name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.6', args: ['--ip-masq', '--kube-subnet-mgr']}], {app: 'flannel', 'k8s-app': 'flannel'})
const ciliumDs = ds('kube-system', 'cilium', [{name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.3@sha256:62d2a09bbef840a46099ac4c69421c90f84f28d018d479749049011329aa7f28'}], {'k8s-app': 'cilium'})
const ciliumEnvoy = ds('kube-system', 'cilium-envoy', [{name: 'cilium-envoy', image: 'quay.io/cilium/cilium-envoy:v1.29.9'}], {'k8s-app': 'cilium-envoy'})
const awsNode = (policyAgent: boolean) =>
  ds('kube-system', 'aws-node', [
    {name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.2'},
    {name: 'aws-network-policy-agent', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.2-eksbuild.2', args: ['--enable-ipv6=false', `--enable-network-policy=${policyAgent}`, '--enable-cloudwatch-logs=false']},
  ], {'k8s-app': 'aws-node'})

describe('detectCni', () => {
  const cases: Array<{
    what: string
    input: Parameters<typeof detectCni>[0]
    cni: string
    encap: string
    overhead: number | undefined
    policy: boolean | 'unknown'
    engines?: string[]
    evidence?: RegExp[]
  }> = [
    {
      what: 'flannel by DaemonSet and backend annotation (vxlan), no policy',
      input: {daemonSets: [kubeProxy, flannelDs], nodes: [node('n1', {'flannel.alpha.coreos.com/backend-type': 'vxlan', 'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"2e:c4:1a:8f:04:a1"}', 'flannel.alpha.coreos.com/kube-subnet-manager': 'true', 'flannel.alpha.coreos.com/public-ip': '192.168.1.10'})]},
      cni: 'flannel', encap: 'vxlan', overhead: 50, policy: false, engines: [],
      evidence: [/DaemonSet kube-flannel\/kube-flannel-ds \(image docker.io\/flannel\/flannel:v0.25.6\)/, /backend-type=vxlan on n1/, /NetworkPolicies have no effect/],
    },
    {
      what: 'flannel host-gw: no encapsulation',
      input: {daemonSets: [flannelDs], nodes: [node('n1', {'flannel.alpha.coreos.com/backend-type': 'host-gw'})]},
      cni: 'flannel', encap: 'none', overhead: 0, policy: false,
    },
    {
      what: 'flannel backend from kube-flannel-cfg when nodes carry no annotation',
      input: {daemonSets: [flannelDs], configMaps: [cm('kube-flannel-cfg', {'net-conf.json': '{\n  "Network": "10.244.0.0/16",\n  "EnableNFTables": false,\n  "Backend": {\n    "Type": "wireguard"\n  }\n}\n'})]},
      cni: 'flannel', encap: 'wireguard', overhead: 60, policy: false, evidence: [/Backend.Type wireguard in ConfigMap kube-flannel-cfg/],
    },
    {
      what: 'calico with IPIP tunnel annotations',
      input: {daemonSets: [kubeProxy, calicoNode([{name: 'CALICO_IPV4POOL_IPIP', value: 'Always'}])], nodes: [node('n1', {'projectcalico.org/IPv4Address': '192.168.1.10/24', 'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.171.64'})]},
      cni: 'calico', encap: 'ipip', overhead: 20, policy: true, engines: ['calico'], evidence: [/IPv4IPIPTunnelAddr on n1/],
    },
    {
      what: 'calico VXLAN from annotation beats the IPIP env var',
      input: {daemonSets: [calicoNode([{name: 'CALICO_IPV4POOL_IPIP', value: 'Always'}])], nodes: [node('n1', {'projectcalico.org/IPv4VXLANTunnelAddr': '10.244.171.65'})]},
      cni: 'calico', encap: 'vxlan', overhead: 50, policy: true,
    },
    {
      what: 'calico WireGuard',
      input: {daemonSets: [calicoNode()], nodes: [node('n1', {'projectcalico.org/IPv4WireguardInterfaceAddr': '10.244.171.66', 'projectcalico.org/WireguardPublicKey': 'jlkVyQYooZYzI2wFfNhSZez5eWh44yfq1wKVjLvSXgY='})]},
      cni: 'calico', encap: 'wireguard', overhead: 60, policy: true,
    },
    {
      what: 'calico env only: VXLAN CrossSubnet',
      input: {daemonSets: [calicoNode([{name: 'CALICO_IPV4POOL_IPIP', value: 'Never'}, {name: 'CALICO_IPV4POOL_VXLAN', value: 'CrossSubnet'}])]},
      cni: 'calico', encap: 'vxlan', overhead: 50, policy: true, evidence: [/CALICO_IPV4POOL_VXLAN=CrossSubnet .* \(only between subnets\)/],
    },
    {
      what: 'calico BGP without encapsulation',
      input: {daemonSets: [calicoNode([{name: 'CALICO_IPV4POOL_IPIP', value: 'Never'}])]},
      cni: 'calico', encap: 'none', overhead: 0, policy: true,
    },
    {
      what: 'calico with nothing to tell the encapsulation',
      input: {daemonSets: [calicoNode()]},
      cni: 'calico', encap: 'unknown', overhead: undefined, policy: true, evidence: [/encapsulation unknown/],
    },
    {
      what: 'calico operator install in calico-system (by image)',
      input: {daemonSets: [ds('calico-system', 'calico-node', [{name: 'calico-node', image: 'quay.io/calico/node:v3.29.0'}])], nodes: [node('n1', {'projectcalico.org/IPv4VXLANTunnelAddr': '10.0.1.1'})]},
      cni: 'calico', encap: 'vxlan', overhead: 50, policy: true, evidence: [/DaemonSet calico-system\/calico-node/],
    },
    {
      what: 'canal: calico for policy, flannel for the network',
      input: {daemonSets: [ds('kube-system', 'canal', [{name: 'calico-node', image: 'docker.io/calico/node:v3.28.1'}, {name: 'kube-flannel', image: 'quay.io/coreos/flannel:v0.15.1'}], {'k8s-app': 'canal'})], nodes: [node('n1', {'flannel.alpha.coreos.com/backend-type': 'vxlan'})]},
      cni: 'canal', encap: 'vxlan', overhead: 50, policy: true, engines: ['calico'],
    },
    {
      what: 'cilium defaults to VXLAN; cilium-envoy is not the agent',
      input: {daemonSets: [ciliumEnvoy, ciliumDs], nodes: [node('n1', {'io.cilium.network.ipv4-cilium-host': '10.0.0.62', 'io.cilium.network.ipv4-pod-cidr': '10.0.0.0/24'})]},
      cni: 'cilium', encap: 'vxlan', overhead: 50, policy: true, engines: ['cilium'], evidence: [/DaemonSet kube-system\/cilium \(image quay.io\/cilium\/cilium:v1.16.3/, /assuming Cilium default, VXLAN/],
    },
    {
      what: 'cilium native routing',
      input: {daemonSets: [ciliumDs], configMaps: [cm('cilium-config', {'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.0.0.0/8', 'kube-proxy-replacement': 'true'})]},
      cni: 'cilium', encap: 'none', overhead: 0, policy: true,
    },
    {
      what: 'cilium geneve (legacy tunnel key)',
      input: {daemonSets: [ciliumDs], configMaps: [cm('cilium-config', {tunnel: 'geneve'})]},
      cni: 'cilium', encap: 'geneve', overhead: 50, policy: true,
    },
    {
      what: 'cilium geneve (tunnel-protocol)',
      input: {daemonSets: [ciliumDs], configMaps: [cm('cilium-config', {'routing-mode': 'tunnel', 'tunnel-protocol': 'geneve'})]},
      cni: 'cilium', encap: 'geneve', overhead: 50, policy: true,
    },
    {
      what: 'cilium WireGuard',
      input: {daemonSets: [ciliumDs], configMaps: [cm('cilium-config', {'enable-wireguard': 'true', 'routing-mode': 'native'})]},
      cni: 'cilium', encap: 'wireguard', overhead: 60, policy: true,
    },
    {
      what: 'cilium known only from node annotations',
      input: {nodes: [node('n1', {'io.cilium.network.ipv4-cilium-host': '10.0.0.62'})]},
      cni: 'cilium', encap: 'vxlan', overhead: 50, policy: true, evidence: [/io.cilium.network.\* present/],
    },
    {
      what: 'AWS VPC CNI without the policy agent',
      input: {daemonSets: [kubeProxy, awsNode(false)]},
      cni: 'aws-vpc-cni', encap: 'none', overhead: 0, policy: false, engines: [],
    },
    {
      what: 'AWS VPC CNI with its network policy agent enabled',
      input: {daemonSets: [awsNode(true)]},
      cni: 'aws-vpc-cni', encap: 'none', overhead: 0, policy: true, engines: ['aws-network-policy-agent'],
    },
    {
      what: 'AWS VPC CNI with Calico policy-only',
      input: {daemonSets: [awsNode(false), ds('calico-system', 'calico-node', [{name: 'calico-node', image: 'quay.io/calico/node:v3.28.0'}])]},
      cni: 'aws-vpc-cni', encap: 'none', overhead: 0, policy: true, engines: ['calico'],
    },
    {
      what: 'Azure CNI without a policy engine',
      input: {daemonSets: [ds('kube-system', 'azure-cns', [{name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.13'}]), ds('kube-system', 'azure-ip-masq-agent', [{name: 'azure-ip-masq-agent', image: 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.13'}])]},
      cni: 'azure-cni', encap: 'none', overhead: 0, policy: false,
    },
    {
      what: 'Azure CNI powered by Cilium',
      input: {daemonSets: [ds('kube-system', 'azure-cns', [{name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.13'}]), ds('kube-system', 'cilium', [{name: 'cilium-agent', image: 'mcr.microsoft.com/oss/cilium/cilium:1.14.10-1'}], {'k8s-app': 'cilium'})]},
      cni: 'azure-cni', encap: 'none', overhead: 0, policy: true, engines: ['cilium'],
    },
    {
      what: 'weave',
      input: {daemonSets: [ds('kube-system', 'weave-net', [{name: 'weave', image: 'weaveworks/weave-kube:2.8.1'}, {name: 'weave-npc', image: 'weaveworks/weave-npc:2.8.1'}], {name: 'weave-net'})]},
      cni: 'weave', encap: 'vxlan', overhead: 50, policy: true, engines: ['weave'],
    },
    {
      what: 'kube-router with firewall (default) and subnet overlay',
      input: {daemonSets: [ds('kube-system', 'kube-router', [{name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.2.1', args: ['--run-router=true', '--run-firewall=true', '--run-service-proxy=false', '--bgp-graceful-restart=true']}], {'k8s-app': 'kube-router'})]},
      cni: 'kube-router', encap: 'none', overhead: 0, policy: true, engines: ['kube-router'], evidence: [/IP-in-IP only between nodes in different subnets/],
    },
    {
      what: 'kube-router full overlay, firewall off',
      input: {daemonSets: [ds('kube-system', 'kube-router', [{name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.2.1', args: ['--run-firewall=false', '--overlay-type=full']}])]},
      cni: 'kube-router', encap: 'ipip', overhead: 20, policy: false,
    },
    {
      what: 'antrea default Geneve',
      input: {daemonSets: [ds('kube-system', 'antrea-agent', [{name: 'antrea-agent', image: 'antrea/antrea-agent-ubuntu:v2.2.0'}], {app: 'antrea', component: 'antrea-agent'})]},
      cni: 'antrea', encap: 'geneve', overhead: 50, policy: true,
    },
    {
      what: 'antrea noEncap from its agent config',
      input: {daemonSets: [ds('kube-system', 'antrea-agent', [{name: 'antrea-agent', image: 'antrea/antrea-agent-ubuntu:v2.2.0'}])], configMaps: [cm('antrea-config', {'antrea-agent.conf': '# Name of the OpenVSwitch bridge antrea-agent will create and use.\novsBridge: "br-int"\ntrafficEncapMode: "noEncap"\ntunnelType: "geneve"\n'})]},
      cni: 'antrea', encap: 'none', overhead: 0, policy: true,
    },
    {
      what: 'ovn-kubernetes Geneve with its 8 option bytes',
      input: {daemonSets: [ds('ovn-kubernetes', 'ovnkube-node', [{name: 'ovnkube-controller', image: 'ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-ubuntu:master'}])]},
      cni: 'ovn-kubernetes', encap: 'geneve', overhead: 58, policy: true,
    },
    {
      what: 'kindnet: policy support depends on the version',
      input: {daemonSets: [kubeProxy, ds('kube-system', 'kindnet', [{name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20241023-a345ebe4'}], {app: 'kindnet', 'k8s-app': 'kindnet'})]},
      cni: 'kindnet', encap: 'none', overhead: 0, policy: 'unknown',
    },
    {
      what: 'plain bridge config, nothing else',
      input: {daemonSets: [kubeProxy], activeConfig: parseCniConfig({name: '10-containerd-net.conflist', content: '{"cniVersion":"1.0.0","name":"containerd-net","plugins":[{"type":"bridge","bridge":"cni0","ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.0.0/16"}]]}}]}'})},
      cni: 'bridge', encap: 'none', overhead: 0, policy: false, evidence: [/active CNI config 10-containerd-net.conflist \(plugin bridge\)/],
    },
    {
      what: 'config says cilium even with a leftover flannel DaemonSet',
      input: {daemonSets: [flannelDs], activeConfig: parseCniConfig({name: '05-cilium.conflist', content: '{"cniVersion":"0.3.1","name":"cilium","plugins":[{"type":"cilium-cni"}]}'})},
      cni: 'cilium', encap: 'vxlan', overhead: 50, policy: true, engines: ['cilium'],
    },
    {
      what: 'IPv6-only nodes: VXLAN outer header is IPv6',
      input: {daemonSets: [flannelDs], nodes: [node('n1', {'flannel.alpha.coreos.com/backend-type': 'vxlan'}, 'fd00:10::5')]},
      cni: 'flannel', encap: 'vxlan', overhead: 70, policy: false,
    },
    {
      what: 'nothing known',
      input: {daemonSets: [kubeProxy], nodes: [node('n1')]},
      cni: 'unknown', encap: 'unknown', overhead: undefined, policy: 'unknown', evidence: [/no known CNI agent/],
    },
  ]
  for (const c of cases) {
    it(c.what, () => {
      const d = detectCni(c.input)
      assert.equal(d.cni, c.cni)
      assert.equal(d.encapsulation, c.encap)
      assert.equal(d.overheadBytes, c.overhead)
      assert.equal(d.enforcesNetworkPolicy, c.policy)
      if (c.engines) assert.deepEqual(d.policyEngines, c.engines)
      for (const re of c.evidence ?? []) assert.ok(d.evidence.some((e) => re.test(e)), `no evidence matching ${re}: ${JSON.stringify(d.evidence)}`)
    })
  }
})
