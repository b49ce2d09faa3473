import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {parseIpAddrJson, parseIpLinkJson, parseIpLinkText, tunnelLinks, type IpLink} from '../../../src/probes/net.js'
import {captured} from './fixtures.js'

const brief = (l: IpLink) => `${l.name} mtu=${l.mtu} kind=${l.kind ?? '-'} state=${l.state} up=${l.up}${l.master ? ` master=${l.master}` : ''}`

// Captured: veths to two namespaces, flannel.1 (VXLAN 8472, MTU 1450), vxlan.calico (4789), bridge cni0 with a veth.
const expected = [
  'lo mtu=65536 kind=- state=UNKNOWN up=true',
  'nd-ra mtu=1500 kind=veth state=UP up=true',
  'nd-rb mtu=1400 kind=veth state=UP up=true',
  'flannel.1 mtu=1450 kind=vxlan state=UNKNOWN up=true',
  'vxlan.calico mtu=1450 kind=vxlan state=UNKNOWN up=true',
  'cni0 mtu=1450 kind=bridge state=DOWN up=true',
  'eth0p mtu=1500 kind=veth state=DOWN up=false',
  'veth1234 mtu=1450 kind=veth state=LOWERLAYERDOWN up=true master=cni0',
]

describe('ip link parsers agree on real output', () => {
  it('ip -j -d link', () => {
    const links = parseIpLinkJson(captured('ip-j-d-link.json').output)
    assert.deepEqual(links.map(brief), expected)
    assert.deepEqual(links[3].vxlan, {id: 1, port: 8472, local: '10.200.1.1', dev: 'nd-ra'})
    assert.deepEqual(links[4].vxlan, {id: 4096, port: 4789, local: undefined, dev: 'nd-ra'})
    assert.equal(links[7].link, 'eth0p')
  })
  it('ip -d link (text)', () => {
    const links = parseIpLinkText(captured('ip-d-link.txt').output)
    assert.deepEqual(links.map(brief), expected)
    assert.deepEqual(links[3].vxlan, {id: 1, port: 8472, local: '10.200.1.1', dev: 'nd-ra'})
    assert.equal(links[1].link, 'if5')
    assert.equal(links[7].link, 'eth0p')
  })
  it('tunnelLinks picks the VXLAN devices', () => {
    assert.deepEqual(tunnelLinks(parseIpLinkJson(captured('ip-j-d-link.json').output)).map((l) => l.name), ['flannel.1', 'vxlan.calico'])
  })
  it('rejects output that is not a JSON array', () => {
    assert.throws(() => parseIpLinkJson('{}'), /expected a JSON array/)
    assert.throws(() => parseIpLinkJson('Object "link" is unknown'))
  })
})

describe('parseIpLinkText on tunnel kinds not loadable here (published iproute2 output)', () => {
  it('tunl0 (ipip), gre0 and a WireGuard device', () => {
    const text = [
      '4: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0 minmtu 0 maxmtu 0 ',
      '    ipip any remote any local any ttl inherit nopmtudisc addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ',
      '5: gre0@NONE: <NOARP> mtu 1476 qdisc noop state DOWN mode DEFAULT group default qlen 1000',
      '    link/gre 0.0.0.0 brd 0.0.0.0 promiscuity 0 minmtu 0 maxmtu 0 ',
      '    gre remote any local any ttl inherit nopmtudisc addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ',
      '7: wireguard.cali: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1440 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/none  promiscuity 0 minmtu 0 maxmtu 2147483552 ',
      '    wireguard addrgenmode none numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ',
      '8: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9001 qdisc mq state UP mode DEFAULT group default qlen 1000',
      '    link/ether 02:5f:1c:aa:bb:cc brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 128 maxmtu 9216 addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 ',
      '    altname enp0s5',
    ].join('\n')
    const links = parseIpLinkText(text)
    assert.deepEqual(links.map(brief), [
      'tunl0 mtu=1480 kind=ipip state=UNKNOWN up=true',
      'gre0 mtu=1476 kind=gre state=DOWN up=false',
      'wireguard.cali mtu=1440 kind=wireguard state=UNKNOWN up=true',
      'eth0 mtu=9001 kind=- state=UP up=true',
    ])
    assert.deepEqual(tunnelLinks(links).map((l) => l.name), ['tunl0', 'gre0', 'wireguard.cali'])
  })
  it('JSON with a geneve and a wireguard linkinfo', () => {
    const links = parseIpLinkJson('[{"ifindex":9,"ifname":"genev_sys_6081","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":65000,"operstate":"UNKNOWN","linkinfo":{"info_kind":"geneve","info_data":{"id":0,"port":6081}}},{"ifindex":7,"ifname":"wireguard.cali","flags":["POINTOPOINT","NOARP","UP","LOWER_UP"],"mtu":1440,"operstate":"UNKNOWN","link_type":"none","linkinfo":{"info_kind":"wireguard"}}]')
    assert.deepEqual(links.map(brief), ['genev_sys_6081 mtu=65000 kind=geneve state=UNKNOWN up=true', 'wireguard.cali mtu=1440 kind=wireguard state=UNKNOWN up=true'])
  })
})

describe('parseIpAddrJson', () => {
  it('real ip -j addr', () => {
    const ifaces = parseIpAddrJson(captured('ip-j-addr.json').output)
    const cni0 = ifaces.find((i) => i.name === 'cni0')!
    assert.equal(cni0.mtu, 1450)
    assert.deepEqual(cni0.addresses.map((a) => `${a.family} ${a.address}/${a.prefixlen} ${a.scope}`), ['inet 10.244.0.1/24 global', 'inet6 fd00::1/64 global', 'inet6 fe80::78b6:aaff:fe68:5b7d/64 link'])
    assert.deepEqual(ifaces.find((i) => i.name === 'nd-ra')!.addresses[0], {family: 'inet', address: '10.200.1.1', prefixlen: 24, scope: 'global'})
    assert.deepEqual(ifaces.find((i) => i.name === 'lo')!.addresses.map((a) => a.address), ['127.0.0.1', '::1'])
  })
})
