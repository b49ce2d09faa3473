/**
 * Whether oclif's help prints in colour (its section headers bold). oclif colours only when supports-color says
 * both stdout and stderr take colour and ansis agrees. The build bundles this module on its own, from the copies
 * oclif loads (scripts/bundle-client.mjs), so the pre-rendered help picks the variant oclif would, by oclif's rule.
 */
import ansis from 'ansis'
import supportsColor from 'supports-color'

export function oclifHelpUsesColor(): boolean {
  return Boolean(supportsColor.stdout) && Boolean(supportsColor.stderr) && ansis.isSupported()
}
