import {Document, parse, Scalar, visit} from '../yaml.js'

import type {Report} from './report.js'

// Only short strings made of these characters can resolve to something else when written plain.
const MAYBE_NOT_A_STRING = /^[\w.+\-:~=<]{1,64}$/

/**
 * The -o json document as YAML: same fields, same order, no anchors (a shared object is written out twice).
 * A string that a YAML 1.1 reader (PyYAML, many CI tools) or a 1.2 reader would take for a bool, a number, a
 * null or a timestamp (`yes`, `on`, `n`, `0o17`, `2026-12-01`, `1:20`) is written quoted.
 */
export function renderYaml(report: Report): string {
  const doc = new Document(report, {aliasDuplicateObjects: false})
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && misreadPlain(node.value)) node.type = Scalar.QUOTE_DOUBLE
    },
  })
  return doc.toString({lineWidth: 0})
}

export function misreadPlain(value: string): boolean {
  if (!MAYBE_NOT_A_STRING.test(value)) return false
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(value, {version}) !== value) return true
    } catch {
      return true
    }
  }
  return false
}
