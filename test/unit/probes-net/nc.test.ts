import {describe, it} from 'node:test'
import assert from 'node:assert/strict'

import {ncCommand, parseNc, UDP_PROBE_CAVEAT, type NcOutcome} from '../../../src/probes/net.js'
import {captured} from './fixtures.js'

describe('ncCommand', () => {
  it('TCP and UDP', () => {
    assert.deepEqual(ncCommand({host: '10.0.0.1', port: 80}), ['nc', '-z', '-v', '-w', '3', '10.0.0.1', '80'])
    assert.deepEqual(ncCommand({host: '10.0.0.1', port: 53, udp: true, timeoutSeconds: 2}), ['nc', '-z', '-v', '-w', '2', '-u', '10.0.0.1', '53'])
  })
})

describe('parseNc on real OpenBSD netcat and busybox output', () => {
  const cases: Array<{file: string; udp?: boolean; outcome: NcOutcome; flavor: string; message?: RegExp; service?: string}> = [
    {file: 'nc-ok.txt', outcome: 'connected', flavor: 'openbsd', message: /^Connection to 10.200.2.2 80 port \[tcp\/http\] succeeded!$/, service: 'http'},
    {file: 'nc-refused.txt', outcome: 'refused', flavor: 'openbsd', message: /port 81 \(tcp\) failed: Connection refused/},
    {file: 'nc-refused-8080.txt', outcome: 'refused', flavor: 'openbsd'},
    {file: 'nc-refused-8443.txt', outcome: 'refused', flavor: 'openbsd'},
    {file: 'nc-timeout-arp.txt', outcome: 'timeout', flavor: 'openbsd', message: /timed out: Operation now in progress/},
    {file: 'nc-blackhole-timeout.txt', outcome: 'timeout', flavor: 'openbsd'},
    {file: 'nc-netunreach.txt', outcome: 'unreachable', flavor: 'openbsd', message: /Network is unreachable/},
    {file: 'nc-prohibit.txt', outcome: 'unreachable', flavor: 'openbsd', message: /No route to host/},
    {file: 'nc-hostunreach2.txt', outcome: 'unreachable', flavor: 'openbsd'},
    {file: 'nc-unknown-host.txt', outcome: 'unknown-host', flavor: 'openbsd', message: /getaddrinfo for host "nonexistent.invalid"/},
    {file: 'nc-udp-open.txt', udp: true, outcome: 'udp-no-rejection', flavor: 'openbsd', service: 'domain'},
    {file: 'nc-udp-closed.txt', udp: true, outcome: 'refused', flavor: 'unknown'},
    {file: 'bb-nc-no-z.txt', outcome: 'unsupported', flavor: 'busybox', message: /invalid option -- 'z'/},
    {file: 'bb-nc-plain-refused.txt', outcome: 'refused', flavor: 'busybox', message: /can't connect to remote host \(10.200.2.2\): Connection refused/},
  ]
  for (const c of cases) {
    it(c.file, () => {
      const {output, exitCode} = captured(c.file)
      const r = parseNc(output, {exitCode, udp: c.udp})
      assert.equal(r.outcome, c.outcome)
      assert.equal(r.flavor, c.flavor)
      if (c.message) assert.match(r.message ?? '', c.message)
      if (c.service) assert.equal(r.service, c.service)
      assert.equal(r.caveat, c.outcome === 'udp-no-rejection' ? UDP_PROBE_CAVEAT : undefined)
    })
  }
})

describe('parseNc on shapes from busybox source (nc_bloaty.c) and edge cases', () => {
  const cases: Array<{what: string; output: string; exitCode: number; udp?: boolean; timedOut?: boolean; outcome: NcOutcome; flavor?: string}> = [
    {what: 'busybox -z -v open', output: '10.0.0.1 (10.0.0.1:80) open\n', exitCode: 0, outcome: 'connected', flavor: 'busybox'},
    {what: 'busybox -z -v udp open', output: '10.0.0.1 (10.0.0.1:53) open\n', exitCode: 0, udp: true, outcome: 'udp-no-rejection', flavor: 'busybox'},
    {what: 'busybox timeout', output: 'nc: 10.0.0.1 (10.0.0.1:81): Connection timed out\n', exitCode: 1, outcome: 'timeout', flavor: 'busybox'},
    {what: 'busybox -vv refusal', output: 'nc: 10.0.0.1 (10.0.0.1:81): Connection refused\n', exitCode: 1, outcome: 'refused', flavor: 'busybox'},
    {what: 'busybox small nc -w timeout', output: 'nc: timed out\n', exitCode: 1, outcome: 'timeout', flavor: 'busybox'},
    {what: 'busybox bad address', output: "nc: bad address 'web.shop'\n", exitCode: 1, outcome: 'unknown-host', flavor: 'busybox'},
    {what: 'silent success', output: '', exitCode: 0, outcome: 'connected'},
    {what: 'silent failure killed by our timeout', output: '', exitCode: 137, timedOut: true, outcome: 'timeout'},
    {what: 'silent failure (busybox hides refusals at -v)', output: '', exitCode: 1, outcome: 'unknown'},
    {what: 'unrecognised text with exit 0', output: 'something else\n', exitCode: 0, outcome: 'connected', flavor: 'unknown'},
  ]
  for (const c of cases) {
    it(c.what, () => {
      const r = parseNc(c.output, {exitCode: c.exitCode, udp: c.udp, timedOut: c.timedOut})
      assert.equal(r.outcome, c.outcome)
      if (c.flavor) assert.equal(r.flavor, c.flavor)
    })
  }
})
