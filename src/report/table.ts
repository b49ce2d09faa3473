import {Chalk, type ChalkInstance} from 'chalk'

import type {CheckStatus} from '../engine/types.js'
import type {Report} from './report.js'
import {terminalSafe} from './terminal-text.js'
import {hangingIndent, wrapText} from './wrap.js'

export interface TableOptions {
  color: boolean
  /** Terminal width (40 to 200 columns are laid out; others are clamped); every line wraps to it. */
  width?: number
  /** Only checks that failed, warned or errored, then the diagnosis. */
  quiet?: boolean
}

/** Target fields that are settings rather than what the run is about; they stay in the JSON. */
const HIDDEN_TARGET_KEYS = new Set(['externalName', 'clusterDomain'])

const SYMBOL: Record<CheckStatus, string> = {pass: '✔', warn: '!', fail: '✖', skip: '–', error: '?'}

/** Below this width the title gets a line of its own and the summary goes under it. */
const STACKED_BELOW = 72

type Check = Report['checks'][number]

function paint(chalk: ChalkInstance, status: CheckStatus | 'pass' | 'warn' | 'fail' | 'error', text: string): string {
  switch (status) {
    case 'pass':
      return chalk.green(text)
    case 'warn':
      return chalk.yellow(text)
    case 'fail':
      return chalk.red.bold(text)
    case 'error':
      return chalk.magenta(text)
    default:
      return chalk.dim(text)
  }
}

/** A table a person reads in ten seconds: one line per check, then the root cause and the fix. */
export function renderTable(report: Report, options: TableOptions): string {
  const chalk = new Chalk({level: options.color ? 1 : 0})
  const width = Math.max(40, Math.min(options.width ?? 120, 200))
  const checks = options.quiet ? report.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error') : report.checks
  const lines: string[] = [...header(report, chalk, width), '']
  if (checks.length > 0) lines.push(...checkLines(checks, chalk, width), '')
  lines.push(...diagnosisBlock(report, chalk, width))
  return lines.map((line) => line.replace(/[ \t]+$/, '')).join('\n') + '\n'
}

function checkLines(checks: Check[], chalk: ChalkInstance, width: number): string[] {
  const lines: string[] = []
  const stacked = width < STACKED_BELOW
  const titleWidth = Math.min(38, Math.max(12, ...checks.map((c) => c.title.length)) + 1)
  for (const check of checks) {
    const symbol = paint(chalk, check.status, SYMBOL[check.status])
    const title = terminalSafe(check.title, {singleLine: true})
    const summary = terminalSafe(check.summary) + timingsText(check)
    const tone = check.status === 'pass' ? 'skip' : check.status
    if (stacked) {
      lines.push(...hangingIndent(title, width, `${symbol} `, '  '))
      lines.push(...wrapText(summary, width - 4).map((line) => `    ${paint(chalk, tone, line)}`))
      continue
    }
    const titleLines = wrapText(title, titleWidth)
    const summaryLines = wrapText(summary, width - titleWidth - 4)
    for (let i = 0; i < Math.max(titleLines.length, summaryLines.length); i++) {
      const left = (titleLines[i] ?? '').padEnd(titleWidth)
      lines.push(`${i === 0 ? symbol : ' '} ${left} ${summaryLines[i] ? paint(chalk, tone, summaryLines[i]) : ''}`)
    }
  }
  return lines
}

/** --timings: where the check's time went, after its summary. */
function timingsText(check: Check): string {
  const t = check.details?.timings as Record<string, number> | undefined
  if (!t || typeof t !== 'object') return ''
  const part = (ms: number | undefined, count: number | undefined, what: string) => (count ? `${what} ${ms ?? 0}ms×${count}` : '')
  const parts = [part(t.apiMs, t.apiCalls, 'api'), part(t.podStartMs, t.podStarts, 'pod start'), part(t.execMs, t.execs, 'exec')].filter(Boolean)
  return ` [${check.durationMs}ms${parts.length ? `: ${parts.join(', ')}` : ''}]`
}

