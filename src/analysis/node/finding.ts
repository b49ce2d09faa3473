/** One judgement from node / path analysis; a check turns a list of these into its CheckResult. */
export interface Finding {
  status: 'pass' | 'warn' | 'fail'
  /** Stable, machine-readable: `mtu.pod-exceeds-overlay`, `sysctl.ip-forward-off`. */
  code: string
  /** One line a person can act on, naming the numbers and interfaces involved. */
  message: string
  remediation?: string
  details?: Record<string, unknown>
}

const RANK = {pass: 0, warn: 1, fail: 2} as const

/** The worst status among findings, `pass` for none. */
export function worstStatus(findings: readonly Finding[]): Finding['status'] {
  return findings.reduce<Finding['status']>((worst, f) => (RANK[f.status] > RANK[worst] ? f.status : worst), 'pass')
}
