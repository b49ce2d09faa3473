#!/usr/bin/env node
// Start-up time of the packaged executable's --help next to `kubectl version --client` (and the npm install's
// bin/run.js): median and spread of N runs each, interleaved so machine load hits all alike.
// Usage: node scripts/dist/bench-startup.mjs [runs=11] [executable=dist-bin/<host>/kubectl-netdiag]
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {PLATFORMS} from './platforms.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const runs = Number(process.argv[2] ?? 11)
const host = PLATFORMS.find((p) => p.node.platform === process.platform && p.node.arch === process.arch)
const packaged = resolve(process.argv[3] ?? join(root, 'dist-bin', host?.id ?? 'none', `kubectl-netdiag${host?.exe ?? ''}`))

const candidates = [
  {name: 'packaged kubectl-netdiag --help', command: packaged, args: ['--help']},
  {name: 'node bin/run.js --help (npm install)', command: process.execPath, args: [join(root, 'bin', 'run.js'), '--help']},
  {name: 'kubectl version --client', command: 'kubectl', args: ['version', '--client']},
].filter((c) => c.command !== packaged || existsSync(packaged))

function time(c) {
  const started = process.hrtime.bigint()
  const result = spawnSync(c.command, c.args, {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  if (result.status !== 0) throw new Error(`${c.command} ${c.args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

const samples = new Map(candidates.map((c) => [c.name, []]))
for (const c of candidates) time(c) // warm the page cache
for (let i = 0; i < runs; i++) for (const c of candidates) samples.get(c.name).push(time(c))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`${runs} runs each, ${new Date().toISOString()}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`)
for (const [name, xs] of samples) {
  console.log(`${name.padEnd(40)} median ${median(xs).toFixed(0).padStart(5)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)} ms   max ${Math.max(...xs).toFixed(0).padStart(5)} ms`)
}
