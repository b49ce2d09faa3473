// `npm run bench`: wall time and peak RSS of the built CLI on generated snapshots, medians of several runs.
// Timings are printed and written to .bench/results.json; they are never assertions.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {LOCAL_KUBECONFIG, liveClusterAvailable, liveTable, runLiveBench, type LiveResults, type LiveScale} from './live.js'
import {GENERATOR_VERSION, SIZES, type BenchTargets, type SizeName, generateSnapshot, snapshotText} from './snapshot-generator.js'
import {nodeName} from './topology.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, '.bench')
// NETDIAG_CLI: another build's bin/run.js, to compare before/after an optimisation on the same snapshots.
const CLI = process.env.NETDIAG_CLI ?? join(ROOT, 'bin', 'run.js')
const TIME = '/usr/bin/time'
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl'

interface Options {
  sizes: SizeName[]
  runs: number
  seed: number
  out: string
  /** 'auto': run the live benchmarks when the local cluster answers. */
  live: 'auto' | 'yes' | 'no'
  liveKubeconfig: string
  /** undefined: no loaded-cluster run. */
  liveScale?: LiveScale
}

interface Sample {
  wallMs: number
  rssKb?: number
  /** user + system CPU seconds: on a busy shared machine, steadier than wall time. */
  cpuMs?: number
  exitCode: number
  stdout: string
  stderr: string
}

export interface Measurement {
  label: string
  size?: SizeName
  command: string[]
  runs: number
  medianWallMs: number
  minWallMs: number
  maxWallMs: number
  medianCpuMs?: number
  medianRssMb?: number
  maxRssMb?: number
  exitCode: number
  reportStatus?: string
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    sizes: ['small', 'medium', 'large'],
    runs: 5,
    seed: 42,
    out: join(CACHE, 'results.json'),
    live: 'auto',
    liveKubeconfig: process.env.NETDIAG_BENCH_KUBECONFIG ?? LOCAL_KUBECONFIG,
    liveScale: {services: 10_000, pods: 30_000, policies: 2_000},
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined]
    const value = () => inline ?? argv[++i] ?? ''
    if (flag === '--sizes') {
      // Read once: value() consumes the next argument.
      const sizes = value()
      options.sizes = sizes === 'none' ? [] : (sizes.split(',') as SizeName[])
    }
    else if (flag === '--runs') options.runs = Number(value())
    else if (flag === '--seed') options.seed = Number(value())
    else if (flag === '--out') options.out = value()
    else if (flag === '--live') options.live = 'yes'
    else if (flag === '--no-live') options.live = 'no'
    else if (flag === '--live-scale') options.liveScale = parseScale(value())
    else throw new Error(`unknown option ${flag}; use --sizes small,medium,large --runs 5 --seed 42 --out .bench/results.json --live|--no-live --live-scale SERVICES,PODS,POLICIES|0`)
  }
  for (const size of options.sizes) if (!(size in SIZES)) throw new Error(`unknown size ${size}; sizes: ${Object.keys(SIZES).join(', ')}`)
  if (!(options.runs >= 1)) throw new Error('--runs must be at least 1')
  return options
}

function parseScale(text: string): LiveScale | undefined {
  if (text === '0') return undefined
  const [services, pods, policies] = text.split(',').map(Number)
  if (![services, pods, policies].every((n) => Number.isInteger(n) && n! > 0)) throw new Error('--live-scale takes SERVICES,PODS,POLICIES (e.g. 10000,30000,2000) or 0')
  return {services: services!, pods: pods!, policies: policies!}
}

/** Generates the snapshot once per size, seed and generator version; later runs reuse .bench/. */
function snapshotFor(size: SizeName, seed: number): {path: string; targets: BenchTargets; objects: number; bytes: number} {
  const base = join(CACHE, `snapshot-${size}-seed${seed}-v${GENERATOR_VERSION}`)
  const path = `${base}.json`
  const meta = `${base}.targets.json`
  if (!existsSync(path) || !existsSync(meta)) {
    const started = performance.now()
    const {items, targets} = generateSnapshot(SIZES[size], seed)
    writeFileSync(`${path}.tmp`, snapshotText(items))
    renameSync(`${path}.tmp`, path)
    writeFileSync(meta, JSON.stringify({targets, objects: items.length}))
    log(`generated ${size} snapshot (${items.length} objects) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path}`)
  }
  const {targets, objects} = JSON.parse(readFileSync(meta, 'utf8')) as {targets: BenchTargets; objects: number}
  return {path, targets, objects, bytes: statSync(path).size}
}

