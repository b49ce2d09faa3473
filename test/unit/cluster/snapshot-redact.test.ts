import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {REDACTED, redactForSnapshot} from '../../../src/cluster/snapshot-redact.js'

const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"containers":[{"env":[{"name":"DB_PASSWORD","value":"hunter2"}]}]}}}}'

function pod(env: Array<{name: string; value?: string; valueFrom?: unknown}>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-0',
      namespace: 'shop',
      labels: {app: 'api'},
      annotations: {'kubectl.kubernetes.io/last-applied-configuration': lastApplied, 'prometheus.io/port': '9090'},
      managedFields: [{manager: 'kubectl', operation: 'Update'}],
    },
    spec: {
      containers: [{name: 'api', image: 'api:1', env, ports: [{name: 'http', containerPort: 8080}], readinessProbe: {httpGet: {path: '/healthz', port: 8080}}}],
      initContainers: [{name: 'init', image: 'busybox', env: [{name: 'SEED', value: 's3cr3t'}]}],
      dnsPolicy: 'ClusterFirst',
    },
    status: {phase: 'Running', podIP: '10.244.0.7'},
  }
}

describe('redactForSnapshot', () => {
  it('a Pod keeps what the analysis reads and loses env values, managedFields and the last-applied copy', () => {
    const out = redactForSnapshot(pod([{name: 'DB_PASSWORD', value: 'hunter2'}, {name: 'MODE', value: 'prod'}, {name: 'TOKEN', valueFrom: {secretKeyRef: {name: 's', key: 'k'}}}]))
    const text = JSON.stringify(out)
    assert.doesNotMatch(text, /hunter2|s3cr3t|prod|managedFields|last-applied/)
    assert.deepEqual(out.spec.containers[0]!.env, [
      {name: 'DB_PASSWORD', value: REDACTED},
      {name: 'MODE', value: REDACTED},
      {name: 'TOKEN', valueFrom: {secretKeyRef: {name: 's', key: 'k'}}},
    ])
    assert.deepEqual(out.metadata.annotations, {'prometheus.io/port': '9090'})
    assert.deepEqual(out.spec.containers[0]!.ports, [{name: 'http', containerPort: 8080}])
    assert.deepEqual(out.status, {phase: 'Running', podIP: '10.244.0.7'})
    assert.equal(out.metadata.labels.app, 'api')
  })

  it('a Deployment template loses env values', () => {
    const deployment = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api'}, spec: {replicas: 2, template: {metadata: {labels: {app: 'api'}}, spec: pod([{name: 'API_KEY', value: 'abc'}]).spec}}}
    const out = redactForSnapshot(deployment)
    assert.equal(out.spec.template.spec.containers[0]!.env[0]!.value, REDACTED)
    assert.equal(out.spec.replicas, 2)
  })

  it("a DaemonSet keeps the network agent's settings (the CNI analysis reads them) but not its credentials", () => {
    const calico = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {name: 'calico-node', namespace: 'kube-system'},
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'calico-node',
                env: [
                  {name: 'CALICO_IPV4POOL_IPIP', value: 'Always'},
                  {name: 'FELIX_IPINIPMTU', value: '1440'},
                  {name: 'ETCD_KEY_FILE', value: '/calico-secrets/etcd-key'},
                  {name: 'FELIX_PROMETHEUSMETRICSAUTH', value: 'x'},
                ],
              },
            ],
          },
        },
      },
    }
    const env = redactForSnapshot(calico).spec.template.spec.containers[0]!.env
    assert.deepEqual(
      env.map((e) => e.value),
      ['Always', '1440', REDACTED, REDACTED],
    )
  })

  it('ConfigMap data keeps its settings and loses embedded tokens and keys, in YAML and JSON', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'calico-config', namespace: 'kube-system'},
      data: {
        veth_mtu: '1440',
        'kubeconfig.conf': 'users:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n    token: eyJhbGciOiJSUzI1NiJ9.abc\n    client-key-data: LS0tLS1CRUdJTg==\n',
        cni_network_config: '{"type": "calico", "mtu": 1440, "kubernetes": {"kubeconfig": "/etc/cni/net.d/calico-kubeconfig"}, "token": "eyJhbGciOi", "policy": {"type": "k8s"}}',
      },
    }
    const out = redactForSnapshot(cm)
    assert.equal(out.data.veth_mtu, '1440')
    assert.match(out.data['kubeconfig.conf'], /tokenFile: \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/token\n/)
    assert.ok(out.data['kubeconfig.conf'].endsWith(`    token: ${REDACTED}\n    client-key-data: ${REDACTED}\n`), out.data['kubeconfig.conf'])
    assert.doesNotMatch(JSON.stringify(out), /eyJhbGciOi|LS0tLS1CRUdJTg/)
    assert.match(out.data.cni_network_config, /"mtu": 1440, .*"token": \(redacted by kubectl netdiag\), "policy"/)
  })

  it("a workload DaemonSet (not a network agent) keeps no env value; flags and probe headers lose their secrets", () => {
    const fluentd = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {name: 'fluentd', namespace: 'logging'},
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'fluentd',
                env: [{name: 'DATABASE_URL', value: 'postgres://u:hunter2@db'}, {name: 'SLACK_WEBHOOK', value: 'https://hooks.slack.com/x'}],
                args: ['--db-password=hunter2', '--log-level=info', '--api-key=k1'],
                livenessProbe: {httpGet: {path: '/healthz', port: 24231, httpHeaders: [{name: 'Authorization', value: 'Bearer s3cr3t'}]}},
              },
            ],
          },
        },
      },
    }
    const out = redactForSnapshot(fluentd)
    assert.doesNotMatch(JSON.stringify(out), /hunter2|hooks\.slack|s3cr3t|k1"/)
    const c = out.spec.template.spec.containers[0]!
    assert.deepEqual(c.args, [`--db-password=${REDACTED}`, '--log-level=info', `--api-key=${REDACTED}`])
    assert.equal(c.livenessProbe.httpGet.path, '/healthz', 'what the analysis reads stays')
  })

  it('ConfigMap data: credential spellings, credential-named keys, block scalars and binaryData', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'cni-extra', namespace: 'kube-system'},
      data: {
        'settings.yaml': 'db_password: hunter2\naccessToken: abc123\nclient-secret: s3cr3t\nsecret: abc\nmtu: 1450\npassword: |\n  multi\n  line\nafter: kept\n',
        'settings.json': '{"apiKey": "k", "Authorization": "Bearer abcdef", "tokenFile": "/var/run/token", "mtu": 1450}',
        password: 'hunter3',
        etcd_key: '-----BEGIN PRIVATE KEY-----',
      },
      binaryData: {blob: 'aGVsbG8='},
    }
    const out = redactForSnapshot(cm)
    assert.doesNotMatch(JSON.stringify(out), /hunter2|hunter3|abc123|s3cr3t|"k"|abcdef|multi|BEGIN PRIVATE|aGVsbG8/)
    assert.match(out.data['settings.yaml'], /mtu: 1450\n/)
    assert.match(out.data['settings.yaml'], /\nafter: kept\n$/)
    assert.match(out.data['settings.json'], /"tokenFile": "\/var\/run\/token", "mtu": 1450/)
    assert.equal(out.data.password, REDACTED)
    assert.equal('binaryData' in out, false)
  })

  it('leaves an object without anything to redact equal to itself', () => {
    const service = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: 'shop'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}}
    assert.deepEqual(redactForSnapshot(service), service)
  })
})
