import nock from 'nock'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {fakeApi} from '../helpers/fake-api.js'
import {writeTempFile} from '../helpers/files.js'
import {backendService, ingress, ingressClass, nginxController} from '../helpers/ingress-fixtures.js'
import {writeKubeconfig} from '../helpers/kubeconfig.js'
import {strictNock} from '../helpers/nock.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, endpointSlice, namespace, networkPolicy} from '../helpers/svc-fixtures.js'

type Json = Record<string, any>

function cluster(overrides: {ingress?: Json; classes?: Json[]; controller?: Json[]; service?: Json; pods?: Json[]; policies?: Json[]; extra?: Json[]} = {}): Json[] {
  const pods = overrides.pods ?? backendPods()
  return [
    namespace('shop'),
    overrides.ingress ?? ingress(),
    ...(overrides.classes ?? [ingressClass('nginx', 'k8s.io/ingress-nginx', true)]),
    ...(overrides.controller ?? nginxController()),
    overrides.service ?? backendService(),
    ...pods,
    endpointSlice(pods as never),
    ...(overrides.policies ?? []),
    ...(overrides.extra ?? []),
  ]
}

async function diagnose(objects: Json[], extra: string[] = []) {
  nock.cleanAll()
  const api = fakeApi(objects)
  const result = await run(['ingress', 'web', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '-o', 'json', '--no-probe', ...extra])
  const report = result.stdout ? JSON.parse(result.stdout) : undefined
  if (report) assertValidReport(report)
  const check = (id: string) => report?.checks.find((c: {id: string}) => c.id === id)
  const statuses = report ? Object.fromEntries(report.checks.map((c: {id: string; status: string}) => [c.id, c.status])) : {}
  return {...result, report, check, statuses, api}
}

