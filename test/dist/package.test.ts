/**
 * The distribution as users get it (npm run test:dist builds it first with npm run dist):
 * the release archives and checksums, the krew manifest checked by krew's own validator, a krew install from the
 * local archive run through kubectl, the packaged linux executable offline, shell completion through kubectl,
 * and the npm tarball installed globally and through npx.
 */
import assert from 'node:assert/strict'
import {type SpawnSyncOptions, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {PLATFORMS, archiveName} from '../../scripts/dist/platforms.mjs'
import {db, kindNodes, list, namespace, web} from '../helpers/path-fixtures.js'
import {assertValidReport} from '../helpers/schema.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const release = join(root, 'dist-bin', 'release')
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string
const host = PLATFORMS.find((p) => p.node.platform === process.platform && p.node.arch === process.arch)
const hostArchive = host ? join(release, archiveName(version, host)) : ''
const work = mkdtempSync(join(tmpdir(), 'netdiag-dist-'))
const home = join(work, 'home')
mkdirSync(home)
// Never the developer's kubeconfig, krew home or npm config.
const baseEnv = {...process.env, HOME: home, KUBECONFIG: join(home, 'no-kubeconfig'), NO_COLOR: '1', KREW_NO_UPGRADE_CHECK: '1'}

function exec(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, {encoding: 'utf8', env: baseEnv, timeout: 300_000, ...options})
  return {status: result.status, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), error: result.error}
}

