import {stringify} from 'yaml'

import type {Report} from './report.js'

/** The -o json document as YAML: same fields, same order, no anchors (a shared object is written out twice). */
export function renderYaml(report: Report): string {
  return stringify(report, {aliasDuplicateObjects: false, lineWidth: 0})
}
