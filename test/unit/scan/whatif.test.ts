import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parseDeletion} from '../../../src/analysis/whatif/identity.js'
import {diffFindings, diffFlows, whatIfDiff} from '../../../src/analysis/whatif/diff.js'
import {endpointSlicesFor, podFromWorkload} from '../../../src/analysis/whatif/synthesize.js'
import {makeFinding} from '../../../src/analysis/scan/findings.js'
import {parseOverlayText} from '../../../src/cluster/overlay-files.js'
import {OverlayClusterView} from '../../../src/cluster/overlay-view.js'
import {SnapshotClusterView} from '../../../src/cluster/snapshot-view.js'
import {backendPods, endpointSlice, namespace, networkPolicy, pod, service} from '../../helpers/svc-fixtures.js'

describe('--without KIND/NS/NAME', () => {
  const cases: Array<[string, unknown]> = [
    ['networkpolicy/shop/lockdown', {group: 'networking.k8s.io', kind: 'NetworkPolicy', namespace: 'shop', name: 'lockdown'}],
    ['netpol/lockdown', {group: 'networking.k8s.io', kind: 'NetworkPolicy', namespace: 'default', name: 'lockdown'}],
    ['networkpolicies.projectcalico.org/shop/x', {group: 'projectcalico.org', kind: 'NetworkPolicy', namespace: 'shop', name: 'x'}],
    ['svc/shop/backend', {group: '', kind: 'Service', namespace: 'shop', name: 'backend'}],
    ['ns/shop', {group: '', kind: 'Namespace', name: 'shop'}],
    ['AdminNetworkPolicy/deny-all', {group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy', name: 'deny-all'}],
  ]
  for (const [text, expected] of cases) it(text, () => assert.deepEqual(parseDeletion(text, 'default'), expected))
  it('errors name the problem', () => {
    assert.match((parseDeletion('ns/a/b', 'x') as {error: string}).error, /Namespace is cluster-scoped: use ns\/NAME/)
    assert.match((parseDeletion('lockdown', 'x') as {error: string}).error, /use KIND\/NAMESPACE\/NAME/)
    assert.match((parseDeletion('secret/a/b', 'x') as {error: string}).error, /does not analyse kind "secret"/)
  })
})

describe('overlay manifests', () => {
  it('multi-document YAML, a List, namespace defaulted, cluster-scoped kinds without one', () => {
    const objects = parseOverlayText('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: shop, namespace: x}}\n', 'f.yaml', 'shop')
    assert.deepEqual(objects.map((o) => [o.object.kind, o.object.metadata.namespace, o.source]), [['Service', 'shop', 'f.yaml, document 1'], ['Namespace', undefined, 'f.yaml, document 3, items[0]']])
  })
  it('a generateName object cannot be evaluated', () => {
    assert.throws(() => parseOverlayText('apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\n', 'f.yaml', 'shop'), /--with f\.yaml: metadata\.name: generateName cannot be evaluated/)
  })
})

describe('what-if objects as the controllers would make them', () => {
  it('a Deployment becomes one Running, Ready pod with its template labels', () => {
    const p = podFromWorkload({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'}, spec: {template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'c', ports: [{name: 'http', containerPort: 8080}]}]}}}})!
    assert.deepEqual(p.metadata?.labels, {app: 'web'})
    assert.equal(p.status?.phase, 'Running')
    assert.match(p.metadata!.annotations!['netdiag.io/what-if']!, /Deployment shop\/web as if rolled out/)
  })
  it('EndpointSlices: one endpoint per selected pod, ports resolved per pod, readiness from the pod', () => {
    const pods = [...backendPods(), pod({name: 'sick', state: 'readiness-failing'}), pod({name: 'other', labels: {app: 'other'}})]
    const slices = endpointSlicesFor(service({spec: {ports: [{name: 'http', port: 80, targetPort: 'http', protocol: 'TCP'}]}}), pods)
    assert.equal(slices.length, 1)
    assert.deepEqual(slices[0]!.ports, [{name: 'http', protocol: 'TCP', port: 8080}])
    assert.deepEqual(slices[0]!.endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready]), [['backend-6d8f7b9c4-2xkqp', true], ['backend-6d8f7b9c4-7mzrt', true], ['sick', false]])
  })
})

describe('OverlayClusterView', () => {
  const base = () => new SnapshotClusterView([namespace('shop'), ...backendPods(), service({}), endpointSlice(backendPods()), networkPolicy('allow', {podSelector: {}})] as never)
  it('adds, replaces and deletes by API group, kind, namespace and name; answers label selectors', async () => {
    const objects = parseOverlayText('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lockdown}\nspec: {podSelector: {}}\n---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: allow}\nspec: {}\n', 'f.yaml', 'shop')
    const view = new OverlayClusterView(base(), {objects, deletions: [{group: 'networking.k8s.io', kind: 'NetworkPolicy', namespace: 'shop', name: 'allow'}]})
    assert.deepEqual((await view.listNetworkPolicies('shop')).map((p) => p.metadata?.name), ['lockdown'])
    assert.equal((await view.listPods('shop', {labelSelector: 'app=backend'})).length, 2)
    assert.equal((await view.listPods('shop', {labelSelector: 'app=backend,pod-template-hash!=6d8f7b9c4'})).length, 0)
  })
  it('a Deployment replaces its pods, and the Services of the namespace get recomputed EndpointSlices', async () => {
    const objects = parseOverlayText('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: backend}\nspec:\n  template:\n    metadata: {labels: {app: backend, version: v2}}\n    spec: {containers: [{name: app, ports: [{name: http, containerPort: 9090}]}]}\n', 'd.yaml', 'shop')
    const view = new OverlayClusterView(base(), {objects})
    const pods = await view.listPods('shop')
    assert.deepEqual(pods.map((p) => p.metadata?.name), ['backend-what-if'])
    const slices = await view.listEndpointSlices('shop', {labelSelector: 'kubernetes.io/service-name=backend'})
    assert.deepEqual(slices.map((s) => [s.ports?.[0]?.port, s.endpoints.length]), [[9090, 1]])
  })
  it('deleting a Namespace hides what is in it', async () => {
    const view = new OverlayClusterView(base(), {deletions: [{group: '', kind: 'Namespace', name: 'shop'}]})
    assert.equal(await view.getNamespace('shop'), undefined)
    assert.deepEqual(await view.listPods(undefined), [])
  })
})

describe('what changes', () => {
  const object = {kind: 'Service', namespace: 'shop', name: 'backend'}
  const f = (code: string, severity: 'fail' | 'warn' = 'fail') => makeFinding(code, severity, {object, summary: code, checkId: 'svc.selector'})
  it('findings that appear, disappear, change severity; ignored ones count on neither side', () => {
    const changes = diffFindings([f('svc-selector-no-match'), f('svc-pods-not-running', 'warn'), {...f('svc-no-ports'), ignored: true}], [f('svc-pods-not-running'), f('svc-no-ready-endpoints'), {...f('svc-targetport-unresolved'), ignored: true}])
    assert.deepEqual(changes.map((c) => `${c.change} ${c.finding.code}`), ['severity svc-pods-not-running', 'appeared svc-no-ready-endpoints', 'disappeared svc-selector-no-match'])
  })
  it('verdict flips in words, and which count as regressions', () => {
    const flow = 'svc shop/backend:80/TCP from shop pods {app=frontend}'
    const flips = diffFlows([{flow, verdict: 'allowed', decidedBy: ''}], [{flow, verdict: 'denied', decidedBy: 'NetworkPolicy shop/lockdown'}, {flow: 'new', verdict: 'allowed', decidedBy: ''}])
    assert.deepEqual(flips.map((x) => x.text), [`${flow}: allowed → denied by NetworkPolicy shop/lockdown`, 'new: absent → allowed'])
    const diff = whatIfDiff({findingsBefore: [], findingsAfter: [], flowsBefore: [{flow, verdict: 'allowed', decidedBy: ''}], flowsAfter: [{flow, verdict: 'denied', decidedBy: 'x'}, {flow: 'new', verdict: 'allowed', decidedBy: ''}]})
    assert.equal(diff.regressions, 1)
  })
})
