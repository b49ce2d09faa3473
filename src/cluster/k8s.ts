/**
 * The only runtime entry into @kubernetes/client-node. The build bundles this module on its own (scripts/
 * bundle-client.mjs): the package as published loads about a thousand generated files, which cost a second
 * before the first API call; one tree-shaken file of what we use costs a fraction of it. API calls themselves
 * go through RawApiClient; only credentials (KubeConfig), exec (Exec) and the error type come from here.
 */
export {ApiException, Exec, KubeConfig} from '@kubernetes/client-node'
