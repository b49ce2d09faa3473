import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import type {Service} from '../../../src/cluster/types.js'
import {expectedServicePorts, judgeServiceRules, parseIptablesServiceRules, parseIpvsadm, parseNftServiceMap, servicePortKey, SYNC_GRACE_MS} from '../../../src/analysis/node/service-rules.js'

// `nft list map ip kube-proxy service-ips` on the netdiag test cluster (kube-proxy v1.32.4, nftables mode)
const NFT_SERVICE_IPS = `table ip kube-proxy {
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.0.1 . tcp . 443 : goto service-2QRHZV4L-default/kubernetes/tcp/https,
			     10.96.0.10 . udp . 53 : goto service-FY5PMXPG-kube-system/kube-dns/udp/dns,
			     10.96.0.10 . tcp . 53 : goto service-AS2KJYAD-kube-system/kube-dns/tcp/dns-tcp,
			     10.96.128.74 . tcp . 80 : goto service-5DQCGLU5-m1/web/tcp/http }
	}
}
`
// the same map in the ip6 table (kube-proxy pkg/proxy/nftables writes one table per family)
const NFT6_SERVICE_IPS = `table ip6 kube-proxy {
	map service-ips {
		type ipv6_addr . inet_proto . inet_service : verdict
		elements = { fd00:10:96::1 . tcp . 443 : goto service-42NFTM6N-default/kubernetes/tcp/https }
	}
}
`
const NFT_NO_ENDPOINTS = `table ip kube-proxy {
	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to services with no endpoints"
		elements = { 10.96.7.7 . tcp . 8080 comment "shop/empty:http" : goto reject-chain }
	}
}
`
// iptables-save -t nat / -t filter on the same cluster in iptables mode (filter: a Service without endpoints)
const IPTABLES = `-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "shop/empty:http has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable
`
// ipvsadm -Ln (kube-proxy ipvs mode; format of ipvsadm 1.31)
const IPVSADM = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.18.0.2:6443              Masq    1      0          0
UDP  10.96.0.10:53 rr
  -> 10.244.0.2:53                Masq    1      0          0
