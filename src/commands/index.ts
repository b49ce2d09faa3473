import Cleanup from './cleanup.js'
import Dns from './dns.js'
import NodeCommand from './node.js'
import Path from './path.js'
import Snapshot from './snapshot.js'
import Svc from './svc.js'

/**
 * oclif's explicit command discovery (package.json oclif.commands.strategy = explicit): the command list is this
 * object, not a directory scan, so a single-file bundle (the standalone executables) finds every command too.
 * Each command module is thin and imports its heavy code inside run(), so loading all six stays cheap.
 */
export const COMMANDS = {
  cleanup: Cleanup,
  dns: Dns,
  node: NodeCommand,
  path: Path,
  snapshot: Snapshot,
  svc: Svc,
}
