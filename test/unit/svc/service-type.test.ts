import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {worstStatus} from '../../../src/analysis/node/finding.js'
import {summarizeEndpointSlices} from '../../../src/analysis/svc/endpoint-slices.js'
import {serviceKind, serviceTypeFindings} from '../../../src/analysis/svc/service-type.js'
import type {Pod, Service} from '../../../src/cluster/types.js'
import {backendPods, endpointSlice, pod, service} from '../../helpers/svc-fixtures.js'

function run(svc: Service, options: {pods?: Pod[]; slices?: boolean; clientNode?: string; nodes?: string[]} = {}) {
  const pods = options.pods ?? backendPods()
  const slices = summarizeEndpointSlices(options.slices === false ? [] : [endpointSlice(pods)], svc.spec?.ports ?? [])
  return serviceTypeFindings({service: svc, pods, slices, ...(options.clientNode ? {clientNode: options.clientNode} : {}), ...(options.nodes ? {nodes: options.nodes} : {})})
}

const statefulPod = (name: string, subdomain?: string) => {
  const p = pod({name, labels: {app: 'db', 'statefulset.kubernetes.io/pod-name': name}, deployment: null})
  p.metadata!.ownerReferences = [{apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'sts-db-uid', controller: true}]
  if (subdomain) p.spec!.subdomain = subdomain
  return p
}

describe('serviceTypeFindings', () => {
  const table: Array<[string, Service, Parameters<typeof run>[1], 'pass' | 'warn' | 'fail', string, RegExp]> = [
    ['plain ClusterIP', service(), {}, 'pass', 'type', /ClusterIP Service shop\/backend with ClusterIP 10\.96\.41\.17/],
    ['ExternalName to a DNS name', service({spec: {type: 'ExternalName', externalName: 'db.example.com', clusterIP: undefined, clusterIPs: undefined, selector: undefined}}), {}, 'pass', 'externalname.ok', /CNAME to db\.example\.com/],
    ['ExternalName to an IP', service({spec: {type: 'ExternalName', externalName: '10.20.30.40', selector: undefined}}), {}, 'fail', 'externalname.ip', /points at the IP 10\.20\.30\.40/],
    ['headless', service({spec: {clusterIP: 'None', clusterIPs: ['None']}}), {}, 'pass', 'headless', /DNS returns the ready pods' IPs/],
    ['headless publishNotReadyAddresses', service({spec: {clusterIP: 'None', publishNotReadyAddresses: true}}), {}, 'warn', 'headless.publish-not-ready', /also returns pods that are not ready/],
    ['headless, StatefulSet serviceName differs', service({name: 'db', spec: {clusterIP: 'None', selector: {app: 'db'}}}), {pods: [statefulPod('db-0', 'db-headless')]}, 'warn', 'headless.statefulset-service-name', /subdomain db-headless, not db: per-pod names like db-0\.db\.shop\.svc do not resolve/],
    ['headless, StatefulSet matches', service({name: 'db', spec: {clusterIP: 'None', selector: {app: 'db'}}}), {pods: [statefulPod('db-0', 'db')]}, 'pass', 'headless.statefulset', /per-pod DNS names under db/],
    ['LoadBalancer pending', service({spec: {type: 'LoadBalancer', ports: [{name: 'http', port: 80, targetPort: 'http', nodePort: 31380}]}}), {}, 'warn', 'loadbalancer.pending', /EXTERNAL-IP <pending>/],
    ['LoadBalancer with ingress', service({spec: {type: 'LoadBalancer'}, status: {loadBalancer: {ingress: [{ip: '203.0.113.10'}]}}}), {}, 'pass', 'loadbalancer.ingress', /203\.0\.113\.10/],
    ['NodePort outside the default range', service({spec: {type: 'NodePort', ports: [{name: 'http', port: 80, targetPort: 'http', nodePort: 8080}]}}), {}, 'warn', 'nodeport.range', /nodePort 8080 is outside the default range 30000-32767/],
    ['selector-less without endpoints', service({spec: {selector: undefined}}), {slices: false}, 'fail', 'selectorless.no-endpoints', /no selector and no EndpointSlice/],
    ['selector-less with manual endpoints', service({spec: {selector: {}}}), {}, 'pass', 'selectorless', /2 endpoint address\(es\) are managed/],
    ['internalTrafficPolicy Local, client node without endpoint', service({spec: {internalTrafficPolicy: 'Local'}}), {clientNode: 'kind-worker3'}, 'fail', 'traffic-policy.internal-local', /client's node kind-worker3 has no ready endpoint for port http \(endpoints on kind-worker, kind-worker2\)/],
    ['internalTrafficPolicy Local, client node has one', service({spec: {internalTrafficPolicy: 'Local'}}), {clientNode: 'kind-worker', nodes: ['kind-worker', 'kind-worker2']}, 'pass', 'type', /ClusterIP/],
    ['internalTrafficPolicy Local, nodes without endpoints', service({spec: {internalTrafficPolicy: 'Local'}}), {nodes: ['kind-worker', 'kind-worker2', 'kind-worker3']}, 'warn', 'traffic-policy.internal-local', /pods on kind-worker3 get no answer/],
    ['externalTrafficPolicy Local on NodePort', service({spec: {type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{name: 'http', port: 80, targetPort: 'http', nodePort: 30080}]}}), {nodes: ['kind-control-plane', 'kind-worker', 'kind-worker2']}, 'warn', 'traffic-policy.external-local', /nodes kind-control-plane have no ready endpoint/],
    ['sessionAffinity ClientIP', service({spec: {sessionAffinity: 'ClientIP', sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}}}), {}, 'pass', 'session-affinity', /ClientIP \(600s\)/],
  ]
  for (const [name, svc, options, status, code, message] of table) {
    it(name, () => {
      const findings = run(svc, options)
      assert.equal(worstStatus(findings), status, JSON.stringify(findings))
      const finding = findings.find((f) => f.code === code)
      assert.ok(finding, `no ${code} in ${findings.map((f) => f.code).join(',')}`)
      assert.match(finding.message, message)
    })
  }
  it('kinds', () => {
    assert.equal(serviceKind(service()), 'ClusterIP')
    assert.equal(serviceKind(service({spec: {clusterIP: 'None'}})), 'headless')
    assert.equal(serviceKind(service({spec: {type: 'NodePort'}})), 'NodePort')
    assert.equal(serviceKind(service({spec: {type: 'ExternalName'}})), 'ExternalName')
  })
})
