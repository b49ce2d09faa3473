// tr46 (through whatwg-url and node-fetch, which @kubernetes/client-node loads) require()s Node's deprecated
// punycode module as it loads. Node 22 and later then print DEP0040 on every run of a bundle, since a bundle is
// not under node_modules, where Node keeps quiet: every command of the single executables printed it. netdiag
// never takes that code path (its requests go through its own client), so the bundles load punycode on first use
// instead: a warning, if ever, only when the deprecated module is really used.
export const lazyPunycode = {
  name: 'lazy-punycode',
  setup(build) {
    build.onResolve({filter: /^(node:)?punycode$/}, (args) => (args.namespace === 'lazy-punycode' ? undefined : {path: 'punycode', namespace: 'lazy-punycode'}))
    build.onLoad({filter: /.*/, namespace: 'lazy-punycode'}, () => ({
      loader: 'js',
      contents: [
        'let real',
        "const load = () => (real ??= require('node:punycode'))",
        'module.exports = new Proxy({}, {get: (_, key) => load()[key], has: (_, key) => key in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key)})',
      ].join('\n'),
    }))
  },
}
