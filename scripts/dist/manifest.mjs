#!/usr/bin/env node
// Renders krew/netdiag.yaml from krew/netdiag.yaml.tmpl and dist-bin/release/checksums.txt, so every sha256 in the
// manifest is the one of the archive next to it. Usage: node scripts/dist/manifest.mjs [release dir]
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {PLATFORMS, archiveName} from './platforms.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export function releaseBaseUrl(pjson, env = process.env) {
  if (env.NETDIAG_RELEASE_URL) return env.NETDIAG_RELEASE_URL.replace(/\/$/, '')
  const repo = String(pjson.repository?.url ?? pjson.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '')
  if (!repo) throw new Error('package.json has no repository URL and NETDIAG_RELEASE_URL is not set')
  return `${repo}/releases/download/v${pjson.version}`
}

export function readChecksums(file) {
  const sums = new Map()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim())
    if (match) sums.set(match[2], match[1])
  }
  return sums
}

export function renderManifest(template, {pjson, checksums, baseUrl}) {
  const values = {VERSION: `v${pjson.version}`, HOMEPAGE: pjson.homepage}
  for (const platform of PLATFORMS) {
    const name = archiveName(pjson.version, platform)
    const sha = checksums.get(name)
    if (!sha) throw new Error(`no checksum for ${name}: build every platform first (npm run dist)`)
    const key = platform.id.toUpperCase().replace('-', '_')
    values[`URI_${key}`] = `${baseUrl}/${name}`
    values[`SHA256_${key}`] = sha
  }
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key) => {
    if (values[key] === undefined) throw new Error(`unknown placeholder ${whole} in the manifest template`)
    return values[key]
  })
}

/** krew/netdiag.yaml and RELEASE/netdiag.yaml from the template and RELEASE/checksums.txt. */
export function writeManifest(release) {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const manifest = renderManifest(readFileSync(join(root, 'krew', 'netdiag.yaml.tmpl'), 'utf8'), {
    pjson,
    checksums: readChecksums(join(release, 'checksums.txt')),
    baseUrl: releaseBaseUrl(pjson),
  })
  writeFileSync(join(root, 'krew', 'netdiag.yaml'), manifest)
  writeFileSync(join(release, 'netdiag.yaml'), manifest)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const release = resolve(process.argv[2] ?? join(root, 'dist-bin', 'release'))
  writeManifest(release)
  console.error(`wrote krew/netdiag.yaml and ${join(release, 'netdiag.yaml')}`)
}
