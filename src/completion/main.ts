import type {Command} from '../oclif.js'

import {COMMANDS} from '../commands/index.js'
import {type CommandSpec, type FlagSpec, formatCompletion, nameCandidates, planCompletion} from './plan.js'

const DEFAULT_TIMEOUT_MS = 2000

type FlagDefinition = {type?: string; char?: string; options?: readonly string[]; multiple?: boolean; hidden?: boolean; summary?: string; description?: string}

/** The completion spec, read from the same command classes oclif runs, so it cannot drift from --help. */
export function commandSpecs(commands: Record<string, Command.Class> = COMMANDS as Record<string, Command.Class>): CommandSpec[] {
  return Object.entries(commands).map(([id, command]) => ({
    id,
    summary: command.summary ?? command.description?.split('\n')[0],
    args: Object.keys(command.args ?? {}),
    flags: Object.entries((command.flags ?? {}) as Record<string, FlagDefinition>)
      .filter(([, f]) => !f.hidden)
      .map(([name, f]): FlagSpec => ({
        name,
        takesValue: f.type === 'option',
        ...(f.char ? {char: f.char} : {}),
        ...(f.options ? {options: [...f.options]} : {}),
        ...(f.multiple ? {multiple: true} : {}),
        ...(f.summary || f.description ? {description: f.summary ?? f.description} : {}),
      })),
  }))
}

/** Prints cobra-style completion for the words after `kubectl netdiag` (the last one is being completed). */
export async function runCompletion(words: string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const plan = planCompletion(commandSpecs(), words.length > 0 ? words : [''])
  if (plan.kind === 'static') {
    write(formatCompletion(plan.candidates, plan.directive))
    return
  }
  const {listNames} = await import('../cluster/names.js')
  const timeoutMs = Number(process.env.NETDIAG_COMPLETION_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS
  const {query} = plan
  const names = await listNames(query.names, {kubeconfig: query.kubeconfig, context: query.context, namespace: query.namespace}, timeoutMs)
  write(formatCompletion(nameCandidates(query, names), 4))
}
