// Ingress and Gateway API against a real controller: Traefik v3 (test/cluster/traefik.sh, run by up.sh; Service
// traefik/traefik 10.96.0.80, IngressClass traefik, Gateway traefik/traefik-gateway with listeners http (from All
// namespaces) and restricted (hostname restricted.netdiag.test, namespaces labelled
// netdiag.test/gateway-access=allowed)). Each scenario injects one fault and asserts the named cause, and what
// the live probe saw through Traefik and straight at a backend pod.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {apply, assertNoNetdiagPodsLeft, check, ingressYaml, kubectl, kubectlOk, netdiag, serviceYaml, skipWithoutCluster, sleep, waitFor, web, withNamespace} from './helpers.js'

const json = ['-o', 'json']
const GATEWAY = 'traefik-gateway'

const traefikRuns = () => kubectl(['-n', 'traefik', 'get', 'deploy', 'traefik']).status === 0
const noTraefik = !skipWithoutCluster && process.env.NETDIAG_TRAEFIK === '0' && !traefikRuns() && 'NETDIAG_TRAEFIK=0: no Traefik in the cluster'

function ingress(host: string, options: {className?: string; port?: number} = {}): string {
  return ingressYaml({host, className: options.className ?? 'traefik', port: options.port})
}

function route(options: {host: string; section?: string; backendNamespace?: string}): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
spec:
  parentRefs:
  - name: ${GATEWAY}
    namespace: traefik
    sectionName: ${options.section ?? 'http'}
  hostnames: [${options.host}]
  rules:
  - backendRefs:
    - name: backend
      port: 80${options.backendNamespace ? `\n      namespace: ${options.backendNamespace}` : ''}
