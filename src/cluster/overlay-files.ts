// `--with FILE|DIR`: the objects a what-if applies, read from YAML (multi-document) or JSON files, a directory
// (recursively, as kubectl apply -R) or stdin (-). Malformed input fails closed: one line naming the file, the
// document and the field, exit 2; nothing is skipped into "no change".
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllDocuments} from '../yaml.js'

import {groupOf, kindInfo} from '../analysis/whatif/identity.js'
import {badInput} from '../errors.js'
import {validateSnapshotObject} from './snapshot-validate.js'
import type {SnapshotObject} from './snapshot-file.js'

export interface OverlayObject {
  object: SnapshotObject & {apiVersion: string; kind: string; metadata: {name: string; namespace?: string}}
  /** "manifests/policy.yaml, document 2" */
  source: string
}

const MANIFEST = /\.(ya?ml|json)$/i

export function readOverlayFiles(paths: readonly string[], options: {defaultNamespace: string; readStdin?: () => string}): OverlayObject[] {
  const objects: OverlayObject[] = []
  for (const path of paths) {
    if (path === '-') {
      objects.push(...parseOverlayText((options.readStdin ?? (() => readFileSync(0, 'utf8')))(), 'stdin', options.defaultNamespace))
      continue
    }
    for (const file of manifestFiles(path)) objects.push(...parseOverlayText(readText(file), file, options.defaultNamespace))
  }
  return objects
}

function manifestFiles(path: string): string[] {
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw badInput(`--with ${path}: no such file or directory`)
  }
  if (!stat.isDirectory()) return [path]
  const files = readdirSync(path, {withFileTypes: true})
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? manifestFiles(join(path, entry.name)) : MANIFEST.test(entry.name) ? [join(path, entry.name)] : []))
  if (files.length === 0) throw badInput(`--with ${path}: the directory holds no .yaml, .yml or .json file`)
  return files
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw badInput(`--with ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
}

/** Every object of a file's documents (a `List` contributes its items), validated, with its namespace defaulted. */
export function parseOverlayText(text: string, file: string, defaultNamespace: string): OverlayObject[] {
  const documents = parseAllDocuments(text, {prettyErrors: false})
  const list = Array.isArray(documents) ? documents : [documents]
  const objects: OverlayObject[] = []
  list.forEach((document, index) => {
    const where = list.length > 1 ? `${file}, document ${index + 1}` : file
    const error = document.errors[0]
    if (error) throw badInput(`--with ${where}: not valid YAML or JSON: ${error.message.split('\n')[0]}`)
    const value: unknown = document.toJS({maxAliasCount: 100})
    if (value === null || value === undefined) return
    // `kubectl get -o yaml` of several objects prints a List (or a typed ServiceList...): its items are the objects.
    const isList = isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && 'items' in value
    if (!isList) return void objects.push(overlayObject(value, where, defaultNamespace))
    if (!Array.isArray(value.items)) throw badInput(`--with ${where}: items: expected a list`)
    value.items.forEach((item: unknown, i: number) => objects.push(overlayObject(item, `${where}, items[${i}]`, defaultNamespace)))
  })
  return objects
}

function overlayObject(value: unknown, where: string, defaultNamespace: string): OverlayObject {
  const fail = (field: string, problem: string) => badInput(`--with ${where}: ${field}: ${problem}`)
  if (!isObject(value)) throw fail('document', 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata)')
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') throw fail('apiVersion', 'missing or not a string')
  if (typeof value.kind !== 'string' || value.kind === '') throw fail('kind', 'missing or not a string')
  if (!isObject(value.metadata)) throw fail('metadata', 'missing or not a mapping')
  if (typeof value.metadata.name !== 'string' || value.metadata.name === '') {
    throw fail('metadata.name', value.metadata.generateName ? 'generateName cannot be evaluated (the name is made at apply time): give the object a name' : 'missing or not a string')
  }
  const known = kindInfo(groupOf(value.apiVersion), value.kind)
  const metadata = {...value.metadata} as OverlayObject['object']['metadata']
  if (known?.namespaced === false) delete metadata.namespace
  else if (metadata.namespace === undefined) metadata.namespace = defaultNamespace
  else if (typeof metadata.namespace !== 'string' || metadata.namespace === '') throw fail('metadata.namespace', 'not a string')
  const object = {...value, metadata} as OverlayObject['object']
  if (known) {
    try {
      validateSnapshotObject(object)
    } catch (error) {
      throw badInput(`--with ${where}: ${(error as Error).message}`)
    }
  }
  return {object, source: where}
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
