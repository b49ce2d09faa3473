import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {interpretPortMatrix, type ConnectAttempt, type PortMatrix} from '../../../src/analysis/svc/probe-matrix.js'

const cip = (outcome: ConnectAttempt['outcome']): ConnectAttempt => ({host: '10.96.41.17', port: 80, outcome})
const ep = (n: number, outcome: ConnectAttempt['outcome'], node = `kind-worker${n === 1 ? '' : n}`): ConnectAttempt => ({host: `10.244.${n}.23`, port: 8080, outcome, pod: `backend-${n}`, node})
const base = {label: 'shop/backend port http', protocol: 'TCP'}

describe('interpretPortMatrix', () => {
  const table: Array<[string, Partial<PortMatrix>, string, string, RegExp]> = [
    ['everything answers', {clusterIp: cip('connected'), endpoints: [ep(1, 'connected'), ep(2, 'connected')]}, 'ok', 'pass', /ClusterIP 10\.96\.41\.17:80 and 2 backend\(s\) accept connections/],
    ['endpoints answer, ClusterIP times out -> dataplane', {clusterIp: cip('timeout'), endpoints: [ep(1, 'connected')], clientNode: 'kind-worker3'}, 'dataplane', 'fail', /every backend answers directly but ClusterIP 10\.96\.41\.17:80 times out: the Service dataplane \(kube-proxy rules on kind-worker3\)/],
    ['endpoints answer, ClusterIP refused -> dataplane', {clusterIp: cip('refused'), endpoints: [ep(1, 'connected')]}, 'dataplane', 'fail', /ClusterIP 10\.96\.41\.17:80 is refused/],
    ['all endpoints refuse -> nothing listens', {clusterIp: cip('refused'), endpoints: [ep(1, 'refused'), ep(2, 'refused')]}, 'nothing-listening', 'fail', /nothing listens on the targetPort in any backend: pod backend-1 10\.244\.1\.23:8080 on kind-worker, pod backend-2/],
    ['one endpoint refuses -> intermittent', {clusterIp: cip('connected'), endpoints: [ep(1, 'connected'), ep(2, 'refused')]}, 'nothing-listening', 'fail', /in 1 of 2 backends: pod backend-2 .* intermittently/],
    ['the only backend node drops it -> that node is named, with the node command', {clusterIp: cip('timeout'), endpoints: [ep(2, 'timeout')], clientNode: 'kind-worker'}, 'endpoint-timeout', 'fail', /between kind-worker and kind-worker2, where it is dropped on or next to that node \(a node firewall rule there shows in kubectl netdiag node kind-worker2\)/],
    ['all endpoints time out -> policy or pod network', {clusterIp: cip('timeout'), endpoints: [ep(1, 'timeout'), ep(2, 'timeout')]}, 'endpoint-timeout', 'fail', /every backend time out .*a NetworkPolicy, or the pod network, drops the traffic/],
    ['timeouts with a blocking policy', {clusterIp: cip('timeout'), endpoints: [ep(1, 'timeout')], policyBlocks: true}, 'endpoint-timeout', 'fail', /a NetworkPolicy drops it \(see svc\.policy\)/],
    ['only another node times out -> cross-node', {clusterIp: cip('connected'), endpoints: [ep(1, 'connected'), ep(2, 'timeout')]}, 'cross-node', 'fail', /backends on kind-worker2 time out while those on kind-worker answer: the pod network/],
    ['unreachable counts as silent', {endpoints: [ep(1, 'unreachable')]}, 'endpoint-timeout', 'fail', /every backend times out/],
    ['no endpoints, ClusterIP refused', {clusterIp: cip('refused'), endpoints: []}, 'no-endpoints', 'fail', /no ready endpoint; ClusterIP 10\.96\.41\.17:80 is refused \(kube-proxy rejects/],
    ['headless without endpoints', {endpoints: []}, 'no-endpoints', 'fail', /no ready endpoint to probe/],
    ['headless, endpoints answer', {endpoints: [ep(1, 'connected')]}, 'ok', 'pass', /^shop\/backend port http: 1 backend\(s\) accept/],
    ['nc without -z', {clusterIp: cip('connected'), endpoints: [ep(1, 'unsupported')]}, 'inconclusive', 'warn', /could not tell for pod backend-1/],
    ['UDP without rejection', {protocol: 'UDP', clusterIp: cip('udp-no-rejection'), endpoints: [ep(1, 'udp-no-rejection')]}, 'udp-unconfirmed', 'pass', /UDP cannot prove a listener/],
    ['UDP refusal is conclusive', {protocol: 'UDP', clusterIp: cip('udp-no-rejection'), endpoints: [ep(1, 'refused')]}, 'nothing-listening', 'fail', /nothing listens/],
    ['capped endpoints are mentioned', {clusterIp: cip('connected'), endpoints: [ep(1, 'connected')], skippedEndpoints: 4}, 'ok', 'pass', /\(4 more not probed\)/],
  ]
  for (const [name, input, verdict, status, summary] of table) {
    it(name, () => {
      const r = interpretPortMatrix({...base, endpoints: [], ...input} as PortMatrix)
      assert.equal(r.verdict, verdict)
      assert.equal(r.status, status)
      assert.match(r.summary, summary)
    })
  }
  it('refusal outranks timeouts and names the pod in the remediation', () => {
    const r = interpretPortMatrix({...base, clusterIp: cip('timeout'), endpoints: [ep(1, 'timeout'), ep(2, 'refused')]})
    assert.equal(r.verdict, 'nothing-listening')
    assert.match(r.remediation!, /kubectl exec -n <ns> backend-2 -- ss -ltnup.*0\.0\.0\.0:8080/)
    assert.deepEqual(r.evidence.map((e) => e.pod), ['backend-2'])
  })
})
