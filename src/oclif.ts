/**
 * The only entry into @oclif/core. The build bundles this module on its own (scripts/bundle-client.mjs), so the
 * npm install's start-up reads one file instead of oclif's many; a unit test keeps every other import out.
 */
import './help/oclif-columns.js'

export {Args, Command, Errors, Flags, Plugin, flush, run} from '@oclif/core'
