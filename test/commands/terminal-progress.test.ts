import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createServer, type Server, type Socket} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {writeKubeconfig} from '../helpers/kubeconfig.js'

const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** Runs the CLI under script(1), so stdout and stderr are a terminal, and returns what the terminal showed. */
function onTerminal(args: string[], env: Record<string, string>): Promise<{status: number; output: string}> {
  const command = `stty cols 100 rows 40; ${[process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (status) => resolve({status: status ?? -1, output}))
  })
}

describe('on a terminal', () => {
  // An API server that accepts connections and never answers: the case where a silent wait is worst.
  let server: Server
  let url = ''
  const sockets = new Set<Socket>()
  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as {port: number}).port}`
  })
  after(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })

  it('a progress line names the API server while netdiag waits for it; the error still ends the run (exit 3)', async () => {
    const r = await onTerminal(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfig({server: url}), '--request-timeout', '2s'], {TERM: 'xterm'})
    assert.equal(r.status, 3, r.output)
    assert.match(r.output, new RegExp(`connecting to ${url.replace(/[.:/]/g, '\\$&')} \\(context test\\)`))
    assert.match(r.output, /error: the API server did not answer within 2s to get version/)
  })

  it('TERM=dumb: no spinner (no cursor control), only the error', async () => {
    const r = await onTerminal(['dns', '-n', 'shop', '--kubeconfig', writeKubeconfig({server: url}), '--request-timeout', '1s'], {TERM: 'dumb'})
    assert.equal(r.status, 3, r.output)
    assert.doesNotMatch(r.output, /connecting to|\u001b\[/)
    assert.match(r.output, /^error: the API server did not answer within 1s/)
  })
})
