import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'

import {assertNoNetdiagPodsLeft, check, kubectlOk, netdiag, netdiagPods, PROBE_IMAGE, skipWithoutCluster, withNamespace} from './helpers.js'

describe('e2e: debug pods where the cluster pushes back', {skip: skipWithoutCluster}, () => {
  after(async () => assertNoNetdiagPodsLeft())

  it('a namespace that enforces Pod Security "restricted" still gets DNS probes (the probe pod is restricted-compliant)', async () => {
    await withNamespace('psa', async (namespace) => {
      kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted'])
      const run = netdiag(['dns', '-n', namespace, '--image', PROBE_IMAGE, '--external-name=none', '-o', 'json'])
      assert.equal(run.exitCode, 0, run.stderr + run.stdout)
      assert.equal(check(run.report, 'dns.probe.internal').status, 'pass')
      assert.equal(netdiagPods(namespace).length, 0)
    })
  })

  it('node checks in such a namespace: one error naming the level, the violations and --node-namespace, no hang', async () => {
    await withNamespace('psa-node', async (namespace) => {
      kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted'])
      const run = netdiag(['node', 'netdiag-node1', '--node-namespace', namespace, '--image', PROBE_IMAGE, '-o', 'json'])
      const source = check(run.report, 'node.probe.source')
      assert.equal(source.status, 'error', JSON.stringify(source))
      assert.match(source.summary, new RegExp(`namespace ${namespace} enforces Pod Security "restricted:latest", which rejects the debug pod \\(host namespaces; privileged`))
      assert.match(source.summary, /--node-namespace/)
      assert.equal(check(run.report, 'node.probe.cni').skippedBecause, 'node.probe.source')
    })
  })

  it('an image that cannot be pulled fails fast with the reason and the flag, and the pod is deleted', async () => {
    await withNamespace('pull', async (namespace) => {
      const started = Date.now()
      const run = netdiag(['dns', '-n', namespace, '--image', 'localhost/netdiag-missing:1', '--external-name=none', '--timeout', '120s', '-o', 'json'])
      const source = check(run.report, 'dns.probe.source')
      assert.equal(source.status, 'error', JSON.stringify(source))
      assert.match(source.summary, /cannot pull image localhost\/netdiag-missing:1 \((ErrImagePull|ImagePullBackOff)/)
      assert.match(source.summary, /use --image/)
      assert.equal(run.report!.status, 'error')
      assert.ok(Date.now() - started < 60_000, 'a pull failure is reported, not waited out until --timeout')
      assert.equal(netdiagPods(namespace).length, 0)
    })
  })
})
