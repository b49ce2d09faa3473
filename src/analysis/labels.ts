// Kubernetes label selectors: the metav1.LabelSelector object form and the API string form.
//
// Two meanings of "no selector" matter to callers:
// - an EMPTY selector `{}` (no matchLabels, no matchExpressions) matches every label set;
// - a null/absent selector matches nothing (metav1.LabelSelectorAsSelector(nil) is labels.Nothing()).
// NetworkPolicy peers are the exception: there an absent podSelector or namespaceSelector means "this
// dimension is not constrained" in a specific way (see network-policy/peers.ts), so peer code checks
// for absence itself and only hands present selectors to matchesSelector.
import type {LabelSelector, LabelSelectorRequirement} from '../cluster/types.js'

export type Labels = Record<string, string>

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'

/** A selector flattened into requirements: matchLabels become `In` with one value. */
export interface Requirement {
  key: string
  operator: SelectorOperator
  values: string[]
}

export type LabelMatcher = (labels: Labels | undefined) => boolean

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist'])

export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  return (
    selector !== null &&
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  )
}

/** The selector's requirements in API order: matchLabels first, then matchExpressions. */
export function selectorRequirements(selector: LabelSelector): Requirement[] {
  const fromLabels: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }))
  const fromExpressions = (selector.matchExpressions ?? []).map((e: LabelSelectorRequirement) => ({
    key: e.key,
    operator: e.operator as SelectorOperator,
    values: e.values ?? [],
  }))
  return [...fromLabels, ...fromExpressions]
}

/** Problems the API server would reject; a selector with problems matches nothing here. */
export function selectorProblems(selector: LabelSelector): string[] {
  const problems: string[] = []
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? []
    if (!OPERATORS.has(e.operator)) problems.push(`${e.key}: unknown operator ${JSON.stringify(e.operator)}`)
    else if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0)
      problems.push(`${e.key}: operator ${e.operator} needs at least one value`)
    else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0)
      problems.push(`${e.key}: operator ${e.operator} takes no values`)
  }
  return problems
}

export function requirementMatches(req: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key)
  const value = has ? labels[req.key] : undefined
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(value as string)
    case 'NotIn':
      return !has || !req.values.includes(value as string)
    case 'Exists':
      return has
    case 'DoesNotExist':
      return !has
    default:
      return false
  }
}

const matchNothing: LabelMatcher = () => false
const matchEverything: LabelMatcher = () => true

/** Pre-parses a selector into a function; use it when one selector is matched against many label sets. */
export function compileSelector(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector === null || selector === undefined) return matchNothing
  if (selectorProblems(selector).length > 0) return matchNothing
  const requirements = selectorRequirements(selector)
  if (requirements.length === 0) return matchEverything
  return (labels) => requirements.every((req) => requirementMatches(req, labels))
}

/** Kubernetes semantics: matchLabels AND matchExpressions; `{}` matches everything; null/undefined nothing. */
export function matchesSelector(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  return compileSelector(selector)(labels)
}

export class LabelSelectorSyntaxError extends Error {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`invalid label selector ${JSON.stringify(input)}: ${detail}`)
    this.name = 'LabelSelectorSyntaxError'
  }
}

