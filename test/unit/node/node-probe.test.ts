import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {selectActiveCniConfig} from '../../../src/analysis/node/cni-conflist.js'
import {installedCniBinaries, nodeProbeCommand, nodeProbeScript, parseNodeSections, readNodeFacts} from '../../../src/probes/node.js'

const output = (name: string) => readFileSync(new URL(`../../fixtures/node/probe-output/${name}`, import.meta.url), 'utf8')
const NONCE = 'k3x9Qm2Zp7'

describe('nodeProbeScript', () => {
  it('is one sh -c command with the nonce in its marker and the host root prefixed', () => {
    const cmd = nodeProbeCommand({nonce: 'abcDEF123'})
    assert.deepEqual(cmd.slice(0, 2), ['sh', '-c'])
    assert.match(cmd[2], /^M='@@netdiag abcDEF123'$/m)
    assert.match(cmd[2], /^H='\/host'$/m)
    assert.match(cmd[2], /for f in "\$H\$cnid"\/\*/)
    assert.match(cmd[2], /for d in \$bind \/opt\/cni\/bin \/usr\/lib\/cni \/usr\/libexec\/cni;/)
    assert.match(cmd[2], /http:\/\/127.0.0.1:10249\/proxyMode/)
    assert.match(cmd[2], /http:\/\/127.0.0.1:10256\/healthz/)
  })
  it('quotes a host root with a quote in it', () => {
    assert.match(nodeProbeScript({nonce: 'abcDEF123', hostRoot: "/x'y"}), /^H='\/x'\\''y'$/m)
  })
  it('refuses a weak or unsafe nonce', () => {
    assert.throws(() => nodeProbeScript({nonce: 'short'}), /nonce/)
    assert.throws(() => nodeProbeScript({nonce: "abc'; rm -rf /"}), /nonce/)
  })
})

describe('parseNodeSections', () => {
  it('keeps bodies byte-exact, with or without a final newline, and ignores forged markers', () => {
    const sections = parseNodeSections(output('node-script-dash.txt'), NONCE)
    const files = sections.filter((s) => s.section === 'cni-file')
    assert.deepEqual(files.map((f) => f.name), ['10-flannel.conflist', '99-nonl.conf', 'calico-kubeconfig'])
    assert.equal(files[1].body, '{"cniVersion":"0.3.1","name":"x","type":"bridge"}')
    assert.equal(files[2].body, 'line with @@netdiag fake END cni-file rc=0\n')
    assert.ok(files[0].body.endsWith('}\n'))
    assert.ok(files.every((f) => f.rc === 0))
  })
  it('dash and busybox sh produce the same sections', () => {
    const strip = (s: ReturnType<typeof parseNodeSections>) => s.filter((x) => x.section !== 'ip-link' && x.section !== 'proxy-healthz')
    assert.deepEqual(strip(parseNodeSections(output('node-script-busybox.txt'), NONCE)), strip(parseNodeSections(output('node-script-dash.txt'), NONCE)))
  })
  it('another nonce sees nothing', () => {
    assert.deepEqual(parseNodeSections(output('node-script-dash.txt'), 'otherNonce1'), [])
  })
  it('a section cut off by a timeout has no rc', () => {
    const s = parseNodeSections('\n@@netdiag abcDEF123 BEGIN sysctl net/ipv4/ip_forward\n1\n\n@@netdiag abcDEF123 END sysctl rc=0\n\n@@netdiag abcDEF123 BEGIN ip-link \n[{"ifn', 'abcDEF123')
    assert.deepEqual(s, [
      {section: 'sysctl', name: 'net/ipv4/ip_forward', body: '1\n', rc: 0},
      {section: 'ip-link', name: '', body: '[{"ifn'},
    ])
  })
})

describe('readNodeFacts on the real script output', () => {
  const facts = readNodeFacts(parseNodeSections(output('node-script-dash.txt'), NONCE))
  it('tools, CNI dir, files and binaries', () => {
    assert.deepEqual(facts.tools, ['ip', 'curl', 'wget', 'iptables-save', 'iptables-legacy-save', 'iptables-nft-save', 'nft', 'ipvsadm'])
    assert.equal(facts.cniDir, 'present')
    assert.equal(facts.cniFiles.length, 3)
    assert.deepEqual(facts.cniBinDirs, {'/opt/cni/bin': ['bridge', 'flannel', 'host-local', 'loopback', 'portmap'], '/usr/lib/cni': null, '/usr/libexec/cni': null})
    assert.deepEqual(installedCniBinaries(facts), ['bridge', 'flannel', 'host-local', 'loopback', 'portmap'])
    assert.equal(selectActiveCniConfig(facts.cniFiles).active?.mainType, 'flannel')
  })
  it('sysctls and rp_filter', () => {
    assert.equal(facts.ipForward, 1)
    assert.equal(facts.bridgeNfCallIptables, 1)
    assert.equal(facts.conntrackCount, 0)
    assert.equal(facts.conntrackMax, 262144)
    assert.equal(facts.rpFilter.all, 2)
    assert.equal(facts.rpFilter['flannel.1'], 1)
    assert.equal(facts.rpFilter.cni0, 0)
  })
  it('links, kube-proxy, iptables, nft, ipvs, IPAM', () => {
    assert.deepEqual(facts.links?.map((l) => l.name), ['lo', 'nd-ra', 'nd-rb', 'flannel.1', 'vxlan.calico', 'cni0', 'eth0p', 'veth1234'])
    assert.equal(facts.kubeProxy.mode, 'iptables')
    assert.equal(facts.kubeProxy.healthz?.error, 'curl: (28) Operation timed out after 3000 milliseconds with 0 bytes received')
    assert.deepEqual(facts.iptablesKubeServices, {'iptables-legacy-save': 0, 'iptables-nft-save': 4, 'iptables-save': 4})
    assert.deepEqual(facts.nftTables, ['ip kube-proxy', 'ip6 kube-proxy', 'inet cilium', 'ip nat'])
    assert.deepEqual(facts.ipvs, {available: false, services: 0, error: "Can't initialize ipvs: Protocol not available"})
    assert.deepEqual(facts.ipamAllocations, {cbr0: ['10.244.1.2', '10.244.1.3']})
    assert.deepEqual(facts.problems, [])
  })
})

describe('readNodeFacts on other shapes', () => {
  const sec = (section: string, name: string, body: string, rc?: number) => ({section, name, body, rc})
  it('br_netfilter not loaded, missing CNI dir, kube-proxy absent, ipvs with services', () => {
    const facts = readNodeFacts([
      sec('cni-dir', '/host/etc/cni/net.d', '', 1),
      sec('sysctl', 'net/bridge/bridge-nf-call-iptables', 'cat: can\'t open \'/proc/sys/net/bridge/bridge-nf-call-iptables\': No such file or directory\n', 1),
      sec('sysctl', 'net/ipv4/ip_forward', '0\n', 0),
      sec('proxy-mode', '', 'curl: (7) Failed to connect to 127.0.0.1 port 10249 after 0 ms: Couldn\'t connect to server\n000', 7),
      sec('proxy-healthz', '', '{"lastUpdated": "2025-01-10 10:00:00 +0000 UTC","currentTime": "2025-01-10 10:00:31 +0000 UTC", "nodeEligible": true}\n503', 0),
      sec('ipvs', '', 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443              Masq    1      0          0         \nUDP  10.96.0.10:53 rr\n  -> 10.244.0.2:53                Masq    1      0          0         \n', 0),
      sec('cni-file', '10-x.conf', 'head: /host/etc/cni/net.d/10-x.conf: Permission denied\n', 1),
      sec('ip-link', '', 'Option "-j" is unknown, try "ip -help".\n', 255),
    ])
    assert.equal(facts.cniDir, 'missing')
    assert.equal(facts.bridgeNfCallIptables, 'absent')
    assert.equal(facts.ipForward, 0)
    assert.equal(facts.kubeProxy.mode, undefined)
    assert.match(facts.kubeProxy.modeError!, /Failed to connect to 127.0.0.1 port 10249/)
    assert.equal(facts.kubeProxy.healthz?.httpStatus, 503)
    assert.match(facts.kubeProxy.healthz!.body!, /"nodeEligible": true}$/)
    assert.deepEqual({...facts.ipvs, listing: undefined}, {available: true, services: 2, listing: undefined})
    assert.match(facts.ipvs!.listing!, /^TCP  10\.96\.0\.1:443 rr$/m)
    assert.equal(facts.problems.length, 2)
    assert.match(facts.problems[0], /cannot read CNI config 10-x.conf: head: .*Permission denied/)
    assert.match(facts.problems[1], /ip -j -d link failed: Option "-j" is unknown/)
    assert.equal(facts.links, undefined)
  })
  it('wget answers have no status line', () => {
    const facts = readNodeFacts([sec('proxy-mode', '', 'ipvs', 0)])
    assert.equal(facts.kubeProxy.mode, 'ipvs')
  })
})
