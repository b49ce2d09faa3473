import Cleanup from './cleanup.js'
import Dns from './dns.js'
import IngressCommand from './ingress.js'
import NodeCommand from './node.js'
import Path from './path.js'
import RouteCommand from './route.js'
import Scan from './scan.js'
import Snapshot from './snapshot.js'
import Svc from './svc.js'
import UrlCommand from './url.js'

/**
 * oclif's explicit command discovery (package.json oclif.commands.strategy = explicit): the command list is this
 * object, not a directory scan, so a single-file bundle (the standalone executables) finds every command too.
 * Each command module is thin and imports its heavy code inside run(), so loading all of them stays cheap.
 */
export const COMMANDS = {
  cleanup: Cleanup,
  dns: Dns,
  ingress: IngressCommand,
  node: NodeCommand,
  path: Path,
  route: RouteCommand,
  scan: Scan,
  snapshot: Snapshot,
  svc: Svc,
  url: UrlCommand,
}
