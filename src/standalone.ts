/**
 * Entry point of the self-contained executables (Node single-executable application, see scripts/dist/): one
 * CommonJS bundle of the whole CLI, with no package.json or dist/ beside it.
 */
import {Plugin} from './oclif.js'
import {dirname} from 'node:path'

import {COMMANDS} from './commands/index.js'
import {main as runCli} from './main.js'

/** package.json (name, version, oclif section), inlined by the bundler. */
declare const NETDIAG_PJSON: string

async function main(argv: string[]): Promise<void> {
  // kubectl_complete-netdiag in the archives runs `kubectl-netdiag __complete WORDS...` (cobra's convention).
  if (argv[0] === '__complete') {
    const {runCompletion} = await import('./completion/main.js')
    await runCompletion(argv.slice(1))
    // A timed-out API call may still hold a socket open: exit once stdout is flushed (pipes are async on macOS).
    process.stdout.write('', () => process.exit(0))
    return
  }
  // oclif's explicit command discovery import()s oclif.commands.target from disk; a single executable has no such
  // file, and its commands are already in this bundle, so hand them over.
  const plugin = Plugin.prototype as unknown as {loadCommandsFromTarget: () => Promise<typeof COMMANDS>}
  plugin.loadCommandsFromTarget = async () => COMMANDS
  await runCli(argv, {root: dirname(process.execPath), pjson: JSON.parse(NETDIAG_PJSON)}, Object.keys(COMMANDS))
}

// A single-executable application gets argv as [executable, executable, ...arguments].
void main(process.argv.slice(2))
