/**
 * `--help` without loading oclif. oclif's help costs about 200 ms on a small machine (evaluating the framework,
 * loading its config, rendering), most of the command's time; the text depends only on the build, so the build
 * renders every page with oclif itself (scripts/render-help.mjs) and this prints the page. Whatever this cannot
 * answer exactly as oclif would (any other argv, OCLIF_COLUMNS, WSL, a missing or damaged pages file) falls
 * through to oclif.
 */
import {existsSync, readFileSync} from 'node:fs'
import {release} from 'node:os'

export interface HelpPages {
  /** package.json's name and version, which oclif's VERSION section shows. */
  name: string
  version: string
  /** Stands for oclif's user agent (name/version platform-arch node-version) in the pages. */
  userAgentMark: string
  /** By topic ('' for the root): the page as oclif prints it without colour, and with. */
  pages: Record<string, {plain: string; color: string}>
}

/** The page argv asks for ('' the root), as main.ts's normalizeArgv would spell it; undefined for anything else. */
export function helpTopic(argv: readonly string[]): string | undefined {
  const [first, second, ...rest] = argv
  if (rest.length > 0) return undefined
  if (first === undefined) return ''
  const isHelpFlag = (arg: string | undefined): boolean => arg === '--help' || arg === '-h'
  if (second === undefined) return isHelpFlag(first) || first === 'help' ? '' : undefined
  if (first.startsWith('-')) return undefined
  if (first === 'help') return second.startsWith('-') ? undefined : second
  return isHelpFlag(second) ? first : undefined
}

/** Prints the help argv asks for and returns true, or returns false for oclif to answer. */
export async function serveHelp(argv: readonly string[], pagesFile: URL | string): Promise<boolean> {
  const topic = helpTopic(argv)
  if (topic === undefined || process.env.OCLIF_COLUMNS !== undefined || mayBeWsl()) return false
  const pages = readPages(pagesFile)
  const page = pages?.pages[topic]
  if (!pages || !page) return false
  const userAgent = `${pages.name}/${pages.version} ${process.platform}-${process.arch} node-${process.version}`
  // Loaded only here: every other run goes on to oclif, which has its own copy.
  const {oclifHelpUsesColor} = await import('./oclif-color.js')
  process.stdout.write((oclifHelpUsesColor() ? page.color : page.plain).replaceAll(pages.userAgentMark, userAgent))
  return true
}

function readPages(file: URL | string): HelpPages | undefined {
  try {
    const pages = JSON.parse(readFileSync(file, 'utf8')) as HelpPages
    return typeof pages.userAgentMark === 'string' && pages.userAgentMark !== '' && typeof pages.pages === 'object' ? pages : undefined
  } catch {
    return undefined
  }
}

/** oclif names the platform `wsl` under the Windows Subsystem for Linux; on any sign of it, let oclif say. */
function mayBeWsl(): boolean {
  if (process.platform !== 'linux') return false
  if (release().toLowerCase().includes('microsoft')) return true
  if (existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')) return true
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')
  } catch {
    return false
  }
}
