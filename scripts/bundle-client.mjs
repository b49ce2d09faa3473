#!/usr/bin/env node
// Replaces tsc's dist/cluster/k8s.js (a re-export of @kubernetes/client-node) with one tree-shaken ESM file of
// what it exports. The package as published evaluates about a thousand generated modules on import (over a
// second on a small machine, before the first API call); this file loads in a fraction of that. `npm run bench`
// measures it (startup: client library load).
import {build} from 'esbuild'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const minify = process.env.NETDIAG_BUNDLE_MINIFY !== '0'

await build({
  entryPoints: [join(root, 'src/cluster/k8s.ts')],
  outfile: join(root, 'dist/cluster/k8s.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify,
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
  // The CommonJS dependencies call require(); an ES module has none of its own.
  banner: {js: "import {createRequire as __netdiagRequire} from 'node:module'; const require = __netdiagRequire(import.meta.url);"},
})
