import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {describe, it} from 'node:test'

import {corednsConfigMap, corednsPod, corednsDeployment, kubeDnsService, kubeDnsSlice} from '../helpers/dns-fixtures.js'
import {writeTempFile} from '../helpers/files.js'
import {junitSchemaErrors} from '../helpers/junit-schema.js'
import {agentPod, apiServerPod, flannelConfigMap, flannelDaemonSet, kindNodes, kubeProxyConfigMap, kubeProxyDaemonSet, kubernetesService, networkPolicyAgentDaemonSet} from '../helpers/path-fixtures.js'
import {run} from '../helpers/run.js'
import {assertValidReport} from '../helpers/schema.js'
import {backendPods, dualStackService, endpointSlice, list, namespace, networkPolicy, pod, service, withIpv6} from '../helpers/svc-fixtures.js'

type Json = Record<string, any>

const SHOP = fileURLToPath(new URL('../../examples/shop.json', import.meta.url))

function kubernetesSlice(): Json {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {name: 'kubernetes', namespace: 'default', labels: {'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io'}},
    addressType: 'IPv4',
    ports: [{name: 'https', port: 6443, protocol: 'TCP'}],
    endpoints: [{addresses: ['172.18.0.2'], conditions: {ready: true}}],
  }
}

/** A healthy kind-like cluster, with what a careful engineer must not be warned about. */
function healthy(extra: {remove?: (o: Json) => boolean; add?: Json[]} = {}): Json[] {
  const nodes = kindNodes()
  const backends = backendPods()
  const coredns = [corednsPod(0), corednsPod(1)]
  const headless = service({name: 'backend-peers', spec: {clusterIP: 'None', selector: {app: 'backend'}, ports: [{name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP'}]}})
  const completedJob = {
    ...pod({name: 'migrate-x8k2p', deployment: null, labels: {'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate'}}),
  } as Json
  completedJob.metadata.ownerReferences = [{apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', uid: 'job-uid', controller: true}]
  completedJob.status = {...completedJob.status, phase: 'Succeeded', conditions: [{type: 'Ready', status: 'False', reason: 'PodCompleted'}]}
  const objects: Json[] = [
    namespace('default'),
    namespace('kube-system'),
    namespace('shop'),
    ...nodes,
    flannelDaemonSet(),
    kubeProxyDaemonSet(),
    ...nodes.flatMap((n) => [agentPod('flannel', n.metadata!.name!), agentPod('kube-proxy', n.metadata!.name!)]),
    kubeProxyConfigMap('iptables'),
    flannelConfigMap(),
    apiServerPod(),
    kubernetesService(),
    kubernetesSlice(),
    corednsDeployment(),
    ...coredns,
    kubeDnsService(),
    kubeDnsSlice(coredns),
    corednsConfigMap(),
    ...backends,
    service({}),
    endpointSlice(backends),
    headless,
    endpointSlice(backends, {service: 'backend-peers', name: 'backend-peers-a1b2c'}),
    service({name: 'payments', spec: {type: 'ExternalName', externalName: 'payments.example.com', clusterIP: undefined, selector: undefined, ports: undefined}}),
    completedJob,
  ]
  return [...objects.filter((o) => !extra.remove?.(o)), ...(extra.add ?? [])]
}

// As kubectl netdiag snapshot writes it: the List says which kinds it captured whole (none absent means none exist).
const CAPTURED = 'Namespace,Node,Pod,Service,EndpointSlice,NetworkPolicy,Deployment,DaemonSet,ConfigMap'
/** kube-network-policies (kind's policy agent), running on every node: NetworkPolicies are enforced. */
function policyAgent(): Json[] {
  return [
    networkPolicyAgentDaemonSet(),
    ...kindNodes().map((n) => {
      const agent = agentPod('kube-proxy', n.metadata!.name!) as Json
      agent.metadata = {name: `kube-network-policies-${n.metadata!.name!.slice(-5)}`, namespace: 'kube-system', labels: {app: 'kube-network-policies', 'controller-revision-hash': '5b8c9d'}}
      agent.spec.containers = [{name: 'kube-network-policies', image: 'registry.k8s.io/networking/kube-network-policies:v0.6.1'}]
      agent.status.containerStatuses[0].name = 'kube-network-policies'
      return agent
    }),
  ]
}

const snapshot = (items: Json[]) => writeTempFile('cluster.json', JSON.stringify({...list('List', items), metadata: {annotations: {'netdiag.io/captured': CAPTURED}}}))

async function scan(argv: string[], expectedExit?: number) {
  const r = await run(['scan', ...argv, '-o', 'json'])
  if (expectedExit !== undefined) assert.equal(r.exitCode, expectedExit, r.stderr)
  const report = JSON.parse(r.stdout)
  assertValidReport(report)
  return {report, exitCode: r.exitCode, stderr: r.stderr}
}

async function diagnose(argv: string[]) {
  const r = await run([...argv, '-o', 'json'])
  const report = JSON.parse(r.stdout)
  assertValidReport(report)
  return report
}

const key = (o: Json) => `${o.kind}/${o.namespace ?? ''}/${o.name}`

describe('scan on a healthy cluster', () => {
  it('no failure and no warning: the kubernetes Service without selector, headless and ExternalName Services, a completed Job pod', async () => {
    const {report, exitCode} = await scan(['-A', '--snapshot', snapshot(healthy())])
    assert.deepEqual(report.scan.findings.map((f: Json) => `${f.code} ${key(f.object)}: ${f.summary}`), [])
    assert.equal(report.status, 'pass')
    assert.equal(exitCode, 0)
    assert.equal(report.command, 'scan')
    assert.deepEqual(report.checks.map((c: Json) => c.id), ['scan.services', 'scan.dns', 'scan.policies', 'scan.nodes', 'scan.routing'])
    assert.equal(report.scan.scanned.services, 5)
  })
})

describe('right before broad: scan names what svc and dns name', () => {
  const shopPods = backendPods()
  const cases: Array<{name: string; cluster: () => Json[]; svc?: string; dns?: string; code: string}> = [
    {
      name: 'selector matching nothing',
      cluster: () => healthy({remove: (o) => o.kind === 'Service' && o.metadata.name === 'backend', add: [service({spec: {selector: {app: 'backend-api'}}})]}),
      svc: 'backend',
      code: 'svc-selector-no-match',
    },
    {
      name: 'no ready endpoint',
      cluster: () => {
        const failing = backendPods('readiness-failing')
        return healthy({remove: (o) => (o.kind === 'Pod' && o.metadata.name.startsWith('backend-')) || (o.kind === 'EndpointSlice' && o.metadata.namespace === 'shop'), add: [...failing, endpointSlice(failing), endpointSlice(failing, {service: 'backend-peers', name: 'backend-peers-a1b2c'})]})
      },
      svc: 'backend',
      code: 'svc-no-ready-endpoints',
    },
    {
      name: 'targetPort that resolves on no backend',
      cluster: () => healthy({remove: (o) => o.kind === 'Service' && o.metadata.name === 'backend', add: [service({spec: {ports: [{name: 'http', port: 80, targetPort: 'web', protocol: 'TCP'}]}})]}),
      svc: 'backend',
      code: 'svc-targetport-unresolved',
    },
    {
      // Dual-stack (https://kubernetes.io/docs/concepts/services-networking/dual-stack/): one EndpointSlice per
      // address family; here the IPv6 one is missing while the pods have IPv6 addresses.
      name: 'a dual-stack Service whose IPv6 family has no ready endpoint',
      cluster: () => {
        const pods = withIpv6(backendPods())
        return healthy({remove: (o) => (o.kind === 'Pod' && o.metadata.name.startsWith('backend-')) || (o.kind === 'Service' && o.metadata.name === 'backend'), add: [...pods, dualStackService()]})
      },
      svc: 'backend',
      code: 'svc-ip-family-no-endpoints',
    },
    {
      name: 'DNS egress blocked for a namespace',
      cluster: () => healthy({add: [...policyAgent(), networkPolicy('default-deny-egress', {podSelector: {}, policyTypes: ['Egress']})]}),
      dns: 'shop',
      code: 'dns-egress-blocked',
    },
  ]
  for (const c of cases) {
    it(`${c.name}: ${c.code}, with the objects ${c.svc ? 'svc' : 'dns'} names`, async () => {
      const file = snapshot(c.cluster())
      const single = await diagnose(c.svc ? ['svc', c.svc, '-n', 'shop', '--snapshot', file] : ['dns', '-n', c.dns!, '--snapshot', file])
      const root = single.diagnosis.rootCause
      assert.ok(root, 'the single-object command finds a root cause')
      const {report} = await scan(['-A', '--snapshot', file], 1)
      const finding = report.scan.findings.find((f: Json) => f.code === c.code)
      assert.ok(finding, `no ${c.code} in ${report.scan.findings.map((f: Json) => f.code)}`)
      assert.equal(finding.checkId, root.checkId)
      assert.deepEqual(finding.objects.map(key), root.objects.map(key))
      // dns counts the debug pod a probe run adds as one more label group; scan judges only the pods that exist.
      if (c.svc) assert.equal(finding.summary, root.summary)
      assert.equal(report.diagnosis.rootCause.checkId, root.checkId)
      void shopPods
    })
  }

  it('examples/shop.json: the selector typo and the DNS allowance, as svc and dns name them', async () => {
    const {report} = await scan(['-A', '--snapshot', SHOP], 1)
    const svc = (await diagnose(['svc', 'backend', '-n', 'shop', '--snapshot', SHOP])).diagnosis.rootCause
    const dns = (await diagnose(['dns', '-n', 'shop', '--snapshot', SHOP])).diagnosis.rootCause
    const byCode = (code: string) => report.scan.findings.find((f: Json) => f.code === code)
    assert.deepEqual(byCode('svc-selector-no-match').objects.map(key), svc.objects.map(key))
    assert.deepEqual(byCode('dns-egress-blocked').objects.map(key), dns.objects.map(key))
    assert.deepEqual(byCode('dns-egress-blocked').object, {kind: 'Namespace', name: 'shop'})
    assert.match(byCode('policy-peer-matches-nothing').summary, /NetworkPolicy shop\/allow-dns spec\.egress\[0\]\.to\[0\]: namespaceSelector name=kube-system matches no namespace/)
  })
})

describe('scan on the ingress example (examples/ingress.json)', () => {
  const INGRESS = fileURLToPath(new URL('../../examples/ingress.json', import.meta.url))
  it('the backend Service that route names as root cause fails in scan; what a snapshot cannot tell is unknown', async () => {
    const route = (await diagnose(['route', 'store', '-n', 'shop', '--snapshot', INGRESS])).diagnosis.rootCause
    const {report} = await scan(['-A', '--snapshot', INGRESS], 1)
    const failing = report.scan.findings.filter((f: Json) => f.severity === 'fail')
    assert.ok(failing.some((f: Json) => key(f.object) === key(route.objects[0])), `${key(route.objects[0])} not among ${failing.map((f: Json) => key(f.object))}`)
    const tls = report.scan.findings.find((f: Json) => f.checkId === 'ingress.tls.secret')
    assert.equal(tls.code, 'unknown-missing-data')
    assert.equal(report.scan.scanned.routing, 2)
  })
})

describe('scan findings about policies and nodes', () => {
  it('a policy that selects no pod, and a node that is not ready', async () => {
    const nodes = kindNodes()
    nodes[2]!.status!.conditions = [{type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready'}] as never
    const file = snapshot(healthy({remove: (o) => o.kind === 'Node', add: [...nodes, networkPolicy('protect-db', {podSelector: {matchLabels: {app: 'db'}}, policyTypes: ['Ingress']})]}))
    const {report} = await scan(['-A', '--snapshot', file], 1)
    const codes = report.scan.findings.map((f: Json) => `${f.code} ${key(f.object)}`)
    assert.ok(codes.includes('policy-selects-no-pod NetworkPolicy/shop/protect-db'), codes.join('\n'))
    assert.ok(codes.includes('node-not-ready Node//kind-worker2'), codes.join('\n'))
  })

  it('unknown, not healthy: a kubectl get of one namespace cannot say whether kube-system, nodes or policies are fine', async () => {
    const shopOnly = healthy().filter((o) => o.metadata?.namespace === 'shop')
    const file = writeTempFile('shop.json', JSON.stringify(list('List', shopOnly)))
    const {report} = await scan(['-n', 'shop', '--snapshot', file], 0)
    const unknown = report.scan.findings.filter((f: Json) => f.code === 'unknown-missing-data')
    assert.ok(unknown.length >= 3, report.scan.findings.map((f: Json) => f.code).join(','))
    for (const f of unknown) {
      assert.equal(f.severity, 'warn')
      assert.match(f.summary, /^unknown: /)
      assert.equal(f.fix, undefined)
    }
    assert.equal(report.scan.counts.fail, 0)
    assert.equal(report.status, 'warn')
  })
})

describe('scan --ignore and --config', () => {
  const broken = () => snapshot(healthy({remove: (o) => o.kind === 'Service' && o.metadata.name === 'backend', add: [service({spec: {selector: {app: 'backend-api'}}})]}))
  it('--ignore accepts a code: reported as ignored, not counted, exit 0', async () => {
    const {report, exitCode} = await scan(['-A', '--snapshot', broken(), '--ignore', 'svc-selector-no-match'])
    assert.equal(exitCode, 0)
    assert.equal(report.scan.counts.ignored, 1)
    assert.equal(report.scan.findings[0].ignored, true)
    assert.equal(report.status, 'pass')
  })
  it('a config file accepts one object only', async () => {
    const config = writeTempFile('scan.yaml', 'ignore:\n  - code: svc-selector-no-match\n    object: Service/shop/other\n')
    const {exitCode} = await scan(['-A', '--snapshot', broken(), '--config', config])
    assert.equal(exitCode, 1)
    const accepted = writeTempFile('scan.yaml', 'ignore:\n  - code: svc-selector-no-match\n    object: service/shop/backend\n')
    assert.equal((await scan(['-A', '--snapshot', broken(), '--config', accepted])).exitCode, 0)
  })
  const errors: Array<[string, () => string[], RegExp]> = [
    ['an unknown code in --ignore', () => ['--ignore', 'svc-selectr-no-match'], /^error: --ignore: unknown finding code "svc-selectr-no-match"/],
    ['a config field that does not exist', () => ['--config', writeTempFile('scan.yaml', 'ignore:\n  - code: svc-selector-no-match\n    objekt: Service/shop/backend\n')], /^error: --config \S+scan\.yaml: ignore\[0\]\.objekt: unknown field/],
    ['a config that is not YAML', () => ['--config', writeTempFile('scan.yaml', 'ignore: [a, b\n')], /^error: --config \S+: not valid YAML or JSON/],
    ['-A with -n', () => ['-A', '-n', 'shop'], /^error: -A and -n cannot be combined/],
    ['--fail-on-change without --with', () => ['--fail-on-change'], /^error: --fail-on-change needs --with or --without/],
  ]
  for (const [name, argv, message] of errors) {
    it(`exit 2, one line: ${name}`, async () => {
      const r = await run(['scan', '--snapshot', broken(), ...argv(), '-o', 'json'])
      assert.equal(r.exitCode, 2)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, message)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    })
  }
})

describe('scan output formats', () => {
  it('JUnit: one testcase per object and code, valid against junit-10.xsd', async () => {
    const r = await run(['scan', '-A', '--snapshot', SHOP, '-o', 'junit'])
    assert.equal(r.exitCode, 1)
    assert.deepEqual(await junitSchemaErrors(r.stdout), [])
    assert.match(r.stdout, /<testcase name="svc-selector-no-match" classname="Service\/shop\/backend"/)
    assert.match(r.stdout, /<testcase name="dns-egress-blocked" classname="Namespace\/shop"/)
  })
  it('YAML is the JSON document', async () => {
    const r = await run(['scan', '-A', '--snapshot', SHOP, '-o', 'yaml'])
    assert.match(r.stdout, /^apiVersion: netdiag\/v1\nkind: Report\ncommand: scan\n/)
  })
  it('table: findings grouped per object', async () => {
    const r = await run(['scan', '-A', '--snapshot', SHOP])
    assert.match(r.stdout, /\nService shop\/backend\n  FAIL svc-selector-no-match: Service shop\/backend selects app=backend-api/)
    assert.match(r.stdout, /FAIL: 2 failing, 1 warning\n$/)
  })
})

describe('what-if: --with and --without', () => {
  const lockdown = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: lockdown
  namespace: shop
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
`
  const withFrontend = () => healthy({add: [pod({name: 'frontend-5c7d9-abcde', deployment: 'frontend', hash: '5c7d9', ip: '10.244.1.40'})]})

  it('scan --with: the verdict that flips, named with the deciding policy; --fail-on-change exits 5', async () => {
    const file = snapshot(withFrontend())
    const manifest = writeTempFile('lockdown.yaml', lockdown)
    const {report, exitCode} = await scan(['-n', 'shop', '--snapshot', file, '--with', manifest, '--fail-on-change'], 5)
    void exitCode
    const texts = report.scan.whatIf.flips.map((f: Json) => f.text)
    assert.ok(texts.includes('svc shop/backend:80/TCP from shop pods {app=frontend}: allowed → denied by NetworkPolicy shop/lockdown'), texts.join('\n'))
    assert.deepEqual(report.scan.whatIf.applied, [`NetworkPolicy shop/lockdown (${manifest})`])
    assert.ok(report.scan.whatIf.regressions > 0)
  })

  it('scan --without: deleting the policy that allows DNS makes dns-egress-blocked appear', async () => {
    const allowDns = networkPolicy('allow-dns', {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}], ports: [{protocol: 'UDP', port: 53}, {protocol: 'TCP', port: 53}]}]})
    const deny = networkPolicy('default-deny-egress', {podSelector: {}, policyTypes: ['Egress']})
    const file = snapshot(healthy({add: [...policyAgent(), deny, allowDns]}))
    const before = await scan(['-n', 'shop', '--snapshot', file], 0)
    assert.equal(before.report.scan.findings.filter((f: Json) => f.code === 'dns-egress-blocked').length, 0)
    const {report} = await scan(['-n', 'shop', '--snapshot', file, '--without', 'networkpolicy/shop/allow-dns'], 1)
    const appeared = report.scan.whatIf.findings.filter((c: Json) => c.change === 'appeared').map((c: Json) => c.finding.code)
    assert.ok(appeared.includes('dns-egress-blocked'), appeared.join(','))
    assert.deepEqual(report.scan.whatIf.deleted, ['NetworkPolicy shop/allow-dns'])
  })

  it('no change: exit 0 with --fail-on-change, whatever the cluster already has', async () => {
    const manifest = writeTempFile('cm.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: shop}\n')
    const {report} = await scan(['-A', '--snapshot', SHOP, '--with', manifest, '--fail-on-change'], 0)
    assert.equal(report.status, 'fail')
    assert.deepEqual(report.scan.whatIf.notAnalysed, [`ServiceAccount shop/robot (${manifest})`])
  })

  it('svc --with: a Deployment whose template carries the selected labels is judged as rolled out', async () => {
    const file = snapshot(healthy({remove: (o) => o.kind === 'Service' && o.metadata.name === 'backend', add: [service({spec: {selector: {app: 'backend-api'}}})]}))
    const fixed = writeTempFile('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: backend, namespace: shop}\nspec:\n  selector: {app: backend}\n  ports: [{name: http, port: 80, targetPort: http}]\n')
    const before = await diagnose(['svc', 'backend', '-n', 'shop', '--snapshot', file])
    assert.equal(before.diagnosis.rootCause.checkId, 'svc.selector')
    const after = await diagnose(['svc', 'backend', '-n', 'shop', '--snapshot', file, '--with', fixed])
    assert.equal(after.diagnosis.rootCause, null, JSON.stringify(after.diagnosis))
    assert.ok(after.target.whatIf.applied[0].startsWith('Service shop/backend'))
  })

  const bad: Array<[string, string, RegExp]> = [
    ['a document without kind', 'apiVersion: v1\nmetadata: {name: x}\n', /^error: --with \S+bad\.yaml: kind: missing or not a string$/],
    ['the second document without a name', 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {labels: {a: b}}\n', /^error: --with \S+bad\.yaml, document 2: metadata\.name: missing or not a string$/],
    ['YAML that does not parse', 'apiVersion: v1\nkind: [Service\n', /^error: --with \S+bad\.yaml: not valid YAML or JSON/],
    ['a Service selector that is not a map', 'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: shop}\nspec: {selector: [a]}\n', /^error: --with \S+bad\.yaml: Service shop\/a spec\.selector: /],
  ]
  for (const [name, text, message] of bad) {
    it(`malformed --with: exit 2 naming the file and field (${name})`, async () => {
      const r = await run(['scan', '-A', '--snapshot', SHOP, '--with', writeTempFile('bad.yaml', text), '-o', 'json'])
      assert.equal(r.exitCode, 2, r.stderr)
      assert.equal(r.stdout, '')
      assert.match(r.stderr.trim(), message)
    })
  }
  it('--without with an unknown kind: exit 2', async () => {
    const r = await run(['dns', '-n', 'shop', '--snapshot', SHOP, '--without', 'secret/shop/x'])
    assert.equal(r.exitCode, 2)
    assert.match(r.stderr, /^error: invalid --without "secret\/shop\/x": netdiag does not analyse kind "secret"/)
  })
})
