import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {isCniConfigFile, missingCniBinaries, parseCniConfig, selectActiveCniConfig, type CniFile} from '../../../src/analysis/node/cni-conflist.js'

const fixture = (name: string): CniFile => ({name, content: readFileSync(new URL(`../../fixtures/node/cni/${name}`, import.meta.url), 'utf8')})

describe('parseCniConfig on real conflists', () => {
  const cases: Array<{
    file: string
    name: string
    cniVersion: string
    pluginTypes: string[]
    mainType: string
    mtu: number | undefined
    ipamType: string | undefined
    subnets: string[]
    usePodCidr: boolean
    binaries: string[]
  }> = [
    {file: '10-flannel.conflist', name: 'cbr0', cniVersion: '0.3.1', pluginTypes: ['flannel', 'portmap'], mainType: 'flannel', mtu: undefined, ipamType: 'host-local', subnets: [], usePodCidr: false, binaries: ['flannel', 'bridge', 'host-local', 'portmap']},
    {file: '10-calico.conflist', name: 'k8s-pod-network', cniVersion: '0.3.1', pluginTypes: ['calico', 'portmap', 'bandwidth'], mainType: 'calico', mtu: 0, ipamType: 'calico-ipam', subnets: [], usePodCidr: false, binaries: ['calico', 'calico-ipam', 'portmap', 'bandwidth']},
    {file: '10-canal.conflist', name: 'k8s-pod-network', cniVersion: '0.3.1', pluginTypes: ['calico', 'portmap', 'bandwidth'], mainType: 'calico', mtu: 1450, ipamType: 'host-local', subnets: [], usePodCidr: true, binaries: ['calico', 'host-local', 'portmap', 'bandwidth']},
    {file: '05-cilium.conflist', name: 'cilium', cniVersion: '0.3.1', pluginTypes: ['cilium-cni'], mainType: 'cilium-cni', mtu: undefined, ipamType: undefined, subnets: [], usePodCidr: false, binaries: ['cilium-cni']},
    {file: '10-containerd-net.conflist', name: 'containerd-net', cniVersion: '1.0.0', pluginTypes: ['bridge', 'portmap'], mainType: 'bridge', mtu: undefined, ipamType: 'host-local', subnets: ['10.88.0.0/16', '2001:db8:4860::/64'], usePodCidr: false, binaries: ['bridge', 'host-local', 'portmap']},
    {file: '10-aws.conflist', name: 'aws-cni', cniVersion: '0.4.0', pluginTypes: ['aws-cni', 'egress-cni', 'portmap'], mainType: 'aws-cni', mtu: 9001, ipamType: 'host-local', subnets: ['fd00::ac:00/118'], usePodCidr: false, binaries: ['aws-cni', 'egress-cni', 'host-local', 'portmap']},
    {file: '10-weave.conflist', name: 'weave', cniVersion: '0.3.0', pluginTypes: ['weave-net', 'portmap'], mainType: 'weave-net', mtu: undefined, ipamType: undefined, subnets: [], usePodCidr: false, binaries: ['weave-net', 'portmap']},
    {file: '10-kubenet-bridge.conf', name: 'mynet', cniVersion: '0.4.0', pluginTypes: ['bridge'], mainType: 'bridge', mtu: 1460, ipamType: 'host-local', subnets: ['172.19.0.0/24'], usePodCidr: false, binaries: ['bridge', 'host-local']},
  ]
  for (const c of cases) {
    it(c.file, () => {
      const config = parseCniConfig(fixture(c.file))
      assert.deepEqual(config.errors, [])
      assert.equal(config.format, c.file.endsWith('.conflist') ? 'conflist' : 'conf')
      assert.equal(config.name, c.name)
      assert.equal(config.cniVersion, c.cniVersion)
      assert.deepEqual(config.pluginTypes, c.pluginTypes)
      assert.equal(config.mainType, c.mainType)
      assert.equal(config.mtu, c.mtu)
      assert.equal(config.ipam?.type, c.ipamType)
      assert.deepEqual(config.ipam?.subnets ?? [], c.subnets)
      assert.equal(config.ipam?.usePodCidr ?? false, c.usePodCidr)
      assert.deepEqual(config.binaries, c.binaries)
    })
  }

  it('flannel without a delegate ipam takes host-local over subnet.env', () => {
    assert.equal(parseCniConfig(fixture('10-flannel.conflist')).ipam?.fromFlannelSubnetEnv, true)
  })
})