function header(report: Report, chalk: ChalkInstance, width: number): string[] {
  const target = Object.entries(report.target)
    .filter(([key, value]) => !HIDDEN_TARGET_KEYS.has(key) && value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ')
  const cluster = report.source === 'snapshot' ? `snapshot ${report.cluster.server ?? ''}` : `context ${report.cluster.context ?? '?'}${report.cluster.version ? ` (${report.cluster.version})` : ''}`
  const text = terminalSafe([`kubectl netdiag ${report.command}`, target, cluster].filter(Boolean).join(' · '), {singleLine: true})
  const lines = wrapText(text, width).map((line, i) => (i === 0 ? line.replace(`kubectl netdiag ${report.command}`, chalk.bold(`kubectl netdiag ${report.command}`)) : line))
  if (report.probe) lines.push(...wrapText(terminalSafe(`probes from ${report.probe.description}`, {singleLine: true}), width).map((l) => chalk.dim(l)))
  for (const ephemeral of report.probe?.ephemeralContainers ?? []) {
    const note = `note: added ephemeral container ${ephemeral.container} to pod ${ephemeral.namespace}/${ephemeral.pod}; ephemeral containers cannot be removed (it exits by itself)`
    lines.push(...wrapText(terminalSafe(note, {singleLine: true}), width).map((l) => chalk.yellow(l)))
  }
  return lines
}

function diagnosisBlock(report: Report, chalk: ChalkInstance, width: number): string[] {
  const counts = countBy(report.checks.map((c) => c.status))
  const tally = (['fail', 'warn', 'error', 'skip', 'pass'] as const)
    .filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ')
  const verdict = `${chalk.bold('Diagnosis:')} ${paint(chalk, report.status, report.status.toUpperCase())}`
  const totals = `(${tally}; ${(report.durationMs / 1000).toFixed(1)}s)`
  const fits = 'Diagnosis: '.length + report.status.length + 1 + totals.length <= width
  const lines = fits ? [`${verdict} ${chalk.dim(totals)}`] : [verdict, ...hangingIndent(totals, width, '  ').map((l) => chalk.dim(l))]
  // Labels are bold; the text after them wraps under itself.
  const labelled = (label: string, text: string, tone?: (s: string) => string) => {
    // A long label on a narrow terminal: the text goes under it, so it keeps most of the width.
    if (label.length + 3 > width / 3) return [`  ${chalk.bold(label)}`, ...hangingIndent(terminalSafe(text), width, '    ')]
    const wrapped = hangingIndent(terminalSafe(text), width, `  ${label} `)
    return wrapped.map((line, i) => (i === 0 ? `  ${chalk.bold(label)}${tone ? tone(line.slice(label.length + 2)) : line.slice(label.length + 2)}` : tone ? tone(line) : line))
  }
  const root = report.diagnosis.rootCause
  if (root) {
    lines.push(...labelled('Root cause:', root.summary))
    if (root.remediation) lines.push(...labelled('Fix:', root.remediation))
    const consequences = report.diagnosis.findings.filter((id) => id !== root.checkId)
    if (consequences.length > 0) lines.push(...hangingIndent(`Also: ${consequences.join(', ')}`, width, '  ').map((l) => chalk.dim(l)))
  } else if (report.status === 'error') {
    const errored = report.checks.filter((c) => c.status === 'error')
    lines.push(...labelled('Could not finish:', errored[0]?.summary ?? ''))
  } else if (report.diagnosis.findings.length > 0) {
    const first = report.checks.find((c) => c.id === report.diagnosis.findings[0])
    lines.push(...labelled('No failure found; worth a look:', first?.summary ?? ''))
    if (first?.remediation) lines.push(...labelled('Suggestion:', first.remediation))
  } else {
    lines.push(`  ${chalk.green('No problem found.')}`)
  }
  return lines
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
