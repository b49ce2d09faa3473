import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {serviceRulesOf} from '../../../src/checks/node/probe-service-rules.js'
import {judgeServiceRules} from '../../../src/analysis/node/service-rules.js'
import {readNodeFacts, type ScriptSection} from '../../../src/probes/node.js'

const sec = (section: string, name: string, body: string, rc = 0): ScriptSection => ({section, name, body, rc})
const NFT_IP = 'table ip kube-proxy {\n\tmap service-ips {\n\t\telements = { 10.96.0.1 . tcp . 443 : goto service-X-default/kubernetes/tcp/https }\n\t}\n}\n'
const NFT_IP_EMPTY = 'table ip kube-proxy {\n\tmap no-endpoint-services {\n\t}\n}\n'
const NFT_IP6 = 'table ip6 kube-proxy {\n\tmap service-ips {\n\t}\n}\n'
const NFT_IP6_TYPED = 'table ip6 kube-proxy {\n\tmap service-ips {\n\t\ttype ipv6_addr . inet_proto . inet_service : verdict\n\t}\n}\n'
const NO_TABLE = 'Error: No such file or directory\nlist map ip kube-proxy service-ips\n'

describe('serviceRulesOf: the rules of the mode kube-proxy runs in', () => {
  it('nftables, both tables listed: both families judged', () => {
    const facts = readNodeFacts([sec('nft-map', 'ip service-ips', NFT_IP), sec('nft-map', 'ip no-endpoint-services', NFT_IP_EMPTY), sec('nft-map', 'ip6 service-ips', NFT_IP6_TYPED), sec('nft-map', 'ip6 no-endpoint-services', NFT_IP6)])
    const rules = serviceRulesOf(facts, 'nftables')
    assert.deepEqual(rules.families, ['ipv4', 'ipv6'])
    assert.deepEqual(rules.keys, ['10.96.0.1:443/TCP'])
    assert.match(rules.source, /tables ip and ip6 kube-proxy/)
  })
  it('nftables mode but no kube-proxy table: unreadable with nft\'s error, not an empty pass', () => {
    const facts = readNodeFacts([sec('nft-map', 'ip service-ips', NO_TABLE, 1), sec('nft-map', 'ip no-endpoint-services', NO_TABLE, 1)])
    const rules = serviceRulesOf(facts, 'nftables')
    assert.equal(rules.keys, undefined)
    assert.match(rules.unreadable!, /ip: Error: No such file or directory/)
  })
  it('nftables mode, no nft in the probe image: unreadable', () => {
    assert.match(serviceRulesOf(readNodeFacts([]), 'nftables').unreadable!, /not listed \(no nft in the probe image\)/)
  })
  it('iptables: the variant holding KUBE-SERVICES is read', () => {
    const facts = readNodeFacts([
      sec('iptables', 'iptables-legacy-save', '0', 1),
      sec('iptables', 'iptables-nft-save', '12'),
      sec('iptables-services', 'iptables-legacy-save', ''),
      sec('iptables-services', 'iptables-nft-save', '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU\n'),
    ])
    const rules = serviceRulesOf(facts, 'iptables')
    assert.deepEqual(rules.keys, ['10.96.0.10:53/UDP'])
    assert.equal(rules.source, 'iptables-nft-save KUBE-SERVICES (nat and filter)')
  })
  // Dual-stack (kube-proxy writes an IPv6 Service's rules with ip6tables: pkg/proxy/iptables, one proxier per family)
  const v4Rules = '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU\n'
  const v6Rules = '-A KUBE-SERVICES -d fd10:96::4a1/128 -p tcp -m comment --comment "shop/backend:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-7ZJQ4CQPDB3T2KWE\n'
  it('iptables, dual-stack: the same variant\'s ip6tables rules are read too', () => {
    const facts = readNodeFacts([sec('iptables', 'iptables-nft-save', '12'), sec('iptables-services', 'iptables-nft-save', v4Rules), sec('ip6tables-services', 'ip6tables-legacy-save', ''), sec('ip6tables-services', 'ip6tables-nft-save', v6Rules)])
    const rules = serviceRulesOf(facts, 'iptables')
    assert.deepEqual(rules.families, ['ipv4', 'ipv6'])
    assert.deepEqual(rules.keys, ['10.96.0.10:53/UDP', '[fd10:96::4a1]:80/TCP'])
    assert.equal(rules.source, 'iptables-nft-save KUBE-SERVICES (nat and filter; IPv6: ip6tables-nft-save)')
  })
  it('iptables, dual-stack: an IPv6 Service missing from ip6tables fails; unread ip6tables leaves IPv6 unjudged, and says so', () => {
    const expected = [{service: 'kube-system/kube-dns', key: '10.96.0.10:53/UDP'}, {service: 'shop/backend', key: '[fd10:96::4a1]:80/TCP'}]
    const without6 = serviceRulesOf(readNodeFacts([sec('iptables', 'iptables-nft-save', '12'), sec('iptables-services', 'iptables-nft-save', v4Rules), sec('ip6tables-services', 'ip6tables-nft-save', '')]), 'iptables')
    const [missing] = judgeServiceRules(without6, expected)
    assert.equal(missing!.status, 'fail')
    assert.match(missing!.message, /^1 of 2 Service port\(s\) are missing from .*: shop\/backend \[fd10:96::4a1\]:80\/TCP/)
    const unread = serviceRulesOf(readNodeFacts([sec('iptables', 'iptables-nft-save', '12'), sec('iptables-services', 'iptables-nft-save', v4Rules)]), 'iptables')
    const [pass] = judgeServiceRules(unread, expected)
    assert.equal(pass!.status, 'pass')
    assert.equal(pass!.message, 'all 1 Service port(s) are in iptables-nft-save KUBE-SERVICES (nat and filter); 1 IPv6 Service port(s) not judged (no IPv6 rules were read)')
  })
  it('ipvs mode on a kernel without IPVS: unreadable, naming ipvsadm\'s error', () => {
    const facts = readNodeFacts([sec('ipvs', '', "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n", 2)])
    const rules = serviceRulesOf(facts, 'ipvs')
    assert.equal(rules.keys, undefined)
    assert.match(rules.unreadable!, /^ipvsadm -Ln failed \(Can't initialize ipvs: Protocol not available\): the kernel may have no IPVS$/)
  })
  it('ipvs mode, ipvsadm missing from the image; an unknown mode', () => {
    assert.equal(serviceRulesOf(readNodeFacts([]), 'ipvs').unreadable, 'ipvsadm is not in the probe image')
    assert.match(serviceRulesOf(readNodeFacts([]), 'kernelspace').unreadable!, /does not read the rules of mode kernelspace/)
  })
})
