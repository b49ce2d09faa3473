import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'

import {writeTempFile} from '../helpers/files.js'
import {check, KUBECONFIG, kubectl, kubectlOk, netdiag, skipWithoutCluster, withNamespace} from './helpers.js'

// kubectl's manners on the real API server: -v logs calls without credentials, --as impersonates on every
// request (the API server's own authorizer answers for the impersonated user), a snapshot without kube-system
// is unknown rather than wrong, and svc --from-pod takes NS/NAME.
describe('kubectl manners on the real cluster', {skip: skipWithoutCluster}, () => {
  it('-v 6 logs each API call with its status, never a credential from the kubeconfig', () => {
    const r = netdiag(['dns', '-n', 'default', '--no-probe', '-o', 'json', '-v', '6'])
    assert.ok(r.report, r.stderr)
    const lines = r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('GET '))
    assert.ok(lines.length >= 10, r.stderr)
    for (const line of lines) assert.match(line, /^GET https:\/\/\S+ \d{3} .* in \d+ milliseconds$/)
    const kubeconfig = readFileSync(KUBECONFIG, 'utf8')
    for (const secret of kubeconfig.match(/(token|client-key-data|client-certificate-data): *(\S+)/g) ?? []) {
      assert.ok(!r.stderr.includes(secret.split(/: */)[1]!.slice(0, 40)), 'a credential reached stderr')
    }
  })

  it('--as a ServiceAccount without roles: the reads it may not make are named as forbidden, no root cause from them', () => {
    const r = netdiag(['dns', '-n', 'default', '--no-probe', '-o', 'json', '--as', 'system:serviceaccount:default:netdiag-e2e-nobody'])
    // Without get on namespaces the first read is refused: one line, exit 3, naming the verb and resource.
    assert.equal(r.exitCode, 3, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^error: forbidden: cannot get namespaces\/default \(403\)/)
    assert.equal(r.stderr.trimEnd().split('\n').length, 1)
  })

  it('--as-group system:masters works like the admin it impersonates', () => {
    const r = netdiag(['dns', '-n', 'default', '--no-probe', '-o', 'json', '--as', 'e2e-admin', '--as-group', 'system:masters'])
    assert.ok(r.report, r.stderr)
    assert.equal(check(r.report, 'dns.pods').status, 'pass')
  })

  it('a snapshot of one namespace (kubectl get -n) claims nothing about CoreDNS', async () => {
    await withNamespace('manners', (namespace) => {
      kubectlOk(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', namespace])
      const text = kubectlOk(['get', 'pods,services', '-n', namespace, '-o', 'json'])
      const r = netdiag(['dns', '-n', namespace, '--snapshot', writeTempFile('cluster.json', text), '-o', 'json'])
      assert.equal(r.exitCode, 0, r.stderr)
      assert.equal(r.report?.diagnosis.rootCause, null)
      assert.match(check(r.report, 'dns.pods').summary, /^unknown: whether CoreDNS runs: the snapshot holds no Pod or Deployment in namespace kube-system/)
    })
  })

  it('svc --from-pod NS/NAME: a client in another namespace (#13 item 7)', async () => {
    await withNamespace('manners-svc', async (namespace) => {
      await withNamespace('manners-client', (clientNs) => {
        kubectlOk(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', namespace])
        kubectlOk(['run', 'client', '-n', clientNs, '--image=registry.k8s.io/pause:3.10', '--restart=Never'])
        const r = netdiag(['svc', 'web', '-n', namespace, '--from-pod', `${clientNs}/client`, '--no-probe', '-o', 'json'])
        assert.ok(r.report, r.stderr)
        assert.deepEqual(r.report.target, {namespace, name: 'web', fromPod: 'client', fromPodNamespace: clientNs})
        kubectl(['delete', 'pod', 'client', '-n', clientNs, '--wait=false'])
      })
    })
  })
})
