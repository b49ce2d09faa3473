import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {build} from 'esbuild'

// @ts-expect-error: a build script, plain JavaScript
import {lazyPunycode} from '../../scripts/esbuild-lazy-punycode.mjs'
// @ts-expect-error: a build script, plain JavaScript
import {lazyWhatwgUrl} from '../../scripts/esbuild-lazy-whatwg-url.mjs'

const dist = new URL('../../dist/', import.meta.url)

describe('the bundles print no deprecation warning', () => {
  // Node 20 prints DEP0040 (punycode) only with --pending-deprecation; Node 22 and later always, for a bundle.
  for (const bundle of ['cluster/k8s.js', 'oclif.js', 'yaml.js']) {
    it(`dist/${bundle} loads quietly`, () => {
      const result = spawnSync(process.execPath, ['--pending-deprecation', '--input-type=module', '-e', `await import(${JSON.stringify(new URL(bundle, dist).href)})`], {encoding: 'utf8'})
      assert.equal(result.status, 0, result.stderr)
      assert.equal(result.stderr, '')
    })
  }

  it('punycode, made lazy, still works when something uses it (and only then warns)', async () => {
    const out = await build({
      stdin: {contents: "const punycode = require('punycode'); module.exports = () => punycode.toASCII('bücher.example')", loader: 'js'},
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      plugins: [lazyPunycode],
      logLevel: 'silent',
    })
    const script = `const f = (${JSON.stringify(out.outputFiles[0]!.text)}); const m = {exports: {}}; new Function('module', 'exports', 'require', f)(m, m.exports, require); process.stderr.write('loaded\\n'); console.log(m.exports())`
    const result = spawnSync(process.execPath, ['--pending-deprecation', '-e', script], {encoding: 'utf8'})
    assert.equal(result.stdout.trim(), 'xn--bcher-kva.example')
    assert.match(result.stderr, /^loaded\n[^]*DEP0040/, 'the warning comes at first use, after loading')
  })
})

/** Bundles `source` (CommonJS) for node with `plugins` and runs it; what it prints on stdout, and its stderr. */
async function runBundled(source: string, plugins: unknown[]): Promise<{stdout: string; stderr: string}> {
  const out = await build({stdin: {contents: source, loader: 'js', resolveDir: new URL('.', import.meta.url).pathname}, bundle: true, platform: 'node', format: 'cjs', write: false, plugins: plugins as never, logLevel: 'silent'})
  // A file, not -e: tr46's table alone is over the 128 KiB a single argument may hold.
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-bundle-'))
  const file = join(dir, 'bundle.cjs')
  writeFileSync(file, out.outputFiles[0]!.text)
  const result = spawnSync(process.execPath, [file], {encoding: 'utf8'})
  rmSync(dir, {recursive: true, force: true})
  assert.equal(result.status, 0, result.stderr)
  return {stdout: result.stdout.trim(), stderr: result.stderr}
}

describe('whatwg-url (and tr46 with it) loads only when something reads it', () => {
  it('node-fetch\'s fallback reads nothing on a Node with a URL class, so the real module never runs', async () => {
    // A stand-in for the real package that says when its body runs.
    const fake = {
      name: 'fake-whatwg-url',
      setup(b: {onResolve: Function; onLoad: Function}) {
        b.onResolve({filter: /^whatwg-url$/}, (args: {pluginData?: {real?: boolean}}) => (args.pluginData?.real ? {path: 'fake', namespace: 'fake'} : undefined))
        b.onLoad({filter: /.*/, namespace: 'fake'}, () => ({loader: 'js', contents: "console.log('real module ran'); exports.URL = 'the real URL'"}))
      },
    }
    const source = "const w = require('whatwg-url'); const url = require('url'); console.log('loaded'); const URL = url.URL || w.URL; console.log(URL === url.URL ? 'node URL' : 'fallback'); console.log(w.URL)"
    const {stdout} = await runBundled(source, [fake, lazyWhatwgUrl])
    assert.deepEqual(stdout.split('\n'), ['loaded', 'node URL', 'real module ran', 'the real URL'])
  })

  it('the real whatwg-url still works through the stand-in', async () => {
    const {stdout} = await runBundled("const w = require('whatwg-url'); console.log(new w.URL('http://bücher.example/x').host, typeof w.parseURL)", [lazyPunycode, lazyWhatwgUrl])
    assert.equal(stdout, 'xn--bcher-kva.example function')
  })
})
