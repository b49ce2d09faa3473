// Live benchmarks on the local cluster (test/cluster): netdiag against the same work done by hand with kubectl,
// in the same run on the same machine, and against a cluster loaded with Services, pods on fake nodes and
// NetworkPolicies. Prints the ratios the performance goals are stated in; never asserted in tests.
//
//   floor      the least a person could do: one pod start + one probe (dig, or a TCP connect), scripted
//   runbook    the official "Debugging DNS Resolution" steps: a pod, 2 execs, 4 gets, the logs, delete
//   loaded     the same netdiag commands after loading the API server (see loadCluster)
//
// API calls and bytes are counted by a reverse proxy in front of the API server (bench/api-proxy.ts).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {Agent, request} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse as parseYaml} from 'yaml'

import {startCountingProxy, type ApiTraffic} from './api-proxy.js'

const STATE = process.env.NETDIAG_CLUSTER_DIR ?? '/var/tmp/netdiag-cluster'
export const LOCAL_KUBECONFIG = join(STATE, 'kubeconfig')
const SERVING = {cert: join(STATE, 'pki', 'apiserver.crt'), key: join(STATE, 'pki', 'apiserver.key'), ca: join(STATE, 'pki', 'ca.crt')}
const NAMESPACE = 'netdiag-bench'
const PROBE_IMAGE = 'localhost/netdiag-probe:dev'
const WEB_IMAGE = 'localhost/netdiag-web:dev'
const NODES = ['netdiag-node1', 'netdiag-node2']
const TIME = '/usr/bin/time'
const EXTERNAL_NAME = process.env.NETDIAG_BENCH_EXTERNAL_NAME ?? 'probe.netdiag.test'

export interface LiveScale {
  services: number
  pods: number
  policies: number
}

export interface LiveOptions {
  kubeconfig: string
  cli: string
  runs: number
  /** undefined: skip the loaded-cluster part. */
  scale?: LiveScale
}

interface Timed {
  wallMs: number
  cpuMs: number
  exitCode: number
  stdout: string
  stderr: string
}

export interface LiveMeasurement {
  label: string
  runs: number
  medianWallMs: number
  minWallMs: number
  maxWallMs: number
  medianCpuMs: number
  exitCode: number
  reportStatus?: string
  /** A benchmark of a healthy namespace should pass; when it does not, what the report blamed. */
  rootCause?: string
  api?: {calls: number; bytes: number; clusterWideLists: string[]}
}

export interface LiveResults {
  scale?: LiveScale & {fakeNodes: number; namespaces: number; loadSeconds: number; settle: Settled; unloadedSettle: Settled}
  measurements: LiveMeasurement[]
  ratios: Record<string, number>
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Runs a command under GNU time so the CPU of every process it starts (kubectl, node) is counted. */
function timed(file: string, args: string[], env: NodeJS.ProcessEnv): Timed {
  const out = join(tmpdir(), `netdiag-live-${process.pid}`)
  const started = performance.now()
  const child = spawnSync(TIME, ['-f', '%U %S', '-o', out, file, ...args], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1', ...env}, maxBuffer: 64 << 20})
  const wallMs = performance.now() - started
  const [user, system] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
  rmSync(out, {force: true})
  return {wallMs, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, exitCode: child.status ?? -1, stdout: child.stdout, stderr: child.stderr}
}

/** The same through an asynchronous child, so a proxy in this process keeps serving while it runs. */
function runAsync(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{exitCode: number; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {env: {...process.env, NO_COLOR: '1', ...env}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({exitCode: code ?? -1, stderr}))
  })
}

class Kubectl {
  constructor(readonly kubeconfig: string) {}

