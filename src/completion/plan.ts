/**
 * Shell completion for `kubectl netdiag`, the pure part: from the words typed after `kubectl netdiag` (the last
 * one being completed, possibly empty) to either fixed candidates or the kind of live names to fetch.
 * kubectl (>= 1.26) runs `kubectl_complete-netdiag WORDS...` and expects cobra's `__complete` output.
 */

export interface FlagSpec {
  name: string
  char?: string
  takesValue: boolean
  options?: string[]
  multiple?: boolean
  description?: string
}

export interface CommandSpec {
  id: string
  summary?: string
  /** Positional argument names, in order. */
  args: string[]
  flags: FlagSpec[]
}

export interface Candidate {
  value: string
  description?: string
}

export type NameKind = 'pods' | 'services' | 'nodes' | 'namespaces' | 'contexts'

/** Where live names are looked up: the flags already typed, as kubectl would read them. */
export interface NameQuery {
  names: NameKind
  kubeconfig?: string
  context?: string
  /** For pods and services; undefined: the context's namespace. */
  namespace?: string
  /** Typed before the name and kept in the candidate (`--namespace=`, `shop/` for path's NS/POD). */
  keep: string
  /** The part of the name typed so far. */
  prefix: string
}

/** cobra's ShellCompDirective values. */
export const Directive = {default: 0, noFileComp: 4} as const

export type CompletionPlan =
  | {kind: 'static'; candidates: Candidate[]; directive: number}
  | {kind: 'live'; query: NameQuery}

const HELP: FlagSpec = {name: 'help', takesValue: false, description: 'Show help.'}

/** Flag values that are file names: left to the shell. */
const FILE_FLAGS = new Set(['kubeconfig', 'snapshot'])

/** Flag values that are names in the cluster. */
const NAME_FLAGS: Record<string, NameKind> = {
  namespace: 'namespaces',
  'node-namespace': 'namespaces',
  context: 'contexts',
  'from-pod': 'pods',
}

/** Positional arguments that are names in the cluster, by command. */
const NAME_ARGS: Record<string, NameKind[]> = {
  svc: ['services'],
  path: ['pods', 'pods'],
  node: ['nodes'],
}

interface Parsed {
  command?: CommandSpec
  positionals: string[]
  values: Map<string, string>
  used: Set<string>
  /** The flag whose value the current word is (`-n <TAB>`). */
  pendingFlag?: FlagSpec
}

function findFlag(flags: FlagSpec[], word: string): {flag?: FlagSpec; inlineValue?: string} {
  if (word.startsWith('--')) {
    const [name, ...rest] = word.slice(2).split('=')
    return {flag: flags.find((f) => f.name === name), inlineValue: rest.length > 0 ? rest.join('=') : undefined}
  }
  const char = word.slice(1, 2)
  const flag = flags.find((f) => f.char === char)
  return {flag, inlineValue: flag?.takesValue && word.length > 2 ? word.slice(2).replace(/^=/, '') : undefined}
}

function parse(commands: CommandSpec[], words: string[]): Parsed {
  const parsed: Parsed = {positionals: [], values: new Map(), used: new Set()}
  // Before the command only the global flags are known; every command has them, so use the first's.
  const globalFlags = commands[0]?.flags ?? []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const flags = parsed.command?.flags ?? globalFlags
    if (word.startsWith('-') && word.length > 1) {
      const {flag, inlineValue} = findFlag(flags, word)
      if (!flag) continue
      parsed.used.add(flag.name)
      if (!flag.takesValue) continue
      if (inlineValue !== undefined) {
        parsed.values.set(flag.name, inlineValue)
      } else if (i + 1 < words.length) {
        parsed.values.set(flag.name, words[++i]!)
      } else {
        parsed.pendingFlag = flag
      }
      continue
    }
    if (!parsed.command) {
      parsed.command = commands.find((c) => c.id === word)
      if (!parsed.command) parsed.positionals.push(word)
      continue
    }
    parsed.positionals.push(word)
  }
  return parsed
}

const matching = (candidates: Candidate[], prefix: string) => candidates.filter((c) => c.value.startsWith(prefix))

export function planCompletion(commands: CommandSpec[], words: string[]): CompletionPlan {
  const current = words.at(-1) ?? ''
  const parsed = parse(commands, words.slice(0, -1))
  const flags = parsed.command?.flags ?? commands[0]?.flags ?? []
  const query = (names: NameKind, keep: string, prefix: string): CompletionPlan => ({
    kind: 'live',
    query: {
      names,
      keep,
      prefix,
      ...(parsed.values.has('kubeconfig') ? {kubeconfig: parsed.values.get('kubeconfig')} : {}),
      ...(parsed.values.has('context') ? {context: parsed.values.get('context')} : {}),
      ...(parsed.values.has('namespace') ? {namespace: parsed.values.get('namespace')} : {}),
    },
  })
  const flagValue = (flag: FlagSpec, keep: string, prefix: string): CompletionPlan => {
    if (flag.options) return {kind: 'static', candidates: matching(flag.options.map((value) => ({value: keep + value})), keep + prefix), directive: Directive.noFileComp}
    const names = NAME_FLAGS[flag.name]
    if (names) return query(names, keep, prefix)
    return {kind: 'static', candidates: [], directive: FILE_FLAGS.has(flag.name) ? Directive.default : Directive.noFileComp}
  }

  if (parsed.pendingFlag) return flagValue(parsed.pendingFlag, '', current)

  if (current.startsWith('-')) {
    const {flag, inlineValue} = findFlag(flags, current)
    if (flag?.takesValue && inlineValue !== undefined) {
      const keep = current.slice(0, current.length - inlineValue.length)
      return flagValue(flag, keep, inlineValue)
    }
    const offered = [...flags, HELP].filter((f) => f.multiple || !parsed.used.has(f.name))
    const candidates = offered.map((f) => ({value: `--${f.name}`, description: f.description}))
    return {kind: 'static', candidates: matching(candidates, current), directive: Directive.noFileComp}
  }

  if (!parsed.command) {
    const candidates = commands.map((c) => ({value: c.id, description: c.summary}))
    return {kind: 'static', candidates: matching(candidates, current), directive: Directive.noFileComp}
  }

  const names = NAME_ARGS[parsed.command.id]?.[parsed.positionals.length]
  if (!names) return {kind: 'static', candidates: [], directive: Directive.noFileComp}
  // path takes NS/POD as well as POD: after a slash, complete pods of that namespace.
  if (names === 'pods' && current.includes('/')) {
    const [namespace, ...rest] = current.split('/')
    const plan = query('pods', `${namespace}/`, rest.join('/'))
    if (plan.kind === 'live') plan.query.namespace = namespace
    return plan
  }
  return query(names, '', current)
}

/** cobra's `__complete` output: one candidate a line (TAB description), then `:DIRECTIVE`. */
export function formatCompletion(candidates: Candidate[], directive: number): string {
  const lines = candidates.map((c) => (c.description ? `${c.value}\t${firstLine(c.description)}` : c.value))
  return [...lines, `:${directive}`].join('\n') + '\n'
}

/** Live names → candidates, keeping what was typed before the name. */
export function nameCandidates(query: NameQuery, names: string[]): Candidate[] {
  return [...new Set(names)]
    .filter((n) => n.startsWith(query.prefix))
    .sort()
    .map((n) => ({value: query.keep + n}))
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.replace(/\t/g, ' ')
}
