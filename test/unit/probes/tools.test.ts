import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {detectToolsCommand, hasTool, parseToolSet, PROBE_TOOLS} from '../../../src/probes/tools.js'

// Real outputs of the detection script: netshoot-like Debian image (dash), an Alpine-style busybox with
// symlinked applets, and the official busybox image where applets are hard links (no readlink hint).
const DEBIAN = `netdiag-tool dig /usr/bin/dig native
netdiag-tool nslookup /usr/bin/nslookup native
netdiag-tool nc /usr/bin/nc native
netdiag-tool ping /usr/bin/ping native
netdiag-tool tracepath /usr/bin/tracepath native
netdiag-tool traceroute /usr/sbin/traceroute native
netdiag-tool ip /usr/sbin/ip native
netdiag-tool curl /usr/bin/curl native
netdiag-tool wget /usr/bin/wget native
netdiag-tools-end
`
const BUSYBOX_SYMLINKS = `netdiag-tool nslookup /bin/nslookup busybox
netdiag-tool nc /bin/nc busybox
netdiag-tool ping /bin/ping busybox
netdiag-tool traceroute /bin/traceroute busybox
netdiag-tool ip /bin/ip busybox
netdiag-tool wget /bin/wget busybox
netdiag-tools-end
`
const BUSYBOX_HARDLINKS = `netdiag-tool nslookup /bin/nslookup busybox
netdiag-tool nc /bin/nc busybox
netdiag-tools-end
`

describe('detectToolsCommand', () => {
  it('is one sh -c script checking every tool, one command -v each (busybox ash reports only the first operand)', () => {
    const [sh, flag, script] = detectToolsCommand()
    assert.deepEqual([sh, flag], ['sh', '-c'])
    assert.match(script, new RegExp(`for t in ${PROBE_TOOLS.join(' ')}; do`))
    assert.match(script, /command -v "\$t"/)
    assert.match(script, /<\/dev\/null/)
    assert.match(script, /echo netdiag-tools-end$/)
    assert.doesNotMatch(script, /\[\[|function |\$\(\(|local /, 'bashisms')
  })
})

describe('parseToolSet', () => {
  it('Debian image: everything native', () => {
    const t = parseToolSet(DEBIAN)
    assert.equal(t.complete, true)
    assert.deepEqual(Object.keys(t.available), [...PROBE_TOOLS])
    assert.deepEqual(t.available.dig, {path: '/usr/bin/dig', busybox: false})
    assert.deepEqual(t.available.nslookup, {path: '/usr/bin/nslookup', busybox: false})
  })
  it('busybox with symlinks: no dig, busybox nslookup', () => {
    const t = parseToolSet(BUSYBOX_SYMLINKS)
    assert.equal(hasTool(t, 'dig'), false)
    assert.equal(hasTool(t, 'curl'), false)
    assert.deepEqual(t.available.nslookup, {path: '/bin/nslookup', busybox: true})
    assert.equal(t.available.wget?.busybox, true)
  })
  it('busybox with hard links: flavour from the banner', () => {
    const t = parseToolSet(BUSYBOX_HARDLINKS)
    assert.deepEqual(Object.keys(t.available), ['nslookup', 'nc'])
    assert.equal(t.available.nc?.busybox, true)
  })
  it('truncated output is marked incomplete', () => {
    const t = parseToolSet('netdiag-tool dig /usr/bin/dig native\n')
    assert.equal(t.complete, false)
    assert.equal(hasTool(t, 'dig'), true)
  })
  it('noise, unknown tools and short lines are ignored', () => {
    const t = parseToolSet('sh: 1: something: not found\nnetdiag-tool telnet /usr/bin/telnet native\nnetdiag-tool dig\nnetdiag-tools-end\n')
    assert.deepEqual(t, {available: {}, complete: true})
  })
  it('empty output: nothing, incomplete', () => assert.deepEqual(parseToolSet(''), {available: {}, complete: false}))
})