describe('parseCniConfig edge cases', () => {
  const cases: Array<{what: string; file: CniFile; errors: RegExp[]; check?: (c: ReturnType<typeof parseCniConfig>) => void}> = [
    {what: 'invalid JSON', file: {name: '10-x.conflist', content: '{"name": "x",'}, errors: [/not valid JSON/]},
    {what: 'a JSON array', file: {name: '10-x.conflist', content: '[]'}, errors: [/not a JSON object/]},
    {what: 'conflist without name', file: {name: '10-x.conflist', content: '{"plugins":[{"type":"bridge"}]}'}, errors: [/no "name"/]},
    {what: 'conflist without plugins', file: {name: '10-x.conflist', content: '{"name":"x"}'}, errors: [/no "plugins" list/]},
    {what: 'conflist with empty plugins', file: {name: '10-x.conflist', content: '{"name":"x","plugins":[]}'}, errors: [/empty "plugins"/]},
    {what: 'plugin without type', file: {name: '10-x.conflist', content: '{"name":"x","plugins":[{"type":"bridge"},{"ipam":{}}]}'}, errors: [/plugin 1 has no "type"/]},
    {what: 'a plugin list in a .conf file', file: {name: '10-flannel.conf', content: '{"name":"cbr0","plugins":[{"type":"flannel"}]}'}, errors: [/rename it to \.conflist/]},
    {what: 'single-plugin .conf without type', file: {name: '10-x.conf', content: '{"name":"x"}'}, errors: [/no "type"/]},
    {
      what: 'multus delegating to flannel',
      file: {name: '00-multus.conf', content: '{"cniVersion":"0.3.1","name":"multus-cni-network","type":"multus","delegates":[{"cniVersion":"0.3.1","name":"cbr0","plugins":[{"type":"flannel","delegate":{"mtu":1400}},{"type":"portmap"}]}]}'},
      errors: [],
      check: (c) => {
        assert.equal(c.mainType, 'flannel')
        assert.deepEqual(c.pluginTypes, ['multus'])
        assert.equal(c.mtu, 1400)
        assert.deepEqual(c.binaries, ['multus', 'flannel', 'bridge', 'host-local', 'portmap'])
      },
    },
    {
      what: 'ranges given as bare range objects and a string MTU with spaces',
      file: {name: '10-x.conflist', content: '{"name":"x","plugins":[{"type":"ptp","mtu":" 1460 ","ipam":{"type":"host-local","ranges":[{"subnet":"10.1.0.0/24"}],"subnet":"10.2.0.0/24"}}]}'},
      errors: [],
      check: (c) => {
        assert.equal(c.mtu, 1460)
        assert.deepEqual(c.ipam?.subnets, ['10.1.0.0/24', '10.2.0.0/24'])
      },
    },
    {
      what: 'placeholder MTU left by a template',
      file: {name: '10-x.conflist', content: '{"name":"x","plugins":[{"type":"aws-cni","mtu":"__MTU__"}]}'},
      errors: [],
      check: (c) => assert.equal(c.mtu, undefined),
    },
  ]
  for (const c of cases) {
    it(c.what, () => {
      const config = parseCniConfig(c.file)
      assert.equal(config.errors.length, c.errors.length, JSON.stringify(config.errors))
      c.errors.forEach((re, i) => assert.match(config.errors[i], re))
      c.check?.(config)
    })
  }
})

describe('selectActiveCniConfig', () => {
  it('takes the lexically first of .conf/.conflist/.json and ignores other files', () => {
    const files = [fixture('10-calico.conflist'), fixture('05-cilium.conflist'), {name: 'calico-kubeconfig', content: 'apiVersion: v1'}, {name: '05-cilium.conflist.bak', content: '{}'}, fixture('10-flannel.conflist')]
    const active = selectActiveCniConfig(files)
    assert.deepEqual(active.candidates, ['05-cilium.conflist', '10-calico.conflist', '10-flannel.conflist'])
    assert.deepEqual(active.ignored, ['calico-kubeconfig', '05-cilium.conflist.bak'])
    assert.equal(active.active?.file, '05-cilium.conflist')
    assert.equal(active.firstValid?.file, '05-cilium.conflist')
    assert.equal(active.configs.length, 3)
  })

  it('sorts byte-wise like Go: upper case before lower case, "100" before "99"', () => {
    const mk = (name: string) => ({name, content: '{"name":"n","type":"bridge"}'})
    const active = selectActiveCniConfig([mk('99-b.conf'), mk('100-a.conf'), mk('a.json'), mk('Z.conf')])
    assert.deepEqual(active.candidates, ['100-a.conf', '99-b.conf', 'Z.conf', 'a.json'])
  })

  it('a broken first file is what containerd uses (and fails on); CRI-O moves on to the next valid one', () => {
    const active = selectActiveCniConfig([fixture('10-flannel.conflist'), {name: '00-broken.conflist', content: '{"name":'}])
    assert.equal(active.active?.file, '00-broken.conflist')
    assert.ok(active.active!.errors.length > 0)
    assert.equal(active.firstValid?.file, '10-flannel.conflist')
  })

  it('uses base names when given paths', () => {
    const active = selectActiveCniConfig([{name: '/etc/cni/net.d/20-b.conf', content: '{"name":"b","type":"bridge"}'}, {name: '/etc/cni/net.d/10-a.conf', content: '{"name":"a","type":"ptp"}'}])
    assert.equal(active.active?.name, 'a')
  })

  it('an empty directory has no active config', () => {
    const active = selectActiveCniConfig([])
    assert.equal(active.active, undefined)
    assert.equal(active.firstValid, undefined)
  })
})

describe('isCniConfigFile / missingCniBinaries', () => {
  const names: Array<[string, boolean]> = [
    ['10-flannel.conflist', true],
    ['10-bridge.conf', true],
    ['87-podman.json', true],
    ['.conf', true],
    ['10-calico.conflist.bak', false],
    ['calico-kubeconfig', false],
    ['multus.d', false],
    ['10-x.CONF', false],
  ]
  for (const [name, expected] of names) it(`${name} -> ${expected}`, () => assert.equal(isCniConfigFile(name), expected))

  it('names binaries the config needs that no bin dir has', () => {
    const config = parseCniConfig(fixture('10-flannel.conflist'))
    assert.deepEqual(missingCniBinaries(config, ['/opt/cni/bin/flannel', 'portmap', 'loopback']), ['bridge', 'host-local'])
    assert.deepEqual(missingCniBinaries(config, ['flannel', 'bridge', 'host-local', 'portmap']), [])
  })
})
