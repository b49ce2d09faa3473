// `node --import tsx bench/policy-layers.ts`: path and svc on the large bench snapshot, before and after adding
// 200 AdminNetworkPolicies, 500 CiliumNetworkPolicies and 300 Calico policies. Prints medians; never asserts.
// NETDIAG_CLI_BEFORE: another build's bin/run.js to compare with (default: this build on the plain snapshot only).
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {generateSnapshot, SIZES, snapshotText} from './snapshot-generator.js'
import {namespaceName, serviceName} from './topology.js'

type Json = Record<string, any>
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, '.bench')
const RUNS = Number(process.env.RUNS ?? 3)

/** Policy objects of every layer, spread over the namespaces, some selecting the bench's own targets. */
export function layeredPolicies(namespaces: number): Json[] {
  const items: Json[] = []
  for (let i = 0; i < 200; i++) {
    const ns = namespaceName(i % namespaces)
    items.push({apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: {name: `anp-${i}`}, spec: {priority: i % 1000, subject: {namespaces: {matchLabels: {'kubernetes.io/metadata.name': ns}}}, ingress: [{name: 'from-monitoring', action: i % 3 === 0 ? 'Pass' : 'Allow', from: [{namespaces: {matchLabels: {'kubernetes.io/metadata.name': 'monitoring'}}}], ports: [{portNumber: {protocol: 'TCP', port: 9090}}]}], egress: [{name: 'to-metadata', action: 'Deny', to: [{networks: ['169.254.169.254/32']}]}]}})
  }
  for (let i = 0; i < 500; i++) {
    const ns = namespaceName(i % namespaces)
    items.push({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: `cnp-${i}`, namespace: ns}, spec: {endpointSelector: {matchLabels: {app: serviceName(i % 50)}}, ingress: [{fromEndpoints: [{matchLabels: {tier: 'frontend'}}], toPorts: [{ports: [{port: '8080', protocol: 'TCP'}]}]}]}})
  }
  items.push({apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: {name: 'platform'}, spec: {order: 100}})
  for (let i = 0; i < 300; i++) {
    const ns = namespaceName(i % namespaces)
    items.push(
      i % 2 === 0
        ? {apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: {name: `platform.gnp-${i}`}, spec: {tier: 'platform', order: i, selector: `projectcalico.org/namespace == '${ns}'`, types: ['Egress'], egress: [{action: 'Deny', destination: {nets: ['169.254.169.254/32']}}, {action: 'Pass'}]}}
        : {apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: {name: `cnp-allow-${i}`, namespace: ns}, spec: {order: 500 + i, selector: "tier == 'backend'", types: ['Ingress'], ingress: [{action: 'Allow', protocol: 'TCP', source: {selector: "tier in {'frontend', 'backend'}"}, destination: {ports: [8080, 'http']}}]}},
    )
  }
  return items
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function measure(cli: string, args: string[]): {wallS: number; cpuS: number; rssMb: number; status: string} {
  const samples: Array<{wall: number; cpu: number; rss: number; out: string}> = []
  for (let i = 0; i <= RUNS; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, cli, ...args], {encoding: 'utf8', maxBuffer: 1 << 28})
    const [wall, rss, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
    if (i > 0) samples.push({wall: wall!, cpu: user! + sys!, rss: rss!, out: r.stdout})
  }
  const status = (() => {
    try {
      return JSON.parse(samples[0]!.out).status as string
    } catch {
      return 'no report'
    }
  })()
  return {wallS: median(samples.map((s) => s.wall)), cpuS: Math.round(median(samples.map((s) => s.cpu)) * 100) / 100, rssMb: Math.round(median(samples.map((s) => s.rss)) / 1024), status}
}

function main(): void {
  if (!existsSync(CACHE)) mkdirSync(CACHE, {recursive: true})
  const scale = SIZES.large
  const {items, targets} = generateSnapshot(scale, 42)
  const plain = join(CACHE, 'policy-bench-large.json')
  const layered = join(CACHE, 'policy-bench-large-layered.json')
  writeFileSync(plain, snapshotText(items))
  writeFileSync(layered, snapshotText([...items, ...layeredPolicies(scale.namespaces)]))
  const after = join(ROOT, 'bin', 'run.js')
  const before = process.env.NETDIAG_CLI_BEFORE
  const commands: Array<[string, (file: string) => string[]]> = [
    ['path --no-probe', (f) => ['path', targets.path.from, targets.path.to, '--no-probe', '--snapshot', f, '-o', 'json']],
    ['svc', (f) => ['svc', targets.service.name, '-n', targets.service.namespace, '--snapshot', f, '-o', 'json']],
  ]
  const rows: string[] = []
  for (const [label, args] of commands) {
    if (before) rows.push(`${label.padEnd(16)} before (plain)   ${JSON.stringify(measure(before, args(plain)))}`)
    rows.push(`${label.padEnd(16)} after  (plain)   ${JSON.stringify(measure(after, args(plain)))}`)
    rows.push(`${label.padEnd(16)} after  (layered) ${JSON.stringify(measure(after, args(layered)))}`)
  }
  process.stdout.write(`${rows.join('\n')}\n(${RUNS} runs each, median, one warm-up)\n`)
}

main()