  run(args: string[], input?: string): string {
    const result = spawnSync('kubectl', args, {encoding: 'utf8', input, env: {...process.env, KUBECONFIG: this.kubeconfig}, maxBuffer: 64 << 20})
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr.trim()}`)
    return result.stdout
  }

  tryRun(args: string[]): void {
    spawnSync('kubectl', args, {encoding: 'utf8', env: {...process.env, KUBECONFIG: this.kubeconfig}})
  }
}

function pod(name: string, node: string, image: string, labels: Record<string, string>, command?: string[]) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, namespace: NAMESPACE, labels},
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{name: 'main', image, imagePullPolicy: 'IfNotPresent', ...(command ? {command} : {}), ports: [{name: 'http', containerPort: 8080}]}],
    },
  }
}

/** Three web pods (two on node1, one on node2) behind Service `web`: the healthy namespace every run targets. */
function setUp(kubectl: Kubectl): {ips: Record<string, string>} {
  kubectl.tryRun(['delete', 'namespace', NAMESPACE, '--wait=true', '--timeout=120s'])
  kubectl.run(['create', 'namespace', NAMESPACE])
  const objects = [
    pod('web-1', NODES[0]!, WEB_IMAGE, {app: 'web'}),
    pod('web-2', NODES[1]!, WEB_IMAGE, {app: 'web'}),
    pod('web-3', NODES[0]!, WEB_IMAGE, {app: 'web'}),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'web', namespace: NAMESPACE},
      spec: {selector: {app: 'web'}, ports: [{name: 'http', port: 80, targetPort: 'http'}]},
    },
  ]
  kubectl.run(['apply', '-f', '-'], JSON.stringify({apiVersion: 'v1', kind: 'List', items: objects}))
  kubectl.run(['-n', NAMESPACE, 'wait', '--for=condition=Ready', 'pod', '--all', '--timeout=120s'])
  // kube-proxy programs the ClusterIP a moment after the endpoints exist.
  spawnSync('sleep', ['2'])
  const ips = Object.fromEntries(
    kubectl
      .run(['-n', NAMESPACE, 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.podIP}{"\\n"}{end}'])
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  )
  return {ips}
}

/**
 * Shell scripts of the by-hand work; each creates and deletes its own pod, as netdiag does. `run` makes the pod
 * names unique: a pod deleted with --wait=false is still terminating when the next run starts.
 */
function handScripts(ips: Record<string, string>, run: number): Record<string, string> {
  const k = `kubectl -n ${NAMESPACE}`
  const start = (name: string, node?: string) =>
    `trap '${k} delete pod ${name} --grace-period=0 --wait=false >/dev/null 2>&1' EXIT; ` +
    `${k} run ${name} --image=${PROBE_IMAGE} --image-pull-policy=IfNotPresent --restart=Never ` +
    (node ? `--overrides='{"apiVersion":"v1","spec":{"nodeName":"${node}"}}' ` : '') +
    `--command -- sleep 300 >/dev/null; ${k} wait --for=condition=Ready pod/${name} --timeout=60s >/dev/null`
  const scripts: Record<string, string> = {
    'floor dns': `${start(`floor-dns-${run}`)}; ${k} exec floor-dns-${run} -- dig +short +time=2 kubernetes.default.svc.cluster.local`,
    'runbook dns':
      `${start(`dnsutils-${run}`)}; ${k} exec dnsutils-${run} -- nslookup kubernetes.default; ${k} exec dnsutils-${run} -- cat /etc/resolv.conf; ` +
        `kubectl -n kube-system get pods -l k8s-app=kube-dns; kubectl -n kube-system get svc kube-dns; ` +
        `kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns; kubectl -n kube-system get configmap coredns -o yaml; ` +
        `kubectl -n kube-system logs -l k8s-app=kube-dns --tail=20`,
    'floor svc': `${start(`floor-svc-${run}`)}; ${k} exec floor-svc-${run} -- nc -zw2 web 80`,
    'floor path same-node': `${start(`floor-same-${run}`, NODES[0])}; ${k} exec floor-same-${run} -- nc -zw2 ${ips['web-3']} 8080`,
    'floor path cross-node': `${start(`floor-cross-${run}`, NODES[0])}; ${k} exec floor-cross-${run} -- nc -zw2 ${ips['web-2']} 8080`,
  }
  return Object.fromEntries(Object.entries(scripts).map(([label, script]) => [label, `set -eu; ${script}`]))
}

/**
 * Waits (untimed) until the pods earlier runs made are gone, leaving the namespace's web pods. A pod deleted at
 * the end of one run is torn down by the kubelet while the next run's pod starts; how much that slows the start
 * depends on how it was deleted (kubectl turns --grace-period=0 into 1 s, netdiag's API call deletes at once), so
 * without this wait one side of a ratio pays for the previous run's teardown and the other does not.
 */
function waitForProbePodsGone(kubectl: Kubectl): void {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const names = kubectl.run(['-n', NAMESPACE, 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']).trim().split(/\s+/).filter(Boolean)
    if (names.every((name) => /^web-\d+$/.test(name))) return
    spawnSync('sleep', ['0.2'])
  }
  throw new Error(`pods of earlier runs still in namespace ${NAMESPACE} after 60 s`)
}

function measure(label: string, runs: number, once: () => Timed, options: {report?: boolean; between?: () => void} = {}): LiveMeasurement {
  once() // warm-up: page cache, V8 code cache, the image on the node
  const samples = Array.from({length: runs}, () => (options.between?.(), once()))
  const last = samples.at(-1)!
  if (options.report && last.exitCode > 1) throw new Error(`${label}: exit ${last.exitCode}: ${last.stderr.trim().split('\n').at(-1)}`)
  if (!options.report && last.exitCode !== 0) throw new Error(`${label}: exit ${last.exitCode}: ${last.stderr.trim()}`)
  const wall = samples.map((s) => s.wallMs)
  return {
    label,
    runs,
    medianWallMs: Math.round(median(wall)),
    minWallMs: Math.round(Math.min(...wall)),
    maxWallMs: Math.round(Math.max(...wall)),
    medianCpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
    exitCode: last.exitCode,
    ...(options.report ? reportFields(last.stdout) : {}),
  }
}

function reportFields(stdout: string): {reportStatus: string; rootCause?: string} {
  const report = JSON.parse(stdout) as {status: string; diagnosis?: {rootCause?: {checkId: string; summary: string}}}
  const cause = report.diagnosis?.rootCause
  return {reportStatus: report.status, ...(cause ? {rootCause: `${cause.checkId}: ${cause.summary}`} : {})}
}

/** The netdiag runs of this benchmark: label and arguments. */
function netdiagCommands(noProbe: boolean): Array<[string, string[]]> {
  const n = ['-n', NAMESPACE, '-o', 'json']
  if (noProbe) {
    return [
      ['netdiag svc', ['svc', 'web', ...n]],
      ['netdiag dns --no-probe', ['dns', '--no-probe', ...n]],
      ['netdiag path --no-probe', ['path', 'web-1', 'web-2', '--no-probe', ...n]],
    ]
  }
  return [
    // The local cluster has no internet: its upstream resolver answers *.netdiag.test (test/cluster/README.md).
    ['netdiag dns', ['dns', '--external-name', EXTERNAL_NAME, ...n]],
    ['netdiag svc', ['svc', 'web', ...n]],
    ['netdiag path same-node', ['path', 'web-1', 'web-3', '--probe-mode', 'pod', ...n]],
    ['netdiag path cross-node', ['path', 'web-1', 'web-2', '--probe-mode', 'pod', ...n]],
  ]
}

async function runNetdiag(options: LiveOptions, commands: Array<[string, string[]]>, suffix: string): Promise<LiveMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-live-'))
  const proxy = await startCountingProxy(options.kubeconfig, join(dir, 'kubeconfig'), SERVING)
  const kubectl = new Kubectl(options.kubeconfig)
  const out: LiveMeasurement[] = []
  try {
    for (const [label, args] of commands) {
      log(`live: ${label}${suffix} x${options.runs}`)
      const m = measure(`${label}${suffix}`, options.runs, () => timed(process.execPath, [options.cli, ...args], {KUBECONFIG: options.kubeconfig}), {report: true, between: () => waitForProbePodsGone(kubectl)})
      // One more run through the counting proxy: the calls and bytes of one invocation.
      proxy.take()
      const counted = await runAsync(process.execPath, [options.cli, ...args], {KUBECONFIG: proxy.kubeconfigPath})
      if (counted.exitCode > 1) throw new Error(`${label} through the proxy: exit ${counted.exitCode}: ${counted.stderr.trim()}`)
      const traffic: ApiTraffic = proxy.take()
      out.push({...m, api: {calls: traffic.calls, bytes: traffic.bytes, clusterWideLists: traffic.clusterWideLists}})
    }
  } finally {
    await proxy.close()
    rmSync(dir, {recursive: true, force: true})
  }
  return out
}

// --- the loaded cluster ---------------------------------------------------------------------------------------

interface Api {
  post(path: string, body: unknown): Promise<void>
  del(path: string): Promise<void>
}

function apiFrom(kubeconfig: string): Api {
  const config = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: Array<{cluster: Record<string, string>}>
    users: Array<{user: Record<string, string>}>
  }
  const cluster = config.clusters[0]!.cluster
  const user = config.users[0]!.user
  const read = (base: Record<string, string>, name: string) => (base[`${name}-data`] ? Buffer.from(base[`${name}-data`]!, 'base64') : base[name] ? readFileSync(base[name]!) : undefined)
  const url = new URL(cluster.server!)
  const agent = new Agent({keepAlive: true, maxSockets: 16, ca: read(cluster, 'certificate-authority'), cert: read(user, 'client-certificate'), key: read(user, 'client-key')})
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<void>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body)
      const req = request({host: url.hostname, port: url.port, path, method, agent, headers: {'content-type': 'application/json', ...(user.token ? {authorization: `Bearer ${user.token}`} : {})}}, (res) => {
        res.resume()
        res.on('end', () => ((res.statusCode ?? 500) < 300 || res.statusCode === 404 || res.statusCode === 409 ? resolve() : reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`))))
      })
      req.on('error', reject)
      req.end(data)
    })
  return {post: (path, body) => call('POST', path, body), del: (path) => call('DELETE', path)}
}