function runOnce(command: string, args: string[]): Sample {
  const useTime = existsSync(TIME)
  const rssFile = join(tmpdir(), `netdiag-bench-rss-${process.pid}`)
  const [file, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args]
  const started = performance.now()
  const child = spawnSync(file, argv, {encoding: 'utf8', maxBuffer: 256 << 20, env: {...process.env, NO_COLOR: '1'}})
  const wallMs = performance.now() - started
  let rssKb: number | undefined
  let cpuMs: number | undefined
  if (useTime && existsSync(rssFile)) {
    // GNU time prints "Command exited with non-zero status N" first when the command fails.
    const [rss, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
    rssKb = rss
    cpuMs = ((user ?? 0) + (system ?? 0)) * 1000
    rmSync(rssFile)
  }
  if (child.error) throw child.error
  return {wallMs, rssKb, cpuMs, exitCode: child.status ?? -1, stdout: child.stdout, stderr: child.stderr}
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function measure(label: string, command: string, args: string[], runs: number, options: {size?: SizeName; report?: boolean} = {}): Measurement {
  runOnce(command, args) // warm the page cache and V8's code cache; not counted
  const samples = Array.from({length: runs}, () => runOnce(command, args))
  const last = samples.at(-1)!
  let reportStatus: string | undefined
  if (options.report) {
    // 0 and 1 are diagnoses; 2 and 3 mean the bench itself is broken (bad snapshot, wrong target).
    if (last.exitCode !== 0 && last.exitCode !== 1) throw new Error(`${label}: exit ${last.exitCode}: ${last.stderr.trim()}`)
    reportStatus = (JSON.parse(last.stdout) as {status: string}).status
  }
  const rss = samples.map((s) => s.rssKb).filter((v): v is number => v !== undefined)
  const cpu = samples.map((s) => s.cpuMs).filter((v): v is number => v !== undefined)
  return {
    label,
    ...(options.size ? {size: options.size} : {}),
    command: [command, ...args].map((a) => a.replace(ROOT, '')),
    runs,
    medianWallMs: Math.round(median(samples.map((s) => s.wallMs))),
    minWallMs: Math.round(Math.min(...samples.map((s) => s.wallMs))),
    maxWallMs: Math.round(Math.max(...samples.map((s) => s.wallMs))),
    ...(cpu.length ? {medianCpuMs: Math.round(median(cpu))} : {}),
    ...(rss.length ? {medianRssMb: Math.round(median(rss) / 1024), maxRssMb: Math.round(Math.max(...rss) / 1024)} : {}),
    exitCode: last.exitCode,
    ...(reportStatus ? {reportStatus} : {}),
  }
}

/** Medians: --help against kubectl, and the client library's import less a bare Node start. */
function startupRatios(measurements: Measurement[]): {helpVsKubectl?: number; clientLoadMs?: number; publishedClientLoadMs?: number} {
  const at = (label: string) => measurements.find((m) => m.label.startsWith(label))?.medianWallMs
  const help = at('kubectl netdiag --help')
  const kubectl = at('kubectl version --client')
  const baseline = at('node start')
  const bundled = at('load client library (bundled')
  const published = at('load client library (@kubernetes')
  return {
    ...(help && kubectl ? {helpVsKubectl: Math.round((help / kubectl) * 100) / 100} : {}),
    ...(bundled && baseline ? {clientLoadMs: bundled - baseline} : {}),
    ...(published && baseline ? {publishedClientLoadMs: published - baseline} : {}),
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n')
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(join(CLI, '..', '..', 'dist', 'commands'))) throw new Error(`${CLI}: no dist/ beside it; run npm run build (npm run bench does)`)
  mkdirSync(CACHE, {recursive: true})
  const startedAt = new Date().toISOString()
  const loadBefore = loadavg()
  const measurements: Measurement[] = []
  const snapshots: Record<string, {file: string; objects: number; megabytes: number; targets: BenchTargets}> = {}

  for (const size of options.sizes) {
    const snap = snapshotFor(size, options.seed)
    snapshots[size] = {file: snap.path.replace(ROOT, ''), objects: snap.objects, megabytes: Math.round(snap.bytes / 1e5) / 10, targets: snap.targets}
    const common = ['--snapshot', snap.path, '-o', 'json']
    const {service, dnsNamespace, path} = snap.targets
    const commands: Array<[string, string[]]> = [
      ['svc', ['svc', service.name, '-n', service.namespace, ...common]],
      ['dns --no-probe', ['dns', '-n', dnsNamespace, '--no-probe', ...common]],
      ['path --no-probe', ['path', path.from, path.to, '--no-probe', ...common]],
      ['node (all nodes)', ['node', ...common]],
      ['node (one node)', ['node', nodeName(Math.floor(SIZES[size].nodes / 2), SIZES[size]), ...common]],
      ['scan -A', ['scan', '-A', ...common]],
    ]
    for (const [label, args] of commands) {
      log(`${size}: ${label} x${options.runs}`)
      measurements.push(measure(label, process.execPath, [CLI, ...args], options.runs, {size, report: true}))
    }
  }
  log(`start-up x${options.runs}`)
  measurements.push(measure('kubectl netdiag --help', process.execPath, [CLI, '--help'], options.runs))
  if (existsSync(KUBECTL)) measurements.push(measure('kubectl version --client', KUBECTL, ['version', '--client'], options.runs))
  // The client library's load cost: the same import with and without it, less a bare Node start.
  const importing = (what: string) => ['--input-type=module', '-e', `await import(${JSON.stringify(what)})`]
  measurements.push(measure('node start (baseline)', process.execPath, ['-e', '0'], options.runs))
  measurements.push(measure('load client library (bundled dist/cluster/k8s.js)', process.execPath, importing(join(ROOT, 'dist', 'cluster', 'k8s.js')), options.runs))
  measurements.push(measure('load client library (@kubernetes/client-node as published)', process.execPath, importing('@kubernetes/client-node'), options.runs))

  let live: LiveResults | undefined
  const runLive = options.live === 'yes' || (options.live === 'auto' && liveClusterAvailable(options.liveKubeconfig))
  if (runLive) live = await runLiveBench({kubeconfig: options.liveKubeconfig, cli: CLI, runs: options.runs, scale: options.liveScale})
  else log(`live benchmarks skipped: no cluster answers at ${options.liveKubeconfig} (npm run cluster:up, or --live)`)

  const rows = [['size', 'objects', 'command', 'JSON MB', 'median s', 'min s', 'max s', 'CPU s', 'peak RSS MB', 'ms/1k objects', 'status']]
  for (const m of measurements) {
    const snap = m.size ? snapshots[m.size] : undefined
    rows.push([
      m.size ?? '-',
      snap ? String(snap.objects) : '-',
      m.label,
      snap ? snap.megabytes.toFixed(1) : '-',
      (m.medianWallMs / 1000).toFixed(2),
      (m.minWallMs / 1000).toFixed(2),
      (m.maxWallMs / 1000).toFixed(2),
      m.medianCpuMs !== undefined ? (m.medianCpuMs / 1000).toFixed(2) : '?',
      m.maxRssMb !== undefined ? String(m.maxRssMb) : '?',
      snap ? ((m.medianWallMs / snap.objects) * 1000).toFixed(1) : '-',
      m.reportStatus ?? `exit ${m.exitCode}`,
    ])
  }
  const startup = startupRatios(measurements)
  const cores = cpus().length
  const results = {
    startedAt,
    machine: {cores, cpu: cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadavg()},
    options,
    cli: CLI.replace(ROOT, ''),
    snapshots,
    measurements,
    startup,
    ...(live ? {live} : {}),
  }
  writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n')
  const liveText = live ? `\n${liveTable(live)}\n` : ''
  const startupText = `\nstart-up: --help is ${startup.helpVsKubectl ?? '?'}x kubectl version --client (goal <= 2); the client library loads in ${startup.clientLoadMs ?? '?'} ms bundled, ${startup.publishedClientLoadMs ?? '?'} ms as published (goal <= 150)\n`
  process.stdout.write(`${table(rows)}\n${startupText}${liveText}\n${cores} cores (${results.machine.cpu}), node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${results.machine.loadavgAfter.map((l) => l.toFixed(2)).join(' ')} after; ${options.runs} runs each (median), one warm-up run not counted.\nwritten to ${options.out.replace(ROOT, '')}\n`)
}

await main()