`
}

/** Traefik writes the Ingress status (its ingressEndpoint IP) once it has processed the Ingress. */
async function admitted(namespace: string): Promise<void> {
  await waitFor('Traefik to publish the Ingress address', () => kubectlOk(['-n', namespace, 'get', 'ingress', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']) === '10.96.0.80')
  await sleep(2000) // its router configuration follows the status update within the provider's throttle
}

/** Traefik's status entry on the route (any verdict), then a moment for its router configuration. */
async function reconciled(namespace: string): Promise<void> {
  await waitFor('Traefik to write the HTTPRoute status', () => kubectlOk(['-n', namespace, 'get', 'httproute', 'store', '-o', 'jsonpath={.status.parents[*].controllerName}']).includes('traefik.io/gateway-controller'))
  await sleep(2000)
}

async function backendUp(namespace: string, options: {readinessPath?: string} = {}): Promise<void> {
  apply(namespace, web('backend', options) + '---\n' + serviceYaml('backend'))
  if (options.readinessPath) {
    await waitFor('a not-ready endpoint', () => kubectlOk(['get', 'endpointslices', '-n', namespace, '-l', 'kubernetes.io/service-name=backend', '-o', 'jsonpath={.items[*].endpoints[*].conditions.ready}']).includes('false'))
  } else {
    kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
  }
}

function probe(report: Parameters<typeof check>[0]) {
  const c = check(report, report?.command === 'route' ? 'route.probe.http' : 'ingress.probe.http')
  return {...c, details: c.details as {hop: string; through: {status: number | null; outcome: string}; direct: Array<{status: number | null}>}}
}

describe('e2e: ingress and route through a real Traefik', {skip: skipWithoutCluster || noTraefik}, () => {
  it('a healthy Ingress: 200 through Traefik and from the pod; the probe agrees with the static checks; `url` finds it', async () => {
    await withNamespace('tr-ok', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, ingress(`${namespace}.netdiag.test`))
      await admitted(namespace)
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      const p = probe(run.report)
      assert.equal(p.status, 'pass', p.summary)
      assert.equal(p.details.through.status, 200)
      assert.match(p.summary, new RegExp(`http://${namespace}\\.netdiag\\.test/ through Service traefik/traefik port web 80 \\(10\\.96\\.0\\.80:80\\) answered 200`))
      assert.equal(p.details.direct[0]?.status, 200)
      assert.equal(check(run.report, 'ingress.controller').status, 'pass')
      assert.equal(check(run.report, 'ingress.probe.agreement').status, 'pass')
      // `url` finds this Ingress among every namespace's and runs the same diagnosis.
      const byUrl = netdiag(['url', `http://${namespace}.netdiag.test/`, ...json])
      assert.equal(byUrl.exitCode, 0, byUrl.stdout + byUrl.stderr)
      assert.deepEqual([byUrl.report!.command, byUrl.report!.target.namespace, byUrl.report!.target.name], ['ingress', namespace, 'web'])
      assert.equal(probe(byUrl.report).details.through.status, 200)
    })
    await assertNoNetdiagPodsLeft()
  })

  it('an Ingress naming a class that does not exist: ingress.class; no controller to send the request through, said so', async () => {
    await withNamespace('tr-class', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, ingress(`${namespace}.netdiag.test`, {className: 'missing'}))
      await sleep(3000)
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.class')
      assert.match(check(run.report, 'ingress.class').summary, /names IngressClass missing, which does not exist/)
      // No class, so no controller to send the request through: the probe says so instead of picking one.
      const p = probe(run.report)
      assert.equal(p.status, 'warn')
      assert.match(p.summary, /no in-cluster address of the controller was found.*no controller pod was found and the Ingress has no published address/)
      assert.equal(p.details.direct[0]?.status, 200)
      assert.equal(check(run.report, 'ingress.probe.agreement').status, 'skip')
    })
  })

  it('a backend port the Service does not have: ingress.backend.port; Traefik has no route (404)', async () => {
    await withNamespace('tr-port', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, ingress(`${namespace}.netdiag.test`, {port: 8080}))
      await admitted(namespace)
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.backend.port')
      assert.match(check(run.report, 'ingress.backend.port').summary, new RegExp(`Service ${namespace}/backend has no port 8080`))
      const p = probe(run.report)
      assert.equal(p.status, 'fail')
      assert.equal(p.details.through.status, 404)
      assert.equal(check(run.report, 'ingress.probe.agreement').status, 'pass')
    })
  })

  it('a backend with no ready pod: ingress.backend.endpoints; Traefik answers 503 and the hop is the backend', async () => {
    await withNamespace('tr-ready', async (namespace) => {
      await backendUp(namespace, {readinessPath: '/not-there'})
      apply(namespace, ingress(`${namespace}.netdiag.test`))
      await admitted(namespace)
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.backend.endpoints')
      const p = probe(run.report)
      assert.equal(p.details.through.status, 503, p.summary)
      assert.equal(p.details.hop, 'backend')
      assert.match(p.summary, /the route matched but the backend has no ready pod/)
    })
  })

  it('a NetworkPolicy that admits only same-namespace clients: ingress.policy; Traefik times out (504/502) while the pod answers the debug pod', async () => {
    await withNamespace('tr-netpol', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, ingress(`${namespace}.netdiag.test`) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: same-namespace-only
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {}
`)
      await admitted(namespace)
      const run = netdiag(['ingress', 'web', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.policy')
      assert.match(check(run.report, 'ingress.policy').summary, new RegExp(`NetworkPolicy ${namespace}/same-namespace-only blocks ingress to pods of Service ${namespace}/backend`))
      const p = probe(run.report)
      assert.equal(p.status, 'fail')
      assert.equal(p.details.hop, 'controller-to-backend', p.summary)
      assert.ok([502, 504].includes(p.details.through.status ?? 0), p.summary)
      assert.equal(p.details.direct[0]?.status, 200)
      assert.match(p.summary, /as the NetworkPolicy check says/)
      assert.equal(check(run.report, 'ingress.probe.agreement').status, 'pass')
    })
  })

  it('a host no rule matches: ingress.rule; Traefik answers 404 for it', async () => {
    await withNamespace('tr-host', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, ingress(`${namespace}.netdiag.test`))
      await admitted(namespace)
      const run = netdiag(['ingress', 'web', '-n', namespace, '--url', `http://www-${namespace}.netdiag.test/cart`, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'ingress.rule')
      const p = probe(run.report)
      assert.equal(p.details.through.status, 404)
      assert.equal(p.details.hop, 'routing')
    })
  })

  it('a healthy HTTPRoute on the shared Gateway: accepted by Traefik, 200 through the Gateway address', async () => {
    await withNamespace('tr-route', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, route({host: `${namespace}.netdiag.test`}))
      await reconciled(namespace)
      const run = netdiag(['route', 'store', '-n', namespace, ...json])
      assert.equal(run.exitCode, 0, run.stdout + run.stderr)
      const p = probe(run.report)
      assert.equal(p.status, 'pass', p.summary)
      assert.match(p.summary, new RegExp(`through Gateway traefik/${GATEWAY} listener http \\(10\\.96\\.0\\.80:8000\\) answered 200`))
      assert.equal(check(run.report, 'route.status').status, 'pass')
      assert.equal(check(run.report, 'route.probe.agreement').status, 'pass')
    })
  })

  it('a listener that does not allow the namespace: route.attach NotAllowedByListeners, Traefik agrees and answers 404', async () => {
    await withNamespace('tr-listener', async (namespace) => {
      await backendUp(namespace)
      apply(namespace, route({host: 'restricted.netdiag.test', section: 'restricted'}))
      await reconciled(namespace)
      const run = netdiag(['route', 'store', '-n', namespace, ...json])
      assert.equal(run.exitCode, 1, run.stderr)
      assert.equal(run.report!.diagnosis.rootCause!.checkId, 'route.attach')
      assert.match(check(run.report, 'route.attach').summary, /NotAllowedByListeners/)
      assert.match(check(run.report, 'route.status').summary, /NotAllowedByListeners/)
      const p = probe(run.report)
      assert.equal(p.details.through.status, 404)
      assert.equal(p.details.hop, 'routing')
    })
  })

  it('a cross-namespace backendRef without a ReferenceGrant: route.backend-refs RefNotPermitted; Traefik answers 500', async () => {
    await withNamespace('tr-grant', async (namespace) => {
      await withNamespace('tr-grant-be', async (backend) => {
        await backendUp(backend)
        apply(namespace, route({host: `${namespace}.netdiag.test`, backendNamespace: backend}))
        await reconciled(namespace)
        const run = netdiag(['route', 'store', '-n', namespace, ...json])
        assert.equal(run.exitCode, 1, run.stderr)
        assert.equal(run.report!.diagnosis.rootCause!.checkId, 'route.backend-refs')
        assert.match(check(run.report, 'route.backend-refs').summary, new RegExp(`no ReferenceGrant there permits HTTPRoutes from ${namespace}`))
        const p = probe(run.report)
        assert.equal(p.details.through.status, 500, p.summary)
        assert.equal(p.details.hop, 'routing')
      })
    })
  })
})
