import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'

import {build} from 'esbuild'

// @ts-expect-error: a build script, plain JavaScript
import {lazyPunycode} from '../../scripts/esbuild-lazy-punycode.mjs'

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
