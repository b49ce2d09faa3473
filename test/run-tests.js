#!/usr/bin/env node
// Runs node's test runner over test/<suite>/**/*.test.ts (Node 20's --test takes no globs).
import {spawnSync} from 'node:child_process'
import {readdirSync, statSync, existsSync} from 'node:fs'
import {join} from 'node:path'

const suites = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['unit', 'commands']

function findTests(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return findTests(path)
    return name.endsWith('.test.ts') ? [path] : []
  })
}

const files = suites.flatMap((suite) => findTests(join('test', suite))).sort()
if (files.length === 0) {
  console.error(`no test files under ${suites.map((s) => `test/${s}`).join(', ')}`)
  process.exit(1)
}

const concurrency = suites.includes('e2e') ? ['--test-concurrency=1'] : []
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...files], {stdio: 'inherit'})
process.exit(result.status ?? 1)
