import type {Report} from './report.js'

/** Exactly one JSON document, nothing else on stdout. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n'
}
