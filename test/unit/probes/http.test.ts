import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {curlCommand, describeOutcome, parseCurl} from '../../../src/probes/http.js'

describe('curlCommand', () => {
  it('http: connects to the address and sends the Host header; no URL globbing, body discarded, status on a marker line', () => {
    const argv = curlCommand({scheme: 'http', address: '10.96.0.80', port: 80, host: 'shop.netdiag.test', path: '/cart', timeoutSeconds: 6})
    assert.deepEqual(argv.slice(0, 5), ['curl', '-sS', '-g', '-o', '/dev/null'])
    assert.ok(argv.includes('--max-time') && argv[argv.indexOf('--max-time') + 1] === '6')
    assert.equal(argv[argv.indexOf('-H') + 1], 'Host: shop.netdiag.test')
    assert.equal(argv.at(-1), 'http://10.96.0.80:80/cart')
    assert.equal(argv[argv.indexOf('-w') + 1], 'netdiag-http %{http_code}\\n')
  })
  it('https: the host is the SNI and Host (--resolve host:port:address), certificate not verified', () => {
    const argv = curlCommand({scheme: 'https', address: '10.96.0.80', port: 443, host: 'shop.netdiag.test:443', path: '/', timeoutSeconds: 6})
    assert.ok(argv.includes('-k'))
    assert.equal(argv[argv.indexOf('--resolve') + 1], 'shop.netdiag.test:443:10.96.0.80')
    assert.equal(argv.at(-1), 'https://shop.netdiag.test:443/')
    assert.ok(!argv.includes('-H'))
  })
  it('brackets IPv6 addresses; without a host sends none; encodes the path once', () => {
    const argv = curlCommand({scheme: 'http', address: 'fd00::5', port: 8080, path: '/a b/%41', timeoutSeconds: 4})
    assert.equal(argv.at(-1), 'http://[fd00::5]:8080/a%20b/A')
    assert.ok(!argv.includes('-H'))
    const tls = curlCommand({scheme: 'https', address: 'fd00::5', port: 443, host: 'h.test', path: '/', timeoutSeconds: 4})
    assert.equal(tls[tls.indexOf('--resolve') + 1], 'h.test:443:[fd00::5]')
  })
})

describe('parseCurl', () => {
  // stdout/stderr/exit codes as curl 7.88.1 (Debian bookworm, the probe image's curl) prints them.
  const cases: Array<[string, string, string, number, boolean, string]> = [
    ['200', 'netdiag-http 200\n', '', 0, false, 'HTTP 200'],
    ['404 from a controller', 'netdiag-http 404\n', '', 0, false, 'HTTP 404'],
    ['503', 'netdiag-http 503\n', '', 0, false, 'HTTP 503'],
    ['exit 7 (refused and unreachable print the same)', 'netdiag-http 000\n', "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server\n", 7, false, "connect-failed (Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server)"],
    ['explicit refused', 'netdiag-http 000\n', 'curl: (7) Failed to connect to 10.0.0.1 port 80: Connection refused\n', 7, false, 'refused (Failed to connect to 10.0.0.1 port 80: Connection refused)'],
    ['timeout', 'netdiag-http 000\n', 'curl: (28) Connection timed out after 3001 milliseconds\n', 28, false, 'timeout (Connection timed out after 3001 milliseconds)'],
    ['dns', 'netdiag-http 000\n', 'curl: (6) Could not resolve host: nonexist.invalid\n', 6, false, 'dns (Could not resolve host: nonexist.invalid)'],
    ['empty reply', 'netdiag-http 000\n', 'curl: (52) Empty reply from server\n', 52, false, 'empty-reply (Empty reply from server)'],
    ['reset', 'netdiag-http 000\n', 'curl: (56) Recv failure: Connection reset by peer\n', 56, false, 'reset (Recv failure: Connection reset by peer)'],
    ['tls', 'netdiag-http 000\n', 'curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number\n', 35, false, 'tls (OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number)'],
    ['exec timed out', '', '', 137, true, 'timeout (the probe timed out)'],
    ['no curl', '', 'sh: curl: not found', 127, false, 'curl not found in the probe image'],
    ['exit 0 but no marker is not a response', 'garbage', '', 0, false, 'other (curl exited with 0)'],
  ]
  for (const [name, stdout, stderr, exit, timedOut, expected] of cases) {
    it(name, () => assert.equal(describeOutcome(parseCurl(stdout, stderr, exit, timedOut)), expected))
  }
})
