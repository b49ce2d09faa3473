import {Flags} from '@oclif/core'

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
    description: 'Per-check timeout, also the wait for a debug pod to start (e.g. 30s, 2m).',
    default: '60s',
    helpGroup: 'GLOBAL',
  }),
  'no-probe': Flags.boolean({description: 'API analysis only: create no debug pod, run no probe.', default: false, helpGroup: 'GLOBAL'}),
  snapshot: Flags.string({
    description: 'Analyse a snapshot file instead of a live cluster (repeatable). No kubeconfig, no network.',
    multiple: true,
    helpGroup: 'GLOBAL',
  }),
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

/** kubectl-style durations: 30s, 2m, 1m30s, 500ms, or a bare number of seconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const invalid = () => badInput(`invalid ${flag} "${text}": use a duration such as 30s, 2m or 1m30s`)
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