describe('kubectl netdiag ingress (nock)', () => {
  strictNock()

  it('a healthy Ingress: class, controller, rule, backend Service, endpoints and policy pass; exit 0', async () => {
    const r = await diagnose(cluster(), ['--url', 'http://shop.example.com/cart'])
    assert.equal(r.exitCode, 0, r.stderr)
    assert.equal(r.report.command, 'ingress')
    assert.deepEqual(r.report.target, {namespace: 'shop', name: 'web', host: 'shop.example.com', path: '/cart', scheme: 'http'})
    assert.deepEqual(r.statuses, {
      'preflight.access': 'pass',
      'ingress.class': 'pass',
      'ingress.controller': 'pass',
      'ingress.address': 'pass',
      'ingress.rule': 'pass',
      'ingress.conflict': 'pass',
      'ingress.annotations': 'pass',
      'ingress.tls': 'pass',
      'ingress.tls.secret': 'skip',
      'ingress.backend.service': 'pass',
      'ingress.backend.port': 'pass',
      'ingress.backend.selector': 'pass',
      'ingress.backend.endpoints': 'pass',
      'ingress.policy': 'pass',
      // --no-probe: the live request and its agreement with the static checks are skipped with the reason
      'ingress.probe.source': 'skip',
      'ingress.probe.http': 'skip',
      'ingress.probe.agreement': 'skip',
    })
    assert.equal(r.check('ingress.probe.http').skippedBecause, 'no-probe')
    assert.match(r.check('ingress.rule').summary, /shop\.example\.com\/cart is served by shop\.example\.com\/ \(Prefix, rules\[0\]\.http\.paths\[0\]\) -> Service backend:80/)
    assert.match(r.check('ingress.controller').summary, /ingress-nginx \(k8s\.io\/ingress-nginx\) runs: 1\/1 pod\(s\) ready in ingress-nginx/)
    assert.match(r.check('ingress.backend.endpoints').summary, /2\/2 ready for http 80\/TCP/)
    // The API calls a run makes, pinned: the controller's pods by its Helm chart labels, cluster-wide.
    const paths = r.api.paths()
    assert.ok(paths.includes('/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web'), paths.join('\n'))
    assert.ok(paths.includes('/apis/networking.k8s.io/v1/ingressclasses'))
    assert.ok(paths.includes('/api/v1/pods?labelSelector=app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller'), paths.join('\n'))
    assert.ok(!paths.some((p) => p.includes('/secrets')), 'no Secret is read without TLS')
  })

  it('an Ingress naming a class that does not exist: ingress.class is the root cause, the controller check is skipped', async () => {
    const r = await diagnose(cluster({classes: [ingressClass('traefik', 'traefik.io/ingress-controller')]}))
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'ingress.class')
    assert.match(r.check('ingress.class').summary, /names IngressClass nginx, which does not exist: no controller serves it; existing classes: traefik/)
    assert.deepEqual(r.check('ingress.class').objects.map((o: Json) => `${o.kind}/${o.name}`), ['Ingress/web', 'IngressClass/nginx'])
    assert.equal(r.statuses['ingress.controller'], 'skip')
    assert.equal(r.check('ingress.controller').skippedBecause, 'ingress.class')
  })

  it('no class named: the default class governs; two defaults is a finding', async () => {
    const r = await diagnose(cluster({ingress: ingress({className: null}), classes: [ingressClass('nginx', 'k8s.io/ingress-nginx', true), ingressClass('other', 'example.com/x', true)]}))
    assert.equal(r.statuses['ingress.class'], 'warn')
    assert.match(r.check('ingress.class').summary, /the default IngressClass is nginx .*2 IngressClasses are marked default \(nginx, other\)/)
    assert.equal(r.statuses['ingress.controller'], 'pass')
  })

  it('a backend port the Service does not have: ingress.backend.port fails and names the targetPort mix-up', async () => {
    const r = await diagnose(cluster({ingress: ingress({rules: [{host: 'shop.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'backend', port: {number: 8080}}}}]}}]})}))
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'ingress.backend.port')
    assert.match(r.check('ingress.backend.port').summary, /shop\.example\.com\/ \(Prefix, rules\[0\]\.http\.paths\[0\]\) names Service shop\/backend port 8080, but Service shop\/backend has no port 8080; its ports: http 80\/TCP -> http/)
    assert.equal(r.statuses['ingress.backend.endpoints'], 'skip')
  })

  it('a backend with no ready pods: ingress.backend.endpoints fails with the readiness reason', async () => {
    const r = await diagnose(cluster({pods: backendPods('readiness-failing')}))
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'ingress.backend.endpoints')
    assert.match(r.check('ingress.backend.endpoints').summary, /Service shop\/backend has no ready endpoint for port http 80\/TCP/)
  })

  it('a host no rule matches: ingress.rule fails, the backends are skipped', async () => {
    const r = await diagnose(cluster(), ['--host', 'www.example.com'])
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'ingress.rule')
    assert.match(r.check('ingress.rule').summary, /no rule matches host www\.example\.com \(rules name shop\.example\.com\), and Ingress shop\/web has no default backend/)
    assert.equal(r.check('ingress.backend.service').skippedBecause, 'ingress.rule')
  })

  it('no pod of the class controller: the controller check says not found (warn), never pass', async () => {
    const r = await diagnose(cluster({controller: []}))
    assert.equal(r.statuses['ingress.controller'], 'warn')
    assert.match(r.check('ingress.controller').summary, /controller k8s\.io\/ingress-nginx \(ingress-nginx\) not found: no pod in any namespace carries its usual labels/)
    assert.equal(r.statuses['ingress.policy'], 'skip')
  })

  it('a controller pod that is not ready fails ingress.controller', async () => {
    const r = await diagnose(cluster({controller: nginxController('crash-loop')}))
    assert.equal(r.statuses['ingress.controller'], 'fail')
    assert.match(r.check('ingress.controller').summary, /has no ready pod in ingress-nginx: ingress-nginx-controller-7c9f8d6b5-qk2lz: .*CrashLoopBackOff/)
  })

  it('a NetworkPolicy that admits only the frontend blocks the controller: ingress.policy fails naming it', async () => {
    const policy = networkPolicy('backend-from-frontend', {podSelector: {matchLabels: {app: 'backend'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: 'frontend'}}}]}]})
    const r = await diagnose(cluster({policies: [policy]}))
    assert.equal(r.exitCode, 1)
    assert.equal(r.report.diagnosis.rootCause.checkId, 'ingress.policy')
    assert.match(r.check('ingress.policy').summary, /NetworkPolicy shop\/backend-from-frontend blocks ingress to pods of Service shop\/backend .* on 8080\/TCP from controller pod ingress-nginx\/ingress-nginx-controller-7c9f8d6b5-qk2lz/)
  })

  it('https: the host must be in tls[].hosts; the Secret is looked up by metadata only', async () => {
    const secret = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'shop-tls', namespace: 'shop'}, type: 'kubernetes.io/tls', data: {'tls.key': 'bXVzdC1uZXZlci1iZS1wcmludGVk'}}
    const ok = await diagnose(cluster({ingress: ingress({tls: [{hosts: ['shop.example.com'], secretName: 'shop-tls'}]}), extra: [secret]}), ['--url', 'https://shop.example.com/'])
    assert.equal(ok.statuses['ingress.tls'], 'pass')
    assert.equal(ok.statuses['ingress.tls.secret'], 'pass')
    assert.ok(!ok.stdout.includes('bXVzdC1uZXZlci1iZS1wcmludGVk'))
    assert.deepEqual(ok.api.requests.filter((q) => q.path.includes('/secrets/')).map((q) => q.accept), ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'])
    const missing = await diagnose(cluster({ingress: ingress({tls: [{hosts: ['other.example.com'], secretName: 'gone-tls'}]})}), ['--url', 'https://shop.example.com/'])
    assert.equal(missing.statuses['ingress.tls'], 'fail')
    assert.match(missing.check('ingress.tls').summary, /shop\.example\.com is not in any tls\[\]\.hosts \(other\.example\.com\)/)
    assert.equal(missing.statuses['ingress.tls.secret'], 'fail')
    assert.match(missing.check('ingress.tls.secret').summary, /TLS Secret shop\/gone-tls does not exist/)
    // Without an https request, a rule host outside tls[].hosts may be meant for plain HTTP: a warning.
    const plain = await diagnose(cluster({ingress: ingress({tls: [{hosts: ['other.example.com'], secretName: 'gone-tls'}]})}))
    assert.equal(plain.statuses['ingress.tls'], 'warn')
  })

  it('ingress-nginx rewrite-target makes the path choice undecidable (warn) and names the annotation', async () => {
    const rules = [{host: 'shop.example.com', http: {paths: [{path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific', backend: {service: {name: 'backend', port: {name: 'http'}}}}]}}]
    const r = await diagnose(cluster({ingress: ingress({rules, annotations: {'nginx.ingress.kubernetes.io/rewrite-target': '/$2'}})}), ['--url', 'http://shop.example.com/api/x'])
    assert.equal(r.statuses['ingress.rule'], 'warn')
    assert.match(r.check('ingress.rule').summary, /not decidable from the API: nginx\.ingress\.kubernetes\.io\/rewrite-target/)
    assert.match(r.check('ingress.annotations').summary, /rewrite-target=\/\$2 \(rewrites the path/)
    assert.equal(r.statuses['ingress.backend.port'], 'pass')
  })

  it('bad input: an Ingress that does not exist, and --url with --host, exit 2', async () => {
    fakeApi([namespace('shop')])
    const missing = await run(['ingress', 'nope', '-n', 'shop', '--kubeconfig', writeKubeconfig(), '--no-probe'])
    assert.equal(missing.exitCode, 2)
    assert.match(missing.stderr, /error: Ingress "nope" not found in namespace shop/)
    const both = await run(['ingress', 'web', '--url', 'https://a.b/', '--host', 'a.b', '--kubeconfig', writeKubeconfig()])
    assert.equal(both.exitCode, 2)
    assert.match(both.stderr, /--url sets the host and path/)
  })

  it('another Ingress of the class claiming the request: equally specific is a warn, more specific elsewhere a fail naming it', async () => {
    const twin = ingress({name: 'web-v2'})
    const equal = await diagnose(cluster({extra: [twin]}), ['--url', 'http://shop.example.com/cart'])
    assert.equal(equal.check('ingress.conflict').status, 'warn')
    assert.match(equal.check('ingress.conflict').summary, /Ingress shop\/web-v2 \(rules\[0\]\.http\.paths\[0\]\) also claims shop\.example\.com\/cart with an equally specific path/)
    const exact = ingress({name: 'cart', rules: [{host: 'shop.example.com', http: {paths: [{path: '/cart', pathType: 'Exact', backend: {service: {name: 'cart', port: {number: 80}}}}]}}]})
    const other = await diagnose(cluster({extra: [exact, ingress({name: 'other-class', className: 'traefik'})]}), ['--url', 'http://shop.example.com/cart'])
    assert.equal(other.check('ingress.conflict').status, 'fail')
    assert.match(other.check('ingress.conflict').summary, /^Ingress shop\/cart \(rules\[0\]\.http\.paths\[0\]\) claims shop\.example\.com\/cart more specifically: the controller, merging the Ingresses of this host, sends the request there/)
    assert.deepEqual(other.check('ingress.conflict').objects.map((o: {name: string}) => o.name), ['web', 'cart'])
  })

  it('from a snapshot: the same analysis; the TLS Secret is unknown offline', async () => {
    const file = writeTempFile('ingress-snapshot.json', JSON.stringify({apiVersion: 'v1', kind: 'List', items: cluster({ingress: ingress({tls: [{hosts: ['shop.example.com'], secretName: 'shop-tls'}]})})}))
    const result = await run(['ingress', 'web', '-n', 'shop', '--snapshot', file, '-o', 'json', '--url', 'https://shop.example.com/'])
    const report = JSON.parse(result.stdout)
    assertValidReport(report)
    const statuses = Object.fromEntries(report.checks.map((c: {id: string; status: string}) => [c.id, c.status]))
    assert.equal(report.source, 'snapshot')
    assert.equal(statuses['ingress.class'], 'pass')
    assert.equal(statuses['ingress.controller'], 'pass')
    assert.equal(statuses['ingress.backend.endpoints'], 'pass')
    assert.equal(statuses['ingress.tls.secret'], 'warn')
    assert.match(report.checks.find((c: {id: string}) => c.id === 'ingress.tls.secret').summary, /unknown offline: a snapshot never holds Secrets/)
    for (const id of ['ingress.probe.source', 'ingress.probe.http', 'ingress.probe.agreement']) {
      const probe = report.checks.find((c: {id: string}) => c.id === id)
      assert.equal(probe.status, 'skip', id)
      assert.equal(probe.skippedBecause, 'offline', id)
    }
    assert.match(report.checks.find((c: {id: string}) => c.id === 'ingress.probe.http').summary, /needs a live cluster to run probes; skipped with --snapshot/)
    assert.equal(result.exitCode, 0)
  })
})
