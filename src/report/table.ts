import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

import type {CheckStatus} from '../engine/types.js'
import type {Report} from './report.js'

export interface TableOptions {
  color: boolean
  /** Terminal width; the summary column wraps to fit. */
  width?: number
  /** Only checks that failed, warned or errored, then the diagnosis. */
  quiet?: boolean
}

/** Target fields that are settings rather than what the run is about; they stay in the JSON. */
const HIDDEN_TARGET_KEYS = new Set(['externalName', 'clusterDomain'])

const SYMBOL: Record<CheckStatus, string> = {pass: '✔', warn: '!', fail: '✖', skip: '–', error: '?'}

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
  const width = Math.max(80, Math.min(options.width ?? 120, 200))
  const checks = options.quiet ? report.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error') : report.checks
  const titleWidth = Math.min(38, Math.max(12, ...checks.map((c) => c.title.length)) + 2)
  const table = new Table({
    chars: {top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' '},
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 1},
    colWidths: [3, titleWidth, width - titleWidth - 6],
    wordWrap: true,
  })
  for (const check of checks) {
    table.push([paint(chalk, check.status, SYMBOL[check.status]), check.title, paint(chalk, check.status === 'pass' ? 'skip' : check.status, check.summary)])
  }

  const lines: string[] = [header(report, chalk), '']
  if (checks.length > 0) lines.push(table.toString().replace(/[ \t]+$/gm, ''), '')
  lines.push(...diagnosisBlock(report, chalk))
  return lines.join('\n') + '\n'
}

function header(report: Report, chalk: ChalkInstance): string {
  const target = Object.entries(report.target)
    .filter(([key, value]) => !HIDDEN_TARGET_KEYS.has(key) && value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ')
  const cluster = report.source === 'snapshot' ? `snapshot ${report.cluster.server ?? ''}` : `context ${report.cluster.context ?? '?'}${report.cluster.version ? ` (${report.cluster.version})` : ''}`
  const parts = [chalk.bold(`kubectl netdiag ${report.command}`), target, cluster].filter(Boolean)
  let text = parts.join(chalk.dim(' · '))
  if (report.probe) text += `\n${chalk.dim(`probes from ${report.probe.description}`)}`
  for (const ephemeral of report.probe?.ephemeralContainers ?? []) {
    text += `\n${chalk.yellow(`note: added ephemeral container ${ephemeral.container} to pod ${ephemeral.namespace}/${ephemeral.pod}; ephemeral containers cannot be removed (it exits by itself)`)}`
  }
  return text
}

function diagnosisBlock(report: Report, chalk: ChalkInstance): string[] {
  const counts = countBy(report.checks.map((c) => c.status))
  const tally = (['fail', 'warn', 'error', 'skip', 'pass'] as const)
    .filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ')
  const lines = [`${chalk.bold('Diagnosis:')} ${paint(chalk, report.status, report.status.toUpperCase())} ${chalk.dim(`(${tally}; ${(report.durationMs / 1000).toFixed(1)}s)`)}`]
  const root = report.diagnosis.rootCause
  if (root) {
    lines.push(`  ${chalk.bold('Root cause:')} ${root.summary}`)
    if (root.remediation) lines.push(`  ${chalk.bold('Fix:')} ${indent(root.remediation, '       ')}`)
    const consequences = report.diagnosis.findings.filter((id) => id !== root.checkId)
    if (consequences.length > 0) lines.push(`  ${chalk.dim(`Also: ${consequences.join(', ')}`)}`)
  } else if (report.status === 'error') {
    const errored = report.checks.filter((c) => c.status === 'error')
    lines.push(`  ${chalk.bold('Could not finish:')} ${errored[0]?.summary ?? ''}`)
  } else if (report.diagnosis.findings.length > 0) {
    const first = report.checks.find((c) => c.id === report.diagnosis.findings[0])
    lines.push(`  ${chalk.bold('No failure found; worth a look:')} ${first?.summary ?? ''}`)
    if (first?.remediation) lines.push(`  ${chalk.bold('Suggestion:')} ${indent(first.remediation, '              ')}`)
  } else {
    lines.push(`  ${chalk.green('No problem found.')}`)
  }
  return lines
}

function indent(text: string, prefix: string): string {
  return text.split('\n').join(`\n${prefix}`)
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
