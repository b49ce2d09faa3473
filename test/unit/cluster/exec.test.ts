import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {execInContainer, exitCodeOf} from '../../../src/cluster/exec.js'
import {loadConnection} from '../../../src/cluster/kubeconfig.js'
import {fakeSocketFactory} from '../../helpers/fake-socket.js'
import {writeKubeconfig} from '../../helpers/kubeconfig.js'

const target = () => ({kubeConfig: loadConnection({kubeconfig: writeKubeconfig()}).kubeConfig, namespace: 'shop', pod: 'netdiag-1', container: 'probe'})

describe('execInContainer', () => {
  it('collects stdout/stderr and resolves on the Success status', async () => {
    const seen: string[] = []
    const result = await execInContainer(target(), ['dig', '+short', 'kubernetes.default'], 1000, fakeSocketFactory({stdout: '10.96.0.1\n', stderr: 'warn\n', status: {status: 'Success'}}, seen))
    assert.equal(result.exitCode, 0)
    assert.equal(result.stdout, '10.96.0.1\n')
    assert.equal(result.stderr, 'warn\n')
    assert.equal(result.timedOut, false)
    assert.match(seen[0], /^\/api\/v1\/namespaces\/shop\/pods\/netdiag-1\/exec\?/)
    assert.match(seen[0], /command=dig&command=%2Bshort&command=kubernetes\.default/)
    assert.match(seen[0], /container=probe/)
  })

  it('reads a non-zero exit code from the status causes', async () => {
    const status = {status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code: error executing command [nc -z 10.0.0.1 80], exit code 1', details: {causes: [{reason: 'ExitCode', message: '1'}]}}
    const result = await execInContainer(target(), ['nc', '-z', '10.0.0.1', '80'], 1000, fakeSocketFactory({stderr: 'nc: connect failed', status}))
    assert.equal(result.exitCode, 1)
    assert.equal(result.stderr, 'nc: connect failed')
  })

  it('resolves on socket close when no status is ever sent', async () => {
    const result = await execInContainer(target(), ['true'], 1000, fakeSocketFactory({stdout: 'x'}))
    assert.equal(result.exitCode, 0)
    assert.equal(result.stdout, 'x')
  })

  it('times out, closes the socket and reports exit 124', async () => {
    const factory = fakeSocketFactory({hang: true})
    const result = await execInContainer(target(), ['sleep', '100'], 50, factory)
    assert.equal(result.timedOut, true)
    assert.equal(result.exitCode, 124)
    assert.ok(factory.closed())
  })

  it('maps a refused websocket upgrade (403) to a forbidden error naming pods/exec', async () => {
    const factory = {connect: async () => Promise.reject(new Error('Unexpected server response: 403'))}
    await assert.rejects(execInContainer(target(), ['true'], 1000, factory), /forbidden: cannot create pods\/exec\/netdiag-1 in namespace shop/)
  })
})

describe('exitCodeOf', () => {
  it('maps statuses', () => {
    assert.equal(exitCodeOf({status: 'Success'}, 'status'), 0)
    assert.equal(exitCodeOf({status: 'Failure', details: {causes: [{reason: 'ExitCode', message: '137'}]}}, 'status'), 137)
    assert.equal(exitCodeOf({status: 'Failure', message: 'OCI runtime exec failed: exec: "dig": executable file not found in $PATH'}, 'status'), 127)
    assert.equal(exitCodeOf({status: 'Failure', message: 'something else'}, 'status'), 1)
    assert.equal(exitCodeOf(undefined, 'error'), 1)
  })
})