TCP  [fd00:10:96::1]:443 rr
`

describe('kube-proxy rule listings', () => {
  it('nftables service-ips and no-endpoint-services, both families', () => {
    assert.deepEqual(parseNftServiceMap(NFT_SERVICE_IPS), ['10.96.0.1:443/TCP', '10.96.0.10:53/UDP', '10.96.0.10:53/TCP', '10.96.128.74:80/TCP'])
    assert.deepEqual(parseNftServiceMap(NFT6_SERVICE_IPS), ['[fd00:10:96::1]:443/TCP'])
    assert.deepEqual(parseNftServiceMap(NFT_NO_ENDPOINTS), [])
  })
  it('iptables KUBE-SERVICES: ClusterIP jumps and no-endpoint REJECTs, not the NodePort jump', () => {
    assert.deepEqual(parseIptablesServiceRules(IPTABLES), ['10.96.0.1:443/TCP', '10.96.0.10:53/UDP', '10.96.7.7:8080/TCP'])
  })
  it('ipvsadm virtual servers, IPv4 and bracketed IPv6; real servers ignored', () => {
    assert.deepEqual(parseIpvsadm(IPVSADM), ['10.96.0.1:443/TCP', '10.96.0.10:53/UDP', '[fd00:10:96::1]:443/TCP'])
  })
  it('keys: protocol upper-cased, IPv6 bracketed and lower-cased', () => {
    assert.equal(servicePortKey('FD00::A', 53, 'udp'), '[fd00::a]:53/UDP')
  })
})

describe('expectedServicePorts', () => {
  const now = new Date('2026-12-01T16:00:00Z')
  const old = '2026-12-01T15:00:00Z'
  const svc = (name: string, spec: Service['spec'], extra: {created?: string; labels?: Record<string, string>} = {}): Service => ({metadata: {name, namespace: 'shop', creationTimestamp: (extra.created ?? old) as unknown as Date, ...(extra.labels ? {labels: extra.labels} : {})}, spec})
  const cases: {name: string; services: Service[]; want: string[]}[] = [
    {name: 'ClusterIP, every port', services: [svc('web', {clusterIP: '10.96.1.1', ports: [{port: 80}, {port: 53, protocol: 'UDP'}]})], want: ['10.96.1.1:80/TCP', '10.96.1.1:53/UDP']},
    {name: 'dual-stack clusterIPs: one key per family', services: [svc('web', {clusterIP: '10.96.1.1', clusterIPs: ['10.96.1.1', 'fd00:10:96::11'], ports: [{port: 80}]})], want: ['10.96.1.1:80/TCP', '[fd00:10:96::11]:80/TCP']},
    {name: 'headless: nothing', services: [svc('db', {clusterIP: 'None', clusterIPs: ['None'], ports: [{port: 5432}]})], want: []},
    {name: 'ExternalName: nothing', services: [svc('ext', {type: 'ExternalName', externalName: 'example.com', ports: [{port: 80}]})], want: []},
    {name: 'claimed by another proxy (service-proxy-name): nothing', services: [svc('x', {clusterIP: '10.96.1.2', ports: [{port: 80}]}, {labels: {'service.kubernetes.io/service-proxy-name': 'other'}})], want: []},
    {name: `created less than ${SYNC_GRACE_MS / 1000}s ago: not judged yet`, services: [svc('new', {clusterIP: '10.96.1.3', ports: [{port: 80}]}, {created: '2026-12-01T15:59:55Z'})], want: []},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(expectedServicePorts(c.services, now).map((e) => e.key), c.want))
})

describe('judgeServiceRules', () => {
  const expected = [
    {service: 'default/kubernetes', key: '10.96.0.1:443/TCP'},
    {service: 'm1/web', key: '10.96.128.74:80/TCP'},
    {service: 'default/kubernetes', key: '[fd00:10:96::1]:443/TCP'},
  ]
  it('all present: pass, counting the judged family only', () => {
    const [f] = judgeServiceRules({mode: 'nftables', keys: parseNftServiceMap(NFT_SERVICE_IPS), families: ['ipv4'], source: 'maps'}, expected)
    assert.equal(f!.status, 'pass')
    assert.equal(f!.message, 'all 2 Service port(s) are in maps; 1 IPv6 Service port(s) not judged (no IPv6 rules were read)')
  })
  it('one Service port missing on this node: fail naming it', () => {
    const keys = parseNftServiceMap(NFT_SERVICE_IPS).filter((k) => k !== '10.96.128.74:80/TCP')
    const [f] = judgeServiceRules({mode: 'nftables', keys, families: ['ipv4'], source: 'nftables maps'}, expected)
    assert.equal(f!.status, 'fail')
    assert.equal(f!.code, 'service-rules.missing')
    assert.match(f!.message, /^1 of 2 Service port\(s\) are missing from nftables maps: m1\/web 10\.96\.128\.74:80\/TCP: pods on this node cannot reach that Service by ClusterIP$/)
  })
  it('both families read: the IPv6 port is judged too', () => {
    const [f] = judgeServiceRules({mode: 'nftables', keys: parseNftServiceMap(NFT_SERVICE_IPS), families: ['ipv4', 'ipv6'], source: 'maps'}, expected)
    assert.equal(f!.status, 'fail')
    assert.match(f!.message, /default\/kubernetes \[fd00:10:96::1\]:443\/TCP/)
  })
  it('rules unreadable (ipvs mode, no IPVS in the kernel): a warning saying unknown, never a pass', () => {
    const [f] = judgeServiceRules({mode: 'ipvs', families: [], source: 'ipvsadm -Ln', unreadable: 'ipvsadm -Ln failed (Can\'t initialize ipvs: Protocol not available)'}, expected)
    assert.equal(f!.status, 'warn')
    assert.match(f!.message, /^kube-proxy ipvs mode: its Service rules could not be read \(ipvsadm -Ln failed .*\), so whether every Service is programmed on this node is unknown$/)
  })
})