function ok(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = exec(command, args, options)
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.error ?? ''}`)
  return result
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const kubectl = exec('sh', ['-c', 'command -v kubectl']).stdout.trim()

describe('release archives', () => {
  it('has one archive per krew platform, each with its sha256 in checksums.txt', () => {
    const sums = readFileSync(join(release, 'checksums.txt'), 'utf8').trim().split('\n')
    assert.equal(sums.length, PLATFORMS.length)
    for (const platform of PLATFORMS) {
      const name = archiveName(version, platform)
      assert.ok(sums.includes(`${sha256(join(release, name))}  ${name}`), `checksums.txt has no correct line for ${name}`)
    }
  })

  it('packs the executable, the completion helper, LICENSE and the notices, in the format krew expects', () => {
    for (const platform of PLATFORMS) {
      const file = join(release, archiveName(version, platform))
      const listing = platform.format === 'zip' ? ok('unzip', ['-Z1', file]).stdout : ok('tar', ['-tzf', file]).stdout
      const exe = platform.exe ?? ''
      const completion = platform.os === 'windows' ? 'kubectl_complete-netdiag.cmd' : 'kubectl_complete-netdiag'
      assert.deepEqual(listing.trim().split('\n').sort(), ['LICENSE', 'THIRD-PARTY-NOTICES.txt', `kubectl-netdiag${exe}`, completion].sort(), platform.id)
    }
  })

  it('the krew manifest names every archive with its real sha256', () => {
    const manifest = readFileSync(join(root, 'krew', 'netdiag.yaml'), 'utf8')
    assert.match(manifest, new RegExp(`version: v${version.replace(/\./g, '\\.')}\\n`))
    for (const platform of PLATFORMS) {
      const name = archiveName(version, platform)
      assert.match(manifest, new RegExp(`uri: \\S+/${name}\\n\\s+sha256: ${sha256(join(release, name))}\\n`), name)
    }
  })
})

describe('the packaged executable', {skip: host ? false : `no archive for ${process.platform}-${process.arch}`}, () => {
  const dir = join(work, 'unpacked')
  const exe = join(dir, 'kubectl-netdiag')
  before(() => {
    mkdirSync(dir)
    ok('tar', ['-xzf', hostArchive, '-C', dir])
  })

  it('runs without Node on PATH and lists every command', () => {
    const result = ok(exe, ['--help'], {env: {...baseEnv, PATH: '/nonexistent'}})
    for (const command of ['cleanup', 'dns', 'node', 'path', 'snapshot', 'svc']) assert.match(result.stdout, new RegExp(`\\n  ${command} `))
    assert.match(result.stdout, /\$ kubectl netdiag \[COMMAND\]/)
    assert.match(result.stdout, new RegExp(`kubectl-netdiag/${version}`))
    assert.equal(result.stderr, '', 'no experimental-feature warning or anything else on stderr')
  })

  it('diagnoses a snapshot offline: the report validates against the schema', () => {
    const snapshot = join(work, 'cluster.json')
    writeFileSync(snapshot, JSON.stringify(list('List', [namespace('shop'), web(), db(), ...kindNodes()])))
    const result = exec(exe, ['path', 'shop/web-7d9c6b7f5-x2x8q', 'shop/db-0', '--snapshot', snapshot, '-o', 'json'])
    assert.equal(result.status, 0, result.stderr)
    const report = JSON.parse(result.stdout)
    assertValidReport(report)
    assert.equal(report.source, 'snapshot')
  })

  it('keeps the exit-code contract: 2 for bad input, 3 without a kubeconfig', () => {
    const broken = join(work, 'broken.json')
    writeFileSync(broken, '{"kind": "List", "items": [')
    const bad = exec(exe, ['dns', '--snapshot', broken])
    assert.equal(bad.status, 2, bad.stderr)
    assert.match(bad.stderr, /is not valid JSON/)
    const none = exec(exe, ['dns'])
    assert.equal(none.status, 3, none.stderr)
    assert.match(none.stderr, /no kubeconfig found/)
  })

  it('prints one error line and no runtime warning when the API server does not answer (the client library loaded)', () => {
    const kubeconfig = join(work, 'unreachable.kubeconfig')
    writeFileSync(kubeconfig, JSON.stringify({apiVersion: 'v1', kind: 'Config', clusters: [{name: 'c', cluster: {server: 'https://127.0.0.1:1'}}], users: [{name: 'u', user: {token: 'not-a-secret'}}], contexts: [{name: 'x', context: {cluster: 'c', user: 'u'}}], 'current-context': 'x'}))
    const result = exec(exe, ['dns', '--no-probe', '--kubeconfig', kubeconfig])
    assert.equal(result.status, 3, result.stderr)
    assert.doesNotMatch(result.stderr, /Warning|DEP0/, 'Node printed a warning (punycode?) beside the error')
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
  })

  it('completes through its helper script, which finds the binary next to it or through a symlink', () => {
    assert.equal(ok(join(dir, 'kubectl_complete-netdiag'), ['sn']).stdout, 'snapshot\tCapture what the analysis needs, for offline use with --snapshot.\n:4\n')
    const linked = join(work, 'linked-bin')
    mkdirSync(linked)
    symlinkSync(exe, join(linked, 'kubectl-netdiag'))
    symlinkSync(join(dir, 'kubectl_complete-netdiag'), join(linked, 'kubectl_complete-netdiag'))
    assert.match(ok(join(linked, 'kubectl_complete-netdiag'), ['dns', '--out']).stdout, /^--output\t.*\n:4\n$/)
  })
})

describe('krew', {skip: !host ? 'no archive for this platform' : !kubectl ? 'no kubectl on PATH' : false}, () => {
  let krewBin = ''
  const krewRoot = join(work, 'krew')
  before(() => {
    krewBin = ok('bash', [join(root, 'test', 'krew', 'build.sh')], {env: process.env, timeout: 900_000}).stdout.trim()
  })

  const tools = join(work, 'tools')
  const manifest = join(root, 'krew', 'netdiag.yaml')
  const krewEnv = (krewRootDir: string, extra: Record<string, string> = {}) => ({
    ...baseEnv,
    ...extra,
    KREW_ROOT: krewRootDir,
    PATH: `${join(krewRootDir, 'bin')}:${tools}:${process.env.PATH}`,
  })
  before(() => {
    mkdirSync(tools)
    symlinkSync(join(krewBin, 'krew'), join(tools, 'kubectl-krew'))
  })

  it("krew's validator accepts the manifest (structure, platforms, no overlapping selectors)", () => {
    // Its install step downloads each uri (not reachable here): the next test does that step from the local archives.
    const result = ok(join(krewBin, 'validate-krew-manifest'), ['-manifest', manifest, '-skip-install'])
    assert.match(result.stderr, /structural validation OK/)
    assert.match(result.stderr, /no overlapping spec.platform\[\].selector/)
  })

  it("installs on every platform from its archive, as the validator's install step does, LICENSE included", () => {
    for (const platform of PLATFORMS) {
      const dir = join(work, `krew-${platform.id}`)
      const env = krewEnv(dir, {KREW_OS: platform.os, KREW_ARCH: platform.arch})
      ok(kubectl, ['krew', 'install', `--manifest=${manifest}`, `--archive=${join(release, archiveName(version, platform))}`], {env})
      const installed = readdirSync(join(dir, 'store', 'netdiag', `v${version}`)).sort()
      const exe = platform.exe ?? ''
      const completion = platform.os === 'windows' ? 'kubectl_complete-netdiag.cmd' : 'kubectl_complete-netdiag'
      assert.deepEqual(installed, ['LICENSE', 'THIRD-PARTY-NOTICES.txt', `kubectl-netdiag${exe}`, completion].sort(), platform.id)
      assert.ok(existsSync(join(dir, 'bin', `kubectl-netdiag${exe}`)), `${platform.id}: krew links the binary`)
    }
  })

  it('kubectl krew install --manifest --archive installs it, and kubectl netdiag runs through the krew shim', () => {
    const env = krewEnv(krewRoot)
    const install = ok(kubectl, ['krew', 'install', `--manifest=${manifest}`, `--archive=${hostArchive}`], {env})
    assert.match(install.stderr + install.stdout, /Installed plugin: netdiag/)
    assert.match(install.stderr + install.stdout, /SelfSubjectAccessReviews/, 'krew prints the caveats')
    const shim = join(krewRoot, 'bin', 'kubectl-netdiag')
    assert.ok(existsSync(shim), 'krew links kubectl-netdiag into $KREW_ROOT/bin')
    assert.ok(readdirSync(join(krewRoot, 'store', 'netdiag', `v${version}`)).includes('LICENSE'))

    const help = ok(kubectl, ['netdiag', '--help'], {env})
    assert.match(help.stdout, /\$ kubectl netdiag \[COMMAND\]/)
    assert.match(ok(kubectl, ['plugin', 'list'], {env}).stdout, new RegExp(`${join(krewRoot, 'bin', 'kubectl-netdiag')}\\n`))

    // The caveats' completion set-up, then kubectl's own plugin completion (kubectl >= 1.26).
    const caveat = /\n\s+(ln -s .*\\\n\s+.*)\n/.exec(readFileSync(manifest, 'utf8'))?.[1]
    assert.ok(caveat, 'the caveats show how to link the completion helper')
    ok('sh', ['-c', caveat], {env})
    const completion = ok(kubectl, ['__complete', 'netdiag', 'sv'], {env})
    assert.match(completion.stdout, /^svc\tWhy can't I reach this Service\?\n/)
    const flags = ok(kubectl, ['__complete', 'netdiag', 'dns', '-o', ''], {env})
    assert.match(flags.stdout, /^table\njson\nyaml\njunit\n:4\n/)
  })
})

describe('npm package', () => {
  let tarball = ''
  before(() => {
    const packed = ok('npm', ['pack', '--pack-destination', work, '--json', '--ignore-scripts'], {cwd: root, env: {...baseEnv, npm_config_cache: join(home, '.npm')}})
    tarball = join(work, JSON.parse(packed.stdout)[0].filename)
  })

  it('ships the built CLI, the manifest and the completion helper, and nothing of dist-bin or the tests', () => {
    const files = ok('tar', ['-tzf', tarball]).stdout.split('\n')
    for (const file of ['package/bin/run.js', 'package/bin/complete.js', 'package/oclif.manifest.json', 'package/dist/commands/index.js', 'package/LICENSE']) {
      assert.ok(files.includes(file), file)
    }
    assert.ok(!files.some((f) => f.startsWith('package/dist-bin/') || f.startsWith('package/test/') || f.startsWith('package/src/')))
  })

  it('npm i -g puts kubectl-netdiag and kubectl_complete-netdiag on PATH', () => {
    const prefix = join(work, 'npm-global')
    // Dependencies come through the npm cache; --offline when CI has them already would be faster but is not needed.
    ok('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {env: {...baseEnv, npm_config_cache: join(process.env.HOME ?? home, '.npm')}})
    const env = {...baseEnv, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`}
    assert.match(ok('kubectl-netdiag', ['--help'], {env}).stdout, /\$ kubectl netdiag \[COMMAND\]/)
    assert.match(ok('kubectl-netdiag', ['dns', '--help'], {env}).stdout, /Is cluster DNS healthy/)
    assert.equal(ok('kubectl_complete-netdiag', ['cl'], {env}).stdout.split('\n')[0]?.split('\t')[0], 'cleanup')
    if (kubectl) assert.match(ok(kubectl, ['netdiag', '--help'], {env}).stdout, /\$ kubectl netdiag \[COMMAND\]/)
  })

  it('npx kubectl-netdiag runs it from the tarball', () => {
    const dir = join(work, 'npx')
    mkdirSync(dir)
    const result = ok('npx', ['--yes', `--package=${tarball}`, 'kubectl-netdiag', '--help'], {cwd: dir, env: {...baseEnv, npm_config_cache: join(process.env.HOME ?? home, '.npm')}})
    assert.match(result.stdout, /\$ kubectl netdiag \[COMMAND\]/)
  })
})
