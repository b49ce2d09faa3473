import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {apply, kubectlOk, netdiag, skipWithoutCluster, waitFor, web, withNamespace} from './helpers.js'

type Finding = {code: string; severity: string; object: {kind: string; namespace?: string; name: string}; objects: Array<{kind: string; namespace?: string; name: string}>; summary: string}

function service(name: string, selector: Record<string, string>): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
${Object.entries(selector).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
  ports:
  - name: http
    port: 80
    targetPort: http
`
}

function policy(name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
${spec}`
}

const findingsOf = (run: ReturnType<typeof netdiag>): Finding[] => ((run.report as unknown as {scan: {findings: Finding[]}}).scan.findings)
const text = (f: Finding) => `${f.code} ${f.object.kind} ${f.object.namespace ?? ''}/${f.object.name}: ${f.summary}`

describe('e2e: kubectl netdiag scan', {skip: skipWithoutCluster}, () => {
  it('healthy cluster: scan -A reports no failure and no warning outside the namespaces tests create', () => {
    const run = netdiag(['scan', '-A', '-o', 'json'])
    assert.ok(run.report, run.stderr)
    // e2e-* namespaces of other suites may still be terminating (deleted with --wait=false): not the cluster's faults.
    const ours = findingsOf(run).filter((f) => !(f.object.namespace ?? '').startsWith('e2e-') && !f.objects.some((o) => (o.namespace ?? '').startsWith('e2e-')))
    assert.deepEqual(ours.map(text), [])
  })

  it('injected faults: the codes and the objects, in one namespace', async () => {
    await withNamespace('scan-faults', async (namespace) => {
      apply(
        namespace,
        [
          web('backend'),
          service('typo', {app: 'backend-api'}),
          web('sick', {readinessPath: '/never-ready'}),
          service('sick', {app: 'sick'}),
          policy('deny-egress', '  podSelector:\n    matchLabels: {app: backend}\n  policyTypes: [Egress]\n'),
          policy('protect-db', '  podSelector:\n    matchLabels: {app: db}\n  policyTypes: [Ingress]\n'),
        ].join('---\n'),
      )
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      await waitFor('pod of sick running', () => kubectlOk(['-n', namespace, 'get', 'pods', '-l', 'app=sick', '-o', 'jsonpath={.items[*].status.phase}']).includes('Running'))
      await waitFor('EndpointSlice of sick', () => kubectlOk(['-n', namespace, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=sick', '-o', 'name']).trim() !== '')
      const run = netdiag(['scan', '-n', namespace, '-o', 'json'])
      assert.equal(run.exitCode, 1, run.stderr)
      const all = findingsOf(run).map(text)
      const has = (code: string, kind: string, name: string) => assert.ok(findingsOf(run).some((f) => f.code === code && f.object.kind === kind && f.object.name === name), `${code} ${kind} ${name} not in:\n${all.join('\n')}`)
      has('svc-selector-no-match', 'Service', 'typo')
      has('svc-no-ready-endpoints', 'Service', 'sick')
      has('dns-egress-blocked', 'Namespace', namespace)
      has('policy-selects-no-pod', 'NetworkPolicy', 'protect-db')
      const dns = findingsOf(run).find((f) => f.code === 'dns-egress-blocked')!
      assert.ok(dns.objects.some((o) => o.kind === 'NetworkPolicy' && o.name === 'deny-egress'), text(dns))
      // The same objects the single-object command names.
      const svc = netdiag(['svc', 'typo', '-n', namespace, '--no-probe', '-o', 'json'])
      const typo = findingsOf(run).find((f) => f.code === 'svc-selector-no-match')!
      assert.deepEqual(typo.objects, svc.report!.diagnosis.rootCause!.objects)
    })
  })

  it('--with on the live cluster: a lockdown policy flips frontend → backend to denied, --fail-on-change exits 5', async () => {
    await withNamespace('scan-whatif', async (namespace) => {
      apply(namespace, [web('backend'), web('frontend'), service('backend', {app: 'backend'})].join('---\n'))
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/backend', '--timeout=120s'])
      kubectlOk(['-n', namespace, 'rollout', 'status', 'deploy/frontend', '--timeout=120s'])
      const file = join(tmpdir(), `lockdown-${namespace}.yaml`)
      writeFileSync(file, `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: lockdown\n  namespace: ${namespace}\nspec:\n  podSelector:\n    matchLabels: {app: backend}\n  policyTypes: [Ingress]\n`)
      const run = netdiag(['scan', '-n', namespace, '--with', file, '--fail-on-change', '-o', 'json'])
      assert.equal(run.exitCode, 5, run.stderr + run.stdout.slice(0, 2000))
      const flips = (run.report as unknown as {scan: {whatIf: {flips: Array<{text: string}>}}}).scan.whatIf.flips.map((f) => f.text)
      assert.ok(flips.includes(`svc ${namespace}/backend:80/TCP from ${namespace} pods {app=frontend}: allowed → denied by NetworkPolicy ${namespace}/lockdown`), flips.join('\n'))
      // Nothing was applied: the cluster has no such policy.
      assert.equal(kubectlOk(['-n', namespace, 'get', 'networkpolicies', '-o', 'name']).trim(), '')
    })
  })
})
