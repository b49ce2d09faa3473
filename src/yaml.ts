/**
 * The only entry into `yaml`. As published it is about a hundred modules, which take over 100 ms to load on a
 * small machine, on the path of every command (the kubeconfig, the CNI config, -o yaml); the build bundles this
 * module into one file (scripts/bundle-client.mjs), as it does the client library and oclif.
 */
export {Document, parse, parseAllDocuments, Scalar, visit} from 'yaml'
