// node-fetch (which @kubernetes/client-node loads for its Headers type) imports whatwg-url as it loads, and
// whatwg-url loads tr46, whose 260 KB mapping table is most of the client bundle's start-up cost. node-fetch uses
// it only as a fallback, `Url.URL || whatwgUrl.URL`, for Node versions without a URL class; every Node netdiag
// runs on has one. The bundles get a stand-in with the package's exports as getters, so the real module loads
// (and tr46 with it) only if one of them is read.
const EXPORTS = ['URL', 'serializeURL', 'serializeURLOrigin', 'basicURLParse', 'setTheUsername', 'setThePassword', 'serializeHost', 'serializeInteger', 'parseURL']
const REAL = 'netdiag-real:whatwg-url'

export const lazyWhatwgUrl = {
  name: 'lazy-whatwg-url',
  setup(build) {
    build.onResolve({filter: /^whatwg-url$/}, (args) => (args.pluginData?.real ? undefined : {path: 'whatwg-url', namespace: 'lazy-whatwg-url', pluginData: {resolveDir: args.resolveDir}}))
    build.onResolve({filter: /^netdiag-real:whatwg-url$/}, (args) => build.resolve('whatwg-url', {kind: 'require-call', resolveDir: args.resolveDir, pluginData: {real: true}}).then((r) => (r.errors.length ? {errors: r.errors} : {path: r.path, namespace: r.namespace})))
    build.onLoad({filter: /.*/, namespace: 'lazy-whatwg-url'}, (args) => ({
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
      contents: [
        'let real',
        `const load = () => (real ??= require(${JSON.stringify(REAL)}))`,
        `for (const name of ${JSON.stringify(EXPORTS)}) Object.defineProperty(exports, name, {enumerable: true, get: () => load()[name]})`,
      ].join('\n'),
    }))
  },
}