/** How long the control plane took to go quiet before a measurement, and how busy it was then. */
export interface Settled {
  seconds: number
  /** The control plane's CPU in the last window, in cores; undefined when its processes are not on this machine. */
  cores?: number
  timedOut: boolean
}

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']
const CLOCK_TICKS_PER_SECOND = 100

/**
 * CPU seconds the control plane's processes (test/cluster's pid files) have used so far; undefined when none of
 * them can be read (another cluster, or not on this machine): then nothing is known of its load.
 */
function controlPlaneCpuSeconds(): number | undefined {
  let ticks = 0
  let seen = 0
  for (const name of CONTROL_PLANE) {
    try {
      const pid = readFileSync(join(STATE, 'run', 'pids', `${name}.pid`), 'utf8').trim()
      // The fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
      seen++
    } catch {
      // this one is not running here
    }
  }
  return seen ? ticks / CLOCK_TICKS_PER_SECOND : undefined
}

const SETTLE_WINDOW_MS = 5000
const SETTLE_CORES = 0.2
const SETTLE_MAX_MS = 600_000

/**
 * Waits until the API server, etcd and the controllers use under SETTLE_CORES for two windows in a row. They share
 * this machine's cores with the command measured: right after the load they are still digesting it (the
 * EndpointSlice controller, the watch caches, etcd compaction, garbage collection), and a wall time taken then
 * measures their backlog, not the command.
 */
