import {Flags} from './oclif.js'

import {badInput} from './errors.js'

export const DEFAULT_IMAGE = 'nicolaka/netshoot:latest'

/** -o/--output; json, yaml and junit print one document on stdout and nothing else (no spinner). */
export function outputFlag(formats: string[]) {
  return Flags.string({char: 'o', description: 'Output format.', options: formats, default: 'table', helpGroup: 'GLOBAL'})
}

/** The flags every diagnosing command has, with kubectl's names and meaning. */
export const globalFlags = {
  kubeconfig: Flags.string({description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).', helpGroup: 'GLOBAL'}),
  context: Flags.string({description: 'The kubeconfig context to use.', helpGroup: 'GLOBAL'}),
  namespace: Flags.string({char: 'n', description: "Namespace (default: the context's namespace, else default).", helpGroup: 'GLOBAL'}),
  output: outputFlag(['table', 'json', 'yaml', 'junit']),
  timeout: Flags.string({
    description: 'Per-check timeout, also the wait for a debug pod to start and for each API call (e.g. 30s, 2m).',
    default: '60s',
    helpGroup: 'GLOBAL',
  }),
  'request-timeout': Flags.string({
    description: "As kubectl's: how long to wait for one API request (e.g. 10s; 0: no limit but --timeout). Default: --timeout.",
    helpGroup: 'GLOBAL',
  }),
  as: Flags.string({description: 'Username to impersonate for the operation (as kubectl --as).', helpGroup: 'GLOBAL'}),
  'as-group': Flags.string({description: 'Group to impersonate (as kubectl --as-group; repeatable).', multiple: true, multipleNonGreedy: true, helpGroup: 'GLOBAL'}),
  v: Flags.integer({char: 'v', description: 'Log level: 6 logs each API call (method, URL, status, time; never tokens), 8 adds response sizes.', min: 0, max: 10, default: 0, helpGroup: 'GLOBAL'}),
  'no-probe': Flags.boolean({description: 'API analysis only: create no debug pod, run no probe.', default: false, helpGroup: 'GLOBAL'}),
  snapshot: Flags.string({
    description: 'Analyse a snapshot file instead of a live cluster (repeatable; - reads stdin). No kubeconfig, no network.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'GLOBAL',
  }),
  'snapshot-max-size': Flags.string({description: 'Refuse snapshot files larger than this (e.g. 512Mi, 2Gi).', default: '1Gi', helpGroup: 'GLOBAL'}),
  image: Flags.string({description: 'Image for debug pods (a mirror, for air-gapped clusters).', env: 'NETDIAG_IMAGE', default: DEFAULT_IMAGE, helpGroup: 'GLOBAL'}),
  keep: Flags.boolean({description: 'Leave debug pods running for inspection (remove them with kubectl netdiag cleanup).', default: false, helpGroup: 'GLOBAL'}),
  'fail-on': Flags.string({description: 'Exit 1 when the diagnosis is at least this bad.', options: ['warn', 'fail'], default: 'fail', helpGroup: 'GLOBAL'}),
  timings: Flags.boolean({description: "Add where each check's time went (API calls, debug pod start, probe exec) to its details.", default: false, helpGroup: 'GLOBAL'}),
  quiet: Flags.boolean({char: 'q', description: 'Table output: print only findings and the diagnosis.', default: false, helpGroup: 'GLOBAL'}),
  'no-color': Flags.boolean({description: 'No colours (also when NO_COLOR is set or stdout is not a terminal).', default: false, helpGroup: 'GLOBAL'}),
}

export type GlobalFlags = {
  kubeconfig?: string
  context?: string
  'request-timeout'?: string
  as?: string
  'as-group'?: string[]
  v?: number
  'snapshot-max-size'?: string
  namespace?: string
  output: string
  timeout: string
  'no-probe': boolean
  snapshot?: string[]
  image: string
  keep: boolean
  'fail-on': string
  quiet: boolean
  timings?: boolean
  'no-color': boolean
}

/** The longest a Node.js timer can wait (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * kubectl-style durations: 30s, 2m, 1m30s, 500ms, or a bare number of seconds. Zero only where `allowZero`
 * (--request-timeout 0 means no limit); above what a timer can hold is rejected, never turned into 1 ms.
 */
export function parseDuration(text: string, flag = '--timeout', options: {allowZero?: boolean} = {}): number {
  const ms = parseDurationMs(text, flag, options.allowZero === true)
  if (ms > MAX_TIMER_MS) throw badInput(`invalid ${flag} "${text}": at most 596h (about 24 days)`)
  return ms
}

function parseDurationMs(text: string, flag: string, allowZero: boolean): number {
  const invalid = () => badInput(`invalid ${flag} "${text}": use a duration such as 30s, 2m or 1m30s`)
  if (allowZero && /^0+(\.0+)?(ms|s|m|h)?$/.test(text)) return 0
  if (/^\d+(\.\d+)?$/.test(text)) {
    // A zero timeout would make every API call time out at once (exit 3) instead of being bad usage.
    const ms = Math.round(Number(text) * 1000)
    if (ms <= 0) throw invalid()
    return ms
  }
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
  let total = 0
  let consumed = 0
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[match[2] as 'ms' | 's' | 'm' | 'h']
    consumed += match[0].length
  }
  if (consumed !== text.length || total <= 0) throw invalid()
  return Math.round(total)
}

/** Sizes as Kubernetes quantities or plain bytes: 512Mi, 2Gi, 1G, 1048576. */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|k|M|G|T)?B?$/.exec(text.trim())
  const unit = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12}
  const bytes = match ? Number(match[1]) * (match[2] ? unit[match[2] as keyof typeof unit] : 1) : NaN
  if (!Number.isFinite(bytes) || bytes < 1) throw badInput(`invalid ${flag} "${text}": use a size such as 512Mi or 2Gi`)
  return Math.floor(bytes)
}
