import {readFileSync} from 'node:fs'

import {badInput} from '../errors.js'
import {type IndexedItem, indexListDocuments} from './snapshot-index.js'
import {SNAPSHOT_KINDS, type SnapshotKind} from './types.js'

export interface SnapshotObject {
  apiVersion?: string
  kind: SnapshotKind
  metadata?: {name?: string; namespace?: string; labels?: Record<string, string>}
  [field: string]: unknown
}

const KNOWN = new Set<string>(SNAPSHOT_KINDS)
const HOW_TO_MAKE = 'create one with: kubectl netdiag snapshot > cluster.json'

/** One object of a snapshot, parsed when first asked for (see snapshot-index.ts). */
export interface SnapshotEntry {
  readonly kind: SnapshotKind
  readonly namespace?: string
  readonly name: string
  /** Throws bad input (exit 2) if this object's JSON is malformed. */
  object(): SnapshotObject
}

/** Reads one or more snapshot files: Kubernetes List documents (one or several per file), or single objects. */
export function readSnapshotFiles(paths: string[]): SnapshotObject[] {
  return readSnapshotEntries(paths).map((entry) => entry.object())
}

/** Like readSnapshotFiles, but List items are only located, and parsed on demand. */
export function readSnapshotEntries(paths: string[]): SnapshotEntry[] {
  return paths.flatMap((path) => {
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw badInput(`cannot read snapshot ${path}${code === 'ENOENT' ? ': no such file' : `: ${code}`}; ${HOW_TO_MAKE}`)
    }
    const items = indexListDocuments(bytes)
    // Anything but well-formed Lists is parsed strictly, which also words the error.
    if (!items) return parseSnapshot(bytes.toString('utf8'), path).map(parsedEntry)
    // Secrets are never read, even if someone put them in the file; unknown kinds are ignored.
    return items.filter((item) => KNOWN.has(item.kind)).map((item) => new LazyEntry(bytes, item, path))
  })
}

/** An already parsed object as an entry. */
export function parsedEntry(object: SnapshotObject): SnapshotEntry {
  return {kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name ?? '', object: () => object}
}

class LazyEntry implements SnapshotEntry {
  readonly kind: SnapshotKind
  readonly namespace?: string
  readonly name: string
  private parsed?: SnapshotObject

  constructor(
    private readonly bytes: Buffer,
    private readonly item: IndexedItem,
    private readonly path: string,
  ) {
    this.kind = item.kind as SnapshotKind
    this.namespace = item.namespace
    this.name = item.name
  }

  object(): SnapshotObject {
    if (this.parsed) return this.parsed
    const {start, end} = this.item
    let object: SnapshotObject
    try {
      object = JSON.parse(this.bytes.toString('utf8', start, end)) as SnapshotObject
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message)
      const line = lineAt(this.bytes, start + (position ? Number(position[1]) : 0))
      throw badInput(`snapshot ${this.path} is not valid JSON (line ${line}: ${(error as Error).message.split('\n')[0]}); ${HOW_TO_MAKE}`)
    }
    object.kind ??= this.kind
    return (this.parsed = object)
  }
}

function lineAt(bytes: Buffer, index: number): number {
  let line = 1
  for (let i = bytes.indexOf(10); i >= 0 && i < index; i = bytes.indexOf(10, i + 1)) line++
  return line
}

export function parseSnapshot(text: string, path = 'snapshot'): SnapshotObject[] {
  const documents = splitJsonDocuments(text, path)
  if (documents.length === 0) throw badInput(`snapshot ${path} is empty; ${HOW_TO_MAKE}`)
  const objects: SnapshotObject[] = []
  for (const document of documents) collect(document, path, objects, true)
  return objects
}

function collect(document: unknown, path: string, into: SnapshotObject[], topLevel = false): void {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw badInput(`snapshot ${path} holds a JSON value that is not a Kubernetes object or List; ${HOW_TO_MAKE}`)
  }
  const object = document as {kind?: unknown; items?: unknown}
  if (typeof object.kind !== 'string') {
    throw badInput(`snapshot ${path} holds an object without "kind"; expected a Kubernetes List: ${HOW_TO_MAKE}`)
  }
  if (object.kind === 'List' || object.kind.endsWith('List')) {
    if (!Array.isArray(object.items)) throw badInput(`snapshot ${path}: ${object.kind} has no "items" array; ${HOW_TO_MAKE}`)
    // A raw API list (PodList) carries no kind on its items; kubectl's List does.
    const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length)
    for (const item of object.items as Array<Record<string, unknown>>) {
      if (item && typeof item === 'object' && typeof item.kind !== 'string' && itemKind) item.kind = itemKind
      collect(item, path, into)
    }
    return
  }
  // A whole document of another kind is the wrong file (a kubeconfig, a Secret), not a snapshot: say so
  // instead of analysing nothing. Inside a List, Secrets and unknown kinds are ignored, never read.
  if (topLevel && !KNOWN.has(object.kind)) {
    throw badInput(`snapshot ${path} holds a ${object.kind}, not a Kubernetes List of the objects netdiag reads; ${HOW_TO_MAKE}`)
  }
  if (KNOWN.has(object.kind)) into.push(object as SnapshotObject)
}

/** Splits concatenated JSON documents (`kubectl get a -o json; kubectl get b -o json`), one pass, string-aware. */
export function splitJsonDocuments(text: string, path = 'snapshot'): unknown[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  try {
    return [JSON.parse(trimmed)]
  } catch {
    // fall through: several documents, or malformed
  }
  const documents: unknown[] = []
  let depth = 0
  let inString = false
  let start = -1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 0) start = i
      depth++
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--
      if (depth === 0) documents.push(parseDocument(text.slice(start, i + 1), text, start, path))
      if (depth < 0) throw malformed(text, i, path, 'unbalanced closing bracket')
    } else if (depth === 0 && c > 32) {
      throw malformed(text, i, path, `unexpected ${JSON.stringify(text[i])} between documents`)
    }
  }
  if (depth !== 0) throw malformed(text, text.length - 1, path, 'unexpected end of file (truncated?)')
  return documents
}

function parseDocument(slice: string, text: string, offset: number, path: string): unknown {
  try {
    return JSON.parse(slice)
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)
    throw malformed(text, offset + (position ? Number(position[1]) : 0), path, (error as Error).message.split('\n')[0])
  }
}

function malformed(text: string, index: number, path: string, reason: string) {
  const line = text.slice(0, index).split('\n').length
  return badInput(`snapshot ${path} is not valid JSON (line ${line}: ${reason}); ${HOW_TO_MAKE}`)
}