// Splits on commas outside parentheses: "a in (x,y),b" -> ["a in (x,y)", "b"].
function splitTerms(input: string): string[] {
  const terms: string[] = []
  let depth = 0
  let current = ''
  for (const ch of input) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (depth < 0) throw new LabelSelectorSyntaxError(input, 'unbalanced ")"')
    if (ch === ',' && depth === 0) {
      terms.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  if (depth !== 0) throw new LabelSelectorSyntaxError(input, 'unbalanced "("')
  terms.push(current)
  return terms
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`
const VALUE = String.raw`[-A-Za-z0-9_.]*`
const SET_TERM = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\((.*)\\)$`)
const EQUALITY_TERM = new RegExp(`^(${KEY})\\s*(==|!=|=)\\s*(${VALUE})$`)
const EXISTS_TERM = new RegExp(`^(!?)\\s*(${KEY})$`)

/**
 * Parses the API string syntax (`a=b,c!=d,e in (x,y),f notin (z),!g,h`, `==` as `=`) into a LabelSelector.
 * `a!=b` becomes NotIn, so like the API it matches objects without the key. "" parses to `{}` (everything).
 * Throws LabelSelectorSyntaxError; `<`/`>` are rejected because a LabelSelector object cannot hold them.
 */
export function parseLabelSelector(input: string): LabelSelector {
  const matchLabels: Record<string, string> = {}
  const matchExpressions: LabelSelectorRequirement[] = []
  if (input.trim() === '') return {}
  for (const raw of splitTerms(input)) {
    const term = raw.trim()
    if (term === '') throw new LabelSelectorSyntaxError(input, 'empty term')
    let m: RegExpMatchArray | null
    if ((m = term.match(SET_TERM))) {
      const [, key, op, list] = m as unknown as [string, string, string, string]
      const values = list.split(',').map((v) => v.trim())
      if (list.trim() === '') throw new LabelSelectorSyntaxError(input, `"${key} ${op} ()" needs at least one value`)
      for (const v of values) {
        if (!new RegExp(`^${VALUE}$`).test(v)) throw new LabelSelectorSyntaxError(input, `bad value ${JSON.stringify(v)}`)
      }
      matchExpressions.push({key, operator: op === 'in' ? 'In' : 'NotIn', values: [...new Set(values)]})
    } else if ((m = term.match(EQUALITY_TERM))) {
      const [, key, op, value] = m as unknown as [string, string, string, string]
      if (op === '!=') matchExpressions.push({key, operator: 'NotIn', values: [value]})
      else if (key in matchLabels && matchLabels[key] !== value) matchExpressions.push({key, operator: 'In', values: [value]})
      else matchLabels[key] = value
    } else if ((m = term.match(EXISTS_TERM))) {
      const [, bang, key] = m as unknown as [string, string, string]
      matchExpressions.push({key, operator: bang === '!' ? 'DoesNotExist' : 'Exists'})
    } else if (/[<>]/.test(term)) {
      throw new LabelSelectorSyntaxError(input, `"${term}": < and > cannot be expressed in a LabelSelector`)
    } else {
      throw new LabelSelectorSyntaxError(input, `cannot parse "${term}"`)
    }
  }
  const selector: LabelSelector = {}
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions
  return selector
}

function formatRequirement(req: Requirement): string {
  const values = [...req.values].sort()
  switch (req.operator) {
    case 'In':
      return values.length === 1 ? `${req.key}=${values[0]}` : `${req.key} in (${values.join(',')})`
    case 'NotIn':
      return values.length === 1 ? `${req.key}!=${values[0]}` : `${req.key} notin (${values.join(',')})`
    case 'Exists':
      return req.key
    case 'DoesNotExist':
      return `!${req.key}`
    default:
      return `${req.key} ${String(req.operator)} (${values.join(',')})`
  }
}

/**
 * The API string form, requirements sorted by key like apimachinery does, for `labelSelector=` in list
 * calls and for messages. `{}` formats to "" (everything). A null selector (nothing) has no string form:
 * callers must not list with it.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  const reqs = selectorRequirements(selector)
  const sorted = reqs
    .map((req, index) => ({req, index}))
    .sort((a, b) => (a.req.key < b.req.key ? -1 : a.req.key > b.req.key ? 1 : a.index - b.index))
  return sorted.map(({req}) => formatRequirement(req)).join(',')
}

/** One requirement in the string syntax, for messages ("app=backend-api", "tier in (api,web)"). */
export function formatRequirementText(req: Requirement): string {
  return formatRequirement(req)
}

/** `{a=b, c=d}` for messages; keys sorted. */
export function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`
}

/** The same text for the same set of labels whatever their order, and different text for any other set (a map key). */
export function labelsKey(labels: Labels): string {
  let key = ''
  for (const name of sortedKeys(labels)) {
    const value = `${labels[name]}`
    key += `${name.length}:${name}=${value.length}:${value};`
  }
  return key
}

/**
 * Object.keys(labels).sort(), for the few keys of a label map sorted in place: this runs once per pod in a sweep,
 * and Array.prototype.sort copies its array to sort it. Keys are distinct strings, so the order is the same.
 */
function sortedKeys(labels: Labels): string[] {
  const names = Object.keys(labels)
  if (names.length > 16) return names.sort()
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!
    let j = i - 1
    for (; j >= 0 && names[j]! > name; j--) names[j + 1] = names[j]!
    names[j + 1] = name
  }
  return names
}
