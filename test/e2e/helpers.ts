import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {fileURLToPath} from 'node:url'

import type {Report} from '../../src/report/report.js'
import {assertValidReport} from '../helpers/schema.js'

export const KUBECONFIG = process.env.NETDIAG_E2E_KUBECONFIG ?? ''
export const PROBE_IMAGE = process.env.NETDIAG_E2E_IMAGE ?? 'localhost/netdiag-probe:dev'
export const WEB_IMAGE = process.env.NETDIAG_E2E_WEB_IMAGE ?? 'localhost/netdiag-web:dev'
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
/** NETDIAG_E2E_BIN: an executable to run instead of `node bin/run.js` (the packaged single-file binary). */
const COMMAND: [string, string[]] = process.env.NETDIAG_E2E_BIN ? [process.env.NETDIAG_E2E_BIN, []] : [process.execPath, [BIN]]
const env = {...process.env, KUBECONFIG, NO_COLOR: '1'}

/** Skip the suite (with the reason) when no cluster is configured, instead of failing on a developer laptop. */
export const skipWithoutCluster = KUBECONFIG ? false : 'NETDIAG_E2E_KUBECONFIG is not set (run npm run test:e2e)'

export function kubectl(args: string[], input?: string): {status: number; stdout: string; stderr: string} {
  const result = spawnSync('kubectl', args, {env, input, encoding: 'utf8', timeout: 120_000})
  return {status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr}
}

export function kubectlOk(args: string[], input?: string): string {
  const result = kubectl(args, input)
  assert.equal(result.status, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

export interface NetdiagRun {
  exitCode: number
  stdout: string
  stderr: string
  report?: Report
}

/** Runs the built CLI as a user would; with -o json the report is parsed and validated against the schema. */
export function netdiag(args: string[], options: {timeoutMs?: number} = {}): NetdiagRun {
  const result = spawnSync(COMMAND[0], [...COMMAND[1], ...args], {env, encoding: 'utf8', timeout: options.timeoutMs ?? 180_000})
  const run: NetdiagRun = {exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
  if (args.includes('json') && result.stdout.trim().startsWith('{')) {
    run.report = JSON.parse(result.stdout) as Report
    assertValidReport(run.report)
  }
  return run
}

export function startNetdiag(args: string[], extraEnv: Record<string, string> = {}) {
  return spawn(COMMAND[0], [...COMMAND[1], ...args], {env: {...env, ...extraEnv}, stdio: ['ignore', 'pipe', 'pipe']})
}

/** Every pod and Job carrying our managed-by label, in all namespaces, as KIND/NS/NAME. */
export function netdiagObjects(): string[] {
  const out = kubectlOk(['get', 'pods,jobs', '-A', '-l', 'app.kubernetes.io/managed-by=kubectl-netdiag', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'])
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

export function check(report: Report | undefined, id: string) {
  const found = report?.checks.find((c) => c.id === id)
  assert.ok(found, `check ${id} missing from report`)
  return found
}

/** A namespace per test, deleted afterwards even when the test fails. */
export async function withNamespace<T>(prefix: string, body: (namespace: string) => Promise<T> | T): Promise<T> {
  const namespace = `e2e-${prefix}-${randomBytes(3).toString('hex')}`
  kubectlOk(['create', 'namespace', namespace])
  try {
    return await body(namespace)
  } finally {
    kubectl(['delete', 'namespace', namespace, '--wait=false'])
  }
}

export function apply(namespace: string, yaml: string): void {
  kubectlOk(['apply', '-n', namespace, '-f', '-'], yaml)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (condition()) return
    await sleep(1000)
  }
  assert.fail(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
}

export function netdiagPods(namespace?: string): string[] {
  const out = kubectlOk(['get', 'pods', ...(namespace ? ['-n', namespace] : ['-A']), '-l', 'app.kubernetes.io/managed-by=kubectl-netdiag', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.deletionTimestamp}{"\\n"}{end}'])
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

/** Every debug pod we create, and the Job that owns it, must be gone (or being deleted) once a command has exited. */
export async function assertNoNetdiagPodsLeft(): Promise<void> {
  await waitFor('netdiag debug pods and anchor Jobs to disappear', () => netdiagPods().length === 0 && netdiagObjects().every((o) => !o.startsWith('Job/')), 30_000)
}

export function web(name: string, options: {labels?: Record<string, string>; port?: number; replicas?: number; readinessPath?: string} = {}): string {
  const labels = options.labels ?? {app: name}
  const labelYaml = Object.entries(labels)
    .map(([k, v]) => `        ${k}: ${v}`)
    .join('\n')
  const port = options.port ?? 8080
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${options.replicas ?? 1}
  selector:
    matchLabels:
${labelYaml.replace(/^ {8}/gm, '      ')}
  template:
    metadata:
      labels:
${labelYaml}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: web
        image: ${WEB_IMAGE}
        imagePullPolicy: IfNotPresent
        args: ["${port}"]
        ports:
        - name: http
          containerPort: ${port}
        readinessProbe:
          httpGet: {path: ${options.readinessPath ?? '/healthz'}, port: ${port}}
          periodSeconds: 2
`
}

/** A ClusterIP Service over `app: NAME` pods, its port named http to their http port (as web() declares it). */
export function serviceYaml(name: string, port = 80): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
  - name: http
    port: ${port}
    targetPort: http
`
}

/** Ingress `web`: one host, path / to Service backend on `port`, optionally TLS from the named Secrets. */
export function ingressYaml(options: {className: string; host: string; port?: number; tlsSecrets?: string[]}): string {
  const tls = options.tlsSecrets ? `  tls:\n${options.tlsSecrets.map((name) => `  - hosts: [${options.host}]\n    secretName: ${name}\n`).join('')}` : ''
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: ${options.className}
${tls}  rules:
  - host: ${options.host}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: backend
            port:
              number: ${options.port ?? 80}
`
}
