// Which diagnostic tools a probe image has. The detection script is POSIX sh and runs under busybox ash,
// dash and bash; busybox ash's `command -v` reports only its first operand, so each tool is checked alone.

export const PROBE_TOOLS = ['dig', 'nslookup', 'nc', 'ping', 'tracepath', 'traceroute', 'ip', 'curl', 'wget'] as const
export type ProbeTool = (typeof PROBE_TOOLS)[number]

export interface ToolInfo {
  path: string
  /** A busybox applet: fewer options (busybox nslookup has no TCP mode, busybox nc no -u -z on old builds). */
  busybox: boolean
}

export interface ToolSet {
  available: Partial<Record<ProbeTool, ToolInfo>>
  /** False when the script's end marker is missing (killed, timed out): absent tools may still exist. */
  complete: boolean
}

const LINE_PREFIX = 'netdiag-tool'
const END_MARKER = 'netdiag-tools-end'

// Only nslookup and nc are asked for their banner: their flavour changes what we can run, and both print
// usage and exit when given an unknown option (stdin closed so bind nslookup never goes interactive).
export function detectToolsCommand(): string[] {
  return ['sh', '-c', detectToolsScript()]
}

export function detectToolsScript(): string {
  return [
    `for t in ${PROBE_TOOLS.join(' ')}; do`,
    '  p=$(command -v "$t" 2>/dev/null) || continue',
    '  case "$p" in /*) ;; *) continue ;; esac',
    '  f=native',
    '  case "$t" in nslookup|nc)',
    '    if "$t" --netdiag-version </dev/null 2>&1 | head -n 2 | grep -q BusyBox; then f=busybox; fi ;;',
    '  esac',
    '  if [ -L "$p" ]; then case "$(readlink "$p")" in *busybox*) f=busybox ;; esac; fi',
    `  echo "${LINE_PREFIX} $t $p $f"`,
    'done',
    `echo ${END_MARKER}`,
  ].join('\n')
}

export function parseToolSet(stdout: string): ToolSet {
  const available: Partial<Record<ProbeTool, ToolInfo>> = {}
  let complete = false
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields[0] === END_MARKER) complete = true
    if (fields[0] !== LINE_PREFIX || fields.length < 4) continue
    const tool = fields[1] as ProbeTool
    if (!PROBE_TOOLS.includes(tool)) continue
    available[tool] = {path: fields[2], busybox: fields[3] === 'busybox'}
  }
  return {available, complete}
}

export function hasTool(tools: ToolSet, tool: ProbeTool): boolean {
  return tools.available[tool] !== undefined
}
