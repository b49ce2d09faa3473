import {Chalk} from 'chalk'

import type {ScanFinding} from '../analysis/scan/findings.js'
import type {Report} from './report.js'
import {terminalSafe} from './terminal-text.js'
import {hangingIndent} from './wrap.js'

export interface ScanTableOptions {
  color: boolean
  width?: number
  /** Only failing and warning findings (no area rows, no ignored findings). */
  quiet?: boolean
}

const SYMBOL = {pass: '✔', warn: '!', fail: '✖', error: '?'} as const

function refText(ref: ScanFinding['object']): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`
}

/** For people: the areas, then the findings grouped per object, then what a what-if changes. */
export function renderScanTable(report: Report, options: ScanTableOptions): string {
  const chalk = new Chalk({level: options.color ? 1 : 0})
  const width = Math.max(40, Math.min(200, options.width ?? 120))
  const safe = (text: string) => terminalSafe(text)
  const paint = (severity: 'pass' | 'warn' | 'fail' | 'error', text: string) =>
    severity === 'fail' ? chalk.red.bold(text) : severity === 'warn' ? chalk.yellow(text) : severity === 'error' ? chalk.magenta(text) : chalk.green(text)
  const scan = report.scan!
  const lines: string[] = []
  const scope = scan.scope.namespaces === 'all' ? 'all namespaces' : `namespace ${scan.scope.namespaces.join(', ')}`
  lines.push(chalk.bold(`kubectl netdiag scan: ${scope} (${report.source === 'snapshot' ? `snapshot ${report.cluster.server ?? ''}` : (report.cluster.context ?? 'live')})`))
  if (!options.quiet) {
    for (const area of report.checks) lines.push(...hangingIndent(safe(`${paint(area.status as 'pass', SYMBOL[area.status as 'pass'] ?? '?')} ${area.title}: ${area.summary}`), width, '', '  '))
  }
  const shown = scan.findings.filter((f) => !f.ignored || !options.quiet)
  let current = ''
  for (const finding of shown) {
    const object = refText(finding.object)
    if (object !== current) {
      lines.push('', chalk.bold(safe(object)))
      current = object
    }
    const mark = finding.ignored ? chalk.dim('ignored') : paint(finding.severity, finding.severity.toUpperCase())
    lines.push(...hangingIndent(safe(`${mark} ${finding.code}: ${finding.summary}`), width, '  ', '    '))
    if (finding.fix && !finding.ignored) finding.fix.split('\n').forEach((line, i) => (i === 0 ? lines.push(...hangingIndent(safe(`fix: ${line}`), width, '    ', '      ')) : lines.push(`      ${safe(line)}`)))
  }
  if (scan.whatIf) {
    const w = scan.whatIf
    lines.push('', chalk.bold(`What-if: ${w.applied.length} object(s) applied, ${w.deleted.length} deleted${w.notAnalysed.length ? `, ${w.notAnalysed.length} of kinds netdiag does not analyse (not applied)` : ''}`))
    if (w.flips.length === 0 && w.findings.length === 0) lines.push('  no verdict flips and no finding appears or disappears')
    for (const flip of w.flips) lines.push(...hangingIndent(safe(flip.text), width, '  ~ ', '    '))
    for (const change of w.findings) {
      const sign = change.change === 'disappeared' ? '- ' : '+ '
      const words = change.change === 'severity' ? `${change.before!.severity} → ${change.finding.severity}` : change.change
      lines.push(...hangingIndent(safe(`${change.finding.code} ${refText(change.finding.object)} ${words}: ${change.finding.summary}`), width, `  ${sign}`, '    '))
    }
    if (w.truncated) lines.push(chalk.yellow(`  ! only the first ${w.flowsEvaluated} flows were evaluated: narrow the scan with -n`))
  }
  const {fail, warn, ignored} = scan.counts
  lines.push('', paint(report.status, `${report.status.toUpperCase()}: ${fail} failing, ${warn} warning${ignored ? `, ${ignored} ignored` : ''}`))
  return lines.join('\n') + '\n'
}
