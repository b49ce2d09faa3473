import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {parseAllDocuments} from 'yaml'

import {dnsPlan} from '../../src/checks/dns/plan.js'
import {ingressPlan} from '../../src/checks/ingress/plan.js'
import {nodePlan} from '../../src/checks/node/plan.js'
import {pathPlan} from '../../src/checks/path/plan.js'
import {routePlan} from '../../src/checks/route/plan.js'
import {svcPlan} from '../../src/checks/svc/plan.js'
import type {AccessRequirement} from '../../src/cluster/access.js'
import type {Check} from '../../src/engine/types.js'

interface Rule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
}
interface RbacObject {
  kind: 'ClusterRole' | 'Role'
  metadata: {name: string; namespace?: string}
  rules: Rule[]
}

const objects = parseAllDocuments(readFileSync(new URL('../../rbac/kubectl-netdiag.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as RbacObject)

function grants(rule: Rule, r: AccessRequirement): boolean {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource
  return rule.apiGroups.includes(r.group ?? '') && rule.resources.includes(resource) && rule.verbs.includes(r.verb)
}

/** RBAC semantics: a ClusterRole (bound cluster-wide) allows everywhere, a Role only in its namespace. */
function allowed(r: AccessRequirement): boolean {
  return objects.some((o) => (o.kind === 'ClusterRole' || (r.namespace !== undefined && o.metadata.namespace === r.namespace)) && o.rules.some((rule) => grants(rule, r)))
}

function requirements<T>(plan: Check<T>[], target: T): AccessRequirement[] {
  return plan.flatMap((c) => c.requires?.(target) ?? [])
}

const declared: Array<[string, AccessRequirement[]]> = [
  ['dns', requirements(dnsPlan(), {namespace: 'shop'} as never)],
  ['dns --from-pod', requirements(dnsPlan(), {namespace: 'shop', fromPod: 'web-0'} as never)],
  ['svc', requirements(svcPlan(), {namespace: 'shop', name: 'backend'} as never)],
  ['svc --from-pod', requirements(svcPlan(), {namespace: 'shop', name: 'backend', fromPod: 'web-0'} as never)],
  ['path', requirements(pathPlan(), {from: 'shop/a', to: 'db/b', probeMode: 'ephemeral', portsFrom: 'none'} as never)],
  ['path --probe-mode pod', requirements(pathPlan(), {from: 'shop/a', to: 'db/b', probeMode: 'pod', portsFrom: 'none'} as never)],
  // Secrets are deliberately not granted: ingress.tls.secret is then skipped as forbidden.
  ['ingress', requirements(ingressPlan(), {namespace: 'shop', name: 'web'} as never).filter((r) => r.resource !== 'secrets')],
  ['route', requirements(routePlan(), {namespace: 'shop', name: 'store', kind: 'HTTPRoute'} as never)],
  ['route --kind GRPCRoute', requirements(routePlan(), {namespace: 'shop', name: 'echo', kind: 'GRPCRoute'} as never)],
  ['node', requirements(nodePlan(), {nodes: ['n1', 'n2'], nodeNamespace: 'kube-system'} as never)],
  [
    'snapshot',
    [
      ...['namespaces', 'nodes', 'pods', 'services'].map((resource) => ({verb: 'list', resource})),
      {verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices'},
      {verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies'},
      {verb: 'list', group: 'apps', resource: 'deployments'},
      {verb: 'list', group: 'apps', resource: 'daemonsets'},
      {verb: 'list', resource: 'configmaps', namespace: 'kube-system'},
    ],
  ],
  [
    'cleanup',
    [
      {verb: 'list', resource: 'pods'},
      {verb: 'delete', resource: 'pods', namespace: 'shop'},
      {verb: 'list', group: 'batch', resource: 'jobs'},
      {verb: 'delete', group: 'batch', resource: 'jobs', namespace: 'shop'},
    ],
  ],
]

describe('rbac/kubectl-netdiag.yaml', () => {
  for (const [command, needs] of declared) {
    it(`grants everything ${command} declares`, () => {
      assert.ok(needs.length > 0)
      const missing = needs.filter((r) => !allowed(r))
      assert.deepEqual(missing, [], `missing from rbac/kubectl-netdiag.yaml for ${command}`)
    })
  }

  it('is least privilege: writes only pods, their exec/ephemeralcontainers and the anchor Jobs, never reads Secrets, ConfigMaps only in kube-system', () => {
    const writes = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*'])
    for (const object of objects) {
      for (const rule of object.rules) {
        assert.ok(!rule.resources.includes('*') && !rule.verbs.includes('*') && !rule.apiGroups.includes('*'), JSON.stringify(rule))
        assert.ok(!rule.resources.includes('secrets'), 'never Secrets')
        if (rule.resources.includes('configmaps')) assert.equal(object.metadata.namespace, 'kube-system')
        if (rule.verbs.some((v) => writes.has(v))) {
          assert.ok(
            rule.resources.every((r) => ['pods', 'pods/exec', 'pods/ephemeralcontainers', 'jobs'].includes(r)) && (!rule.resources.includes('jobs') || rule.apiGroups.join() === 'batch'),
            `${object.metadata.name} writes ${rule.resources.join(',')}`,
          )
        }
      }
    }
  })

  it('denies what no check needs (the test above would pass on a file that grants everything)', () => {
    assert.equal(allowed({verb: 'get', resource: 'secrets', namespace: 'kube-system'}), false)
    assert.equal(allowed({verb: 'list', resource: 'configmaps', namespace: 'shop'}), false)
    assert.equal(allowed({verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'shop'}), false)
  })
})
