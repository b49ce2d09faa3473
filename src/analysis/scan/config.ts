// The scan config file (--config FILE, YAML or JSON): known findings to accept. Malformed fails closed, naming
// the file and the field; an unknown code is refused too (a typo would silently accept nothing).
//
//   ignore:
//     - svc-loadbalancer-pending              # everywhere
//     - code: policy-selects-no-pod
//       object: NetworkPolicy/shop/legacy     # only this object
//     - code: dns-egress-blocked
//       namespace: sandbox                    # only this namespace
import {parse} from '../../yaml.js'

import {catalogueEntry} from './catalogue.js'
import type {IgnoreRule} from './result.js'

export class ScanConfigError extends Error {}

export function parseScanConfig(text: string, file: string): IgnoreRule[] {
  let value: unknown
  try {
    value = parse(text, {prettyErrors: false})
  } catch (error) {
    throw new ScanConfigError(`--config ${file}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`)
  }
  if (value === null || value === undefined) return []
  if (typeof value !== 'object' || Array.isArray(value)) throw new ScanConfigError(`--config ${file}: expected a mapping with an ignore list`)
  const unknownKeys = Object.keys(value).filter((k) => k !== 'ignore')
  if (unknownKeys.length > 0) throw new ScanConfigError(`--config ${file}: ${unknownKeys[0]}: unknown field (only ignore)`)
  const list = (value as {ignore?: unknown}).ignore ?? []
  if (!Array.isArray(list)) throw new ScanConfigError(`--config ${file}: ignore: expected a list`)
  return list.map((item, i) => {
    const field = `ignore[${i}]`
    const rule: IgnoreRule = typeof item === 'string' ? {code: item} : ruleOf(item, `--config ${file}: ${field}`)
    const problem = codeProblem(rule.code)
    if (problem) throw new ScanConfigError(`--config ${file}: ${field}.code: ${problem}`)
    return rule
  })
}

function ruleOf(item: unknown, where: string): IgnoreRule {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ScanConfigError(`${where}: expected a code or a mapping with code, object, namespace`)
  const record = item as Record<string, unknown>
  for (const key of Object.keys(record)) if (!['code', 'object', 'namespace'].includes(key)) throw new ScanConfigError(`${where}.${key}: unknown field (code, object, namespace)`)
  for (const key of ['code', 'object', 'namespace']) {
    if (record[key] !== undefined && (typeof record[key] !== 'string' || record[key] === '')) throw new ScanConfigError(`${where}.${key}: expected a non-empty string`)
  }
  if (record.code === undefined) throw new ScanConfigError(`${where}.code: missing`)
  if (typeof record.object === 'string' && !/^[^/]+\/([^/]+\/)?[^/]+$/.test(record.object)) throw new ScanConfigError(`${where}.object: use Kind/namespace/name or Kind/name`)
  return {code: record.code as string, ...(record.object ? {object: record.object as string} : {}), ...(record.namespace ? {namespace: record.namespace as string} : {})}
}

/** Why a code cannot be ignored (it does not exist), for --ignore and the config file. */
export function codeProblem(code: string): string | undefined {
  return catalogueEntry(code) ? undefined : `unknown finding code "${code}" (kubectl netdiag scan --help lists them; the README has the catalogue)`
}