async function settle(label: string): Promise<Settled> {
  const started = performance.now()
  let quiet = 0
  let cores = 0
  if (controlPlaneCpuSeconds() === undefined) {
    log(`live: ${label}: the control plane's processes are not on this machine (not test/cluster's): measuring without waiting`)
    return {seconds: 0, timedOut: false}
  }
  while (performance.now() - started < SETTLE_MAX_MS) {
    const before = controlPlaneCpuSeconds() ?? 0
    await new Promise((resolve) => setTimeout(resolve, SETTLE_WINDOW_MS))
    cores = ((controlPlaneCpuSeconds() ?? 0) - before) / (SETTLE_WINDOW_MS / 1000)
    quiet = cores < SETTLE_CORES ? quiet + 1 : 0
    if (quiet >= 2) break
  }
  const seconds = Math.round((performance.now() - started) / 1000)
  const timedOut = quiet < 2
  log(`live: ${label}: control plane ${timedOut ? 'still busy' : 'quiet'} after ${seconds} s (${cores.toFixed(2)} cores)`)
  return {seconds, cores: Math.round(cores * 100) / 100, timedOut}
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({length: limit}, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

const LOAD_LABEL = 'netdiag.bench/load'
const FAKE_NODES = 20
const LOAD_NAMESPACES = 100

/**
 * Loads the API server: LOAD_NAMESPACES namespaces holding `scale` Services, pods and NetworkPolicies, the pods
 * bound to FAKE_NODES Node objects that no kubelet serves (they stay Pending; they tolerate the not-ready taints,
 * so nothing evicts them). Returns the seconds it took.
 */
async function loadCluster(kubeconfig: string, scale: LiveScale): Promise<number> {
  const api = apiFrom(kubeconfig)
  const started = performance.now()
  const nodes = Array.from({length: FAKE_NODES}, (_, i) => `netdiag-bench-fake-${i}`)
  await inParallel(nodes, 8, (name) => api.post('/api/v1/nodes', {apiVersion: 'v1', kind: 'Node', metadata: {name, labels: {[LOAD_LABEL]: 'true'}}}))
  const namespaces = Array.from({length: LOAD_NAMESPACES}, (_, i) => `netdiag-bench-load-${i}`)
  await inParallel(namespaces, 8, (name) => api.post('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {[LOAD_LABEL]: 'true'}}}))
  const per = (total: number) => Math.ceil(total / LOAD_NAMESPACES)
  const jobs: Array<() => Promise<void>> = []
  namespaces.forEach((ns, n) => {
    for (let i = 0; i < per(scale.services); i++) {
      jobs.push(() => api.post(`/api/v1/namespaces/${ns}/services`, {
        apiVersion: 'v1', kind: 'Service', metadata: {name: `svc-${i}`},
        spec: {selector: {app: `app-${i % 50}`}, ports: [{port: 80, targetPort: 8080}]},
      }))
    }
    for (let i = 0; i < per(scale.pods); i++) {
      jobs.push(() => api.post(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: {name: `pod-${i}`, labels: {app: `app-${i % 50}`, tier: i % 2 ? 'web' : 'db'}},
        spec: {
          nodeName: nodes[(n * per(scale.pods) + i) % FAKE_NODES],
          terminationGracePeriodSeconds: 0,
          tolerations: [{operator: 'Exists', effect: 'NoExecute'}],
          containers: [{name: 'main', image: WEB_IMAGE, ports: [{containerPort: 8080}]}],
        },
      }))
    }
    for (let i = 0; i < per(scale.policies); i++) {
      jobs.push(() => api.post(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: `np-${i}`},
        spec: {podSelector: {matchLabels: {app: `app-${i % 50}`}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {tier: 'web'}}}], ports: [{port: 8080}]}]},
      }))
    }
  })
  let done = 0
  await inParallel(jobs, 24, async (job) => {
    await job()
    if (++done % 5000 === 0) log(`live: loaded ${done}/${jobs.length} objects`)
  })
  return Math.round((performance.now() - started) / 100) / 10
}

