#!/usr/bin/env node
// Replaces four of tsc's outputs, each a thin wrapper of dependencies, with one tree-shaken ESM file of what it
// exports: dist/cluster/k8s.js (@kubernetes/client-node, which as published evaluates about a thousand generated
// modules on import: over a second on a small machine before the first API call), dist/oclif.js (@oclif/core,
// on the path of every command), dist/yaml.js (yaml, about a hundred modules, also on every command's path) and
// dist/help/oclif-color.js (oclif's own colour libraries, for the pre-rendered --help). `npm run bench`
// measures the client library's.
import {build} from 'esbuild'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {lazyPunycode} from './esbuild-lazy-punycode.mjs'
import {lazyWhatwgUrl} from './esbuild-lazy-whatwg-url.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const minify = process.env.NETDIAG_BUNDLE_MINIFY !== '0'

const bundles = [
  ['src/cluster/k8s.ts', 'dist/cluster/k8s.js'],
  ['src/oclif.ts', 'dist/oclif.js'],
  ['src/help/oclif-color.ts', 'dist/help/oclif-color.js'],
  ['src/yaml.ts', 'dist/yaml.js'],
]

for (const [entry, outfile] of bundles) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify,
    keepNames: true,
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [lazyPunycode, lazyWhatwgUrl],
    // ws's optional native speed-ups, and TypeScript, which oclif loads only to read a tsconfig in development.
    external: ['bufferutil', 'utf-8-validate', 'typescript', 'ts-node'],
    // The CommonJS dependencies call require(); an ES module has none of its own.
    banner: {js: "import {createRequire as __netdiagRequire} from 'node:module'; const require = __netdiagRequire(import.meta.url);"},
  })
}
