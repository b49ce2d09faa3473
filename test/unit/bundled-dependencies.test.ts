import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, relative} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))

// The build bundles these packages into one file each (scripts/bundle-client.mjs); a value imported from the
// package anywhere else would load the whole published package again and undo it. Type-only imports are erased.
const ENTRY: Record<string, string> = {'@kubernetes/client-node': 'cluster/k8s.ts', '@oclif/core': 'oclif.ts', ansis: 'help/oclif-color.ts', 'supports-color': 'help/oclif-color.ts', yaml: 'yaml.ts'}
// Bundled because oclif loads them: the help's colour rule must be the copy oclif's help runs.
const OCLIF_OWN = ['ansis', 'supports-color']

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

/** `import {A, type B} from 'pkg'` / `export {A} from 'pkg'` statements that bring in a value at run time. */
function valueImports(text: string, pkg: string): string[] {
  const statements = [...text.matchAll(/^(import|export)\s+([^;]*?)\s+from\s+'([^']+)'/gms)].filter((m) => m[3] === pkg)
  return statements
    .filter(([, , clause]) => {
      if (/^type\s/.test(clause!)) return false
      const names = /\{([^}]*)\}/.exec(clause!)?.[1]
      return names === undefined || names.split(',').some((n) => n.trim() !== '' && !n.trim().startsWith('type '))
    })
    .map((m) => m[0].split('\n')[0]!)
}

describe('bundled dependencies have one entry each', () => {
  it('finds value imports and ignores type-only ones', () => {
    assert.deepEqual(valueImports("import {KubeConfig} from 'x'\nimport type {V1Pod} from 'x'\nimport {type A, type B} from 'x'\nexport type {C} from 'x'\nimport {type D, E} from 'x'", 'x'), ["import {KubeConfig} from 'x'", "import {type D, E} from 'x'"])
  })

  for (const [pkg, entry] of Object.entries(ENTRY)) {
    it(`only src/${entry} imports values from ${pkg}`, () => {
      const offenders = sources(SRC)
        .filter((file) => relative(SRC, file) !== entry)
        .flatMap((file) => valueImports(readFileSync(file, 'utf8'), pkg).map((line) => `${relative(SRC, file)}: ${line}`))
      assert.deepEqual(offenders, [])
    })
  }
})

describe('what an install needs', () => {
  const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {dependencies: Record<string, string>; devDependencies: Record<string, string>}
  const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!)

  it('every package src loads at run time, outside the bundled entries, is a dependency', () => {
    const missing = sources(SRC)
      .filter((file) => !Object.values(ENTRY).includes(relative(SRC, file)))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8')
        const specifiers = new Set([...text.matchAll(/(?:from|import\()\s*'([^'.][^']*)'/g)].map((m) => m[1]!).filter((s) => !s.startsWith('node:')))
        return [...specifiers].filter((s) => valueImports(text, s).length > 0 || text.includes(`import('${s}')`)).filter((s) => !(packageOf(s) in pjson.dependencies)).map((s) => `${relative(SRC, file)}: ${s}`)
      })
    assert.deepEqual(missing, [])
  })

  it('the bundled packages are build dependencies only: an install does not fetch them again', () => {
    for (const pkg of Object.keys(ENTRY).filter((p) => !OCLIF_OWN.includes(p))) {
      assert.equal(pjson.dependencies[pkg], undefined, pkg)
      assert.ok(pjson.devDependencies[pkg], pkg)
    }
  })

  it("oclif's colour libraries are bundled from the copies @oclif/core itself resolves", () => {
    const fromRoot = createRequire(import.meta.url)
    const fromOclif = createRequire(fromRoot.resolve('@oclif/core'))
    for (const pkg of OCLIF_OWN) {
      assert.equal(pjson.dependencies[pkg] ?? pjson.devDependencies[pkg], undefined, `${pkg} comes with @oclif/core, not pinned apart from it`)
      assert.equal(fromRoot.resolve(pkg), fromOclif.resolve(pkg), pkg)
    }
  })
})