async function unloadCluster(kubeconfig: string): Promise<void> {
  const api = apiFrom(kubeconfig)
  const namespaces = Array.from({length: LOAD_NAMESPACES}, (_, i) => `netdiag-bench-load-${i}`)
  // Pods bound to nodes without a kubelet never finish a graceful delete: remove them at once, then the rest.
  await inParallel(namespaces, 8, (ns) => api.del(`/api/v1/namespaces/${ns}/pods?gracePeriodSeconds=0`))
  await inParallel(namespaces, 8, (ns) => api.del(`/api/v1/namespaces/${ns}`))
  await inParallel(Array.from({length: FAKE_NODES}, (_, i) => `netdiag-bench-fake-${i}`), 8, (name) => api.del(`/api/v1/nodes/${name}`))
}

function ratio(results: LiveMeasurement[], a: string, b: string, field: 'medianWallMs' | 'medianCpuMs' = 'medianWallMs'): number | undefined {
  const x = results.find((m) => m.label === a)?.[field]
  const y = results.find((m) => m.label === b)?.[field]
  return x && y ? Math.round((x / y) * 100) / 100 : undefined
}

export async function runLiveBench(options: LiveOptions): Promise<LiveResults> {
  const kubectl = new Kubectl(options.kubeconfig)
  const {ips} = setUp(kubectl)
  const measurements: LiveMeasurement[] = []
  let scale: LiveResults['scale']
  try {
    for (const label of Object.keys(handScripts(ips, 0))) {
      log(`live: ${label} x${options.runs}`)
      let run = 0
      measurements.push(measure(label, options.runs, () => timed('bash', ['-c', handScripts(ips, run++)[label]!], {KUBECONFIG: options.kubeconfig}), {between: () => waitForProbePodsGone(kubectl)}))
    }
    measurements.push(...(await runNetdiag(options, netdiagCommands(false), '')))
    if (options.scale) {
      const unloadedSettle = await settle('before the unloaded runs')
      const unloaded = await runNetdiag(options, netdiagCommands(true), ' (unloaded)')
      log(`live: loading ${options.scale.services} Services, ${options.scale.pods} pods, ${options.scale.policies} NetworkPolicies`)
      try {
        const loadSeconds = await loadCluster(options.kubeconfig, options.scale)
        const settled = await settle('after the load')
        scale = {...options.scale, fakeNodes: FAKE_NODES, namespaces: LOAD_NAMESPACES, loadSeconds, settle: settled, unloadedSettle}
        const loaded = await runNetdiag(options, netdiagCommands(true), ' (loaded)')
        measurements.push(...unloaded, ...loaded)
      } finally {
        log('live: removing the load')
        await unloadCluster(options.kubeconfig)
      }
    }
  } finally {
    kubectl.tryRun(['delete', 'namespace', NAMESPACE, '--wait=false'])
  }
  const ratios: Record<string, number | undefined> = {
    'dns / floor dns': ratio(measurements, 'netdiag dns', 'floor dns'),
    'dns / runbook dns': ratio(measurements, 'netdiag dns', 'runbook dns'),
    'dns CPU / floor dns CPU': ratio(measurements, 'netdiag dns', 'floor dns', 'medianCpuMs'),
    'svc / floor svc': ratio(measurements, 'netdiag svc', 'floor svc'),
    'path same-node / floor': ratio(measurements, 'netdiag path same-node', 'floor path same-node'),
    'path cross-node / floor': ratio(measurements, 'netdiag path cross-node', 'floor path cross-node'),
  }
  for (const [label] of netdiagCommands(true)) ratios[`${label} loaded / unloaded`] = ratio(measurements, `${label} (loaded)`, `${label} (unloaded)`)
  return {scale, measurements, ratios: Object.fromEntries(Object.entries(ratios).filter((e): e is [string, number] => e[1] !== undefined))}
}

