import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {judgeCniConfig} from '../../../src/checks/node/probe-cni.js'
import {nodeProbeScript, parseNodeSections, readNodeFacts, type NodeFacts} from '../../../src/probes/node.js'

const NONCE = 'rt7Kq2Lm9x'
const root = mkdtempSync(join(tmpdir(), 'netdiag-node-probe-'))
after(() => rmSync(root, {recursive: true, force: true}))

const BRIDGE = JSON.stringify({cniVersion: '1.0.0', name: 'netdiag', plugins: [{type: 'bridge', bridge: 'cni0', ipam: {type: 'host-local', ranges: [[{subnet: '10.244.1.0/24'}]]}}, {type: 'portmap'}]})

function write(path: string, content: string): void {
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, content)
}

/**
 * A fake host root and a fake /proc in which two containerd processes run with their own configs, one in our
 * network namespace (this node) and one in another (a second node on the same kernel), plus an unrelated process.
 */
function fakeNode(name: string, options: {ownConfig?: string; ownArgs?: string[]; files?: Record<string, string>}): {host: string; proc: string} {
  const host = join(root, name, 'host')
  const proc = join(root, name, 'proc')
  for (const [path, content] of Object.entries(options.files ?? {})) write(join(host, path), content)
  mkdirSync(join(proc, 'self', 'ns'), {recursive: true})
  symlinkSync('net:[4026531840]', join(proc, 'self', 'ns', 'net'))
  const processes: Array<{pid: number; comm: string; net: string; args: string[]; config?: string}> = [
    {pid: 10, comm: 'kubelet', net: 'net:[4026531840]', args: ['kubelet']},
    {pid: 20, comm: 'containerd', net: 'net:[4026532999]', args: ['containerd', '--config', '/etc/other/config.toml'], config: '/etc/other/config.toml'},
    {pid: 30, comm: 'containerd', net: 'net:[4026531840]', args: options.ownArgs ?? ['containerd'], config: options.ownConfig},
  ]
  for (const p of processes) {
    const dir = join(proc, String(p.pid))
    mkdirSync(join(dir, 'ns'), {recursive: true})
    writeFileSync(join(dir, 'comm'), `${p.comm}\n`)
    writeFileSync(join(dir, 'cmdline'), `${p.args.join('\0')}\0`)
    symlinkSync(p.net, join(dir, 'ns', 'net'))
    symlinkSync(host, join(dir, 'root'))
  }
  write(join(host, '/etc/other/config.toml'), '[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/wrong/net.d"\n')
  return {host, proc}
}

function probe(node: {host: string; proc: string}): NodeFacts {
  const result = spawnSync('sh', ['-c', nodeProbeScript({nonce: NONCE, hostRoot: node.host, procRoot: node.proc})], {encoding: 'utf8', timeout: 30_000})
  assert.equal(result.status, 0, result.stderr)
  return readNodeFacts(parseNodeSections(result.stdout, NONCE))
}

describe('node probe: the CNI dirs of the runtime that serves this node', () => {
  it("reads conf_dir and bin_dir from the --config of the containerd in our network namespace, not another node's", () => {
    const node = fakeNode('custom', {
      ownArgs: ['containerd', '--config', '/run/rig/containerd.toml'],
      ownConfig: '/run/rig/containerd.toml',
      files: {
        '/run/rig/containerd.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n    bin_dir = "/usr/lib/cni/"\n    conf_dir = "/run/rig/net.d/"\n',
        '/run/rig/net.d/10-bridge.conflist': BRIDGE,
        '/usr/lib/cni/bridge': '',
        '/usr/lib/cni/host-local': '',
        '/usr/lib/cni/portmap': '',
      },
    })
    const facts = probe(node)
    assert.deepEqual(facts.runtime, {name: 'containerd', config: '/run/rig/containerd.toml'})
    assert.equal(facts.cniConfDir, '/run/rig/net.d')
    assert.equal(facts.cniDir, 'present')
    assert.deepEqual(facts.cniFiles.map((f) => f.name), ['10-bridge.conflist'])
    assert.deepEqual(facts.cniBinDirs['/usr/lib/cni'], ['bridge', 'host-local', 'portmap'])
    assert.equal(Object.keys(facts.cniBinDirs).filter((d) => d === '/usr/lib/cni').length, 1, 'a dir listed twice is read once')
    const findings = judgeCniConfig(facts, ['10.244.1.0/24'])
    assert.deepEqual(findings.map((f) => f.code), ['cni.config-ok'])
    assert.match(findings[0]!.message, /^10-bridge.conflist: bridge -> portmap, IPAM 10.244.1.0\/24; binaries present$/)
  })

  it('falls back to /etc/containerd/config.toml without --config, and to /etc/cni/net.d without conf_dir', () => {
    const node = fakeNode('default', {files: {'/etc/containerd/config.toml': 'version = 2\n', '/etc/cni/net.d/10-bridge.conflist': BRIDGE}})
    const facts = probe(node)
    assert.deepEqual(facts.runtime, {name: 'containerd', config: '/etc/containerd/config.toml'})
    assert.equal(facts.cniConfDir, '/etc/cni/net.d')
    assert.deepEqual(facts.cniFiles.map((f) => f.name), ['10-bridge.conflist'])
  })

  it("containerd 2.x's single-quoted TOML: conf_dir and a bin_dirs array", () => {
    const node = fakeNode('containerd2', {
      files: {
        '/etc/containerd/config.toml': "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.cni]\n  bin_dirs = ['/opt/cni/bin', '/custom/cni/bin']\n  conf_dir = '/custom/net.d'\n",
        '/custom/net.d/10-bridge.conflist': BRIDGE,
        '/custom/cni/bin/bridge': '',
        '/custom/cni/bin/host-local': '',
        '/custom/cni/bin/portmap': '',
      },
    })
    const facts = probe(node)
    assert.equal(facts.cniConfDir, '/custom/net.d')
    assert.equal(facts.cniDir, 'present')
    assert.deepEqual(facts.cniBinDirs['/custom/cni/bin'], ['bridge', 'host-local', 'portmap'])
    assert.deepEqual(judgeCniConfig(facts, ['10.244.1.0/24']).map((f) => f.code), ['cni.config-ok'])
  })

  it('a missing conf dir is named as the runtime configured it', () => {
    const node = fakeNode('missing', {ownArgs: ['containerd', '--config=/etc/k3s.toml'], ownConfig: '/etc/k3s.toml', files: {'/etc/k3s.toml': '  conf_dir = "/var/lib/rancher/k3s/agent/etc/cni/net.d"\n'}})
    const facts = probe(node)
    assert.equal(facts.cniDir, 'missing')
    const [finding] = judgeCniConfig(facts, [])
    assert.equal(finding!.code, 'cni.no-config-dir')
    assert.match(finding!.message, /^\/var\/lib\/rancher\/k3s\/agent\/etc\/cni\/net.d does not exist \(conf dir of containerd, from \/etc\/k3s.toml\)/)
  })
})