export function liveTable(results: LiveResults): string {
  const rows = [['live command', 'median s', 'min s', 'max s', 'CPU s', 'API calls', 'API KB', 'cluster-wide lists', 'status']]
  for (const m of results.measurements) {
    rows.push([
      m.label,
      (m.medianWallMs / 1000).toFixed(2),
      (m.minWallMs / 1000).toFixed(2),
      (m.maxWallMs / 1000).toFixed(2),
      (m.medianCpuMs / 1000).toFixed(2),
      m.api ? String(m.api.calls) : '-',
      m.api ? (m.api.bytes / 1024).toFixed(0) : '-',
      m.api ? String(m.api.clusterWideLists.length) : '-',
      m.reportStatus ?? `exit ${m.exitCode}`,
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
  const causes = results.measurements.filter((m) => m.rootCause).map((m) => `  ${m.label} did not pass: ${m.rootCause}`)
  const ratioLines = Object.entries(results.ratios).map(([k, v]) => `  ${k}: ${v.toFixed(2)}x`)
  const s = results.scale
  const scale = s
    ? `loaded: ${s.services} Services, ${s.pods} pods on ${s.fakeNodes} fake nodes, ${s.policies} NetworkPolicies in ${s.namespaces} namespaces (loaded in ${s.loadSeconds} s; measured ${s.settle.seconds} s later, ${controlPlaneAt(s.settle)}${s.settle.timedOut ? ', never quiet' : ''}; unloaded: ${controlPlaneAt(s.unloadedSettle)})`
    : 'loaded cluster: not run (--live-scale 0)'
  return [...lines, ...causes, '', 'ratios:', ...ratioLines, scale].join('\n')
}

function controlPlaneAt(settled: Settled): string {
  return settled.cores === undefined ? 'the control plane not observed' : `the control plane at ${settled.cores} cores`
}

/** The local cluster is there and answers. */
export function liveClusterAvailable(kubeconfig: string): boolean {
  if (!existsSync(kubeconfig)) return false
  return spawnSync('kubectl', ['get', '--raw', '/readyz'], {env: {...process.env, KUBECONFIG: kubeconfig}, timeout: 10_000}).status === 0
}
