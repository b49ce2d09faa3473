import {closeSync, openSync, readFileSync, readSync, statSync} from 'node:fs'

import {badInput} from '../errors.js'
import {ImpossibleObject, type IndexedItem, indexListDocuments, MAX_JSON_DEPTH, nestsTooDeep} from './snapshot-index.js'
import {indexLayoutFile, indexLineLayout, type LayoutGroup, readAt, readLayoutGroup} from './snapshot-layout.js'
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
  /** As the file has it (for a raw typed list, the list's); absent when neither says. */
  readonly apiVersion?: string
  readonly namespace?: string
  readonly name: string
  readonly uid?: string
  /** spec.nodeName read by the index without parsing ('' for none); absent when the index does not know it. */
  readonly nodeName?: string
  /** status.phase read the same way. */
  readonly phase?: string
  /** The file it came from, to name both when two files disagree about one object. */
  readonly source?: string
  /** Its JSON text as in the file, when it has one (cheap equality for the same object read twice). */
  raw?(): string
  /** Set by the view once object() passed validateSnapshotObject (an entry's object is parsed once and kept). */
  validated?: boolean
  /** Throws bad input (exit 2) if this object's JSON is malformed. */
  object(): SnapshotObject
}

export interface SnapshotReadOptions {
  /** Files (and stdin) larger than this are refused before they are read. */
  maxBytes?: number
  /** Filled with what `kubectl netdiag snapshot` says it captured whole (see CAPTURED_ANNOTATION). */
  captured?: Set<string>
  /**
   * The run reads most of every file (scan): each is read into memory whole, once, so the groups of one in the
   * marked layout are neither read from disk nor hashed again when asked for. Without it a marked file is hashed
   * through and only the groups asked for are read (and checked again), which costs a one-object run less memory.
   */
  readWhole?: boolean
}

/**
 * `kubectl netdiag snapshot` lists each kind in every namespace: an absent Pod there means none exists. The List's
 * metadata says so, as `Kind` (every namespace) or `Kind/namespace`, so an empty namespace or a cluster without
 * NetworkPolicies is known to be empty rather than unknown. Files made with kubectl carry no such claim.
 */
export const CAPTURED_ANNOTATION = 'netdiag.io/captured'

export const DEFAULT_SNAPSHOT_MAX_BYTES = 2 ** 30
/** etcd refuses objects above 1.5 MiB; an item far larger is not a Kubernetes object, and parsing it costs memory. */
const MAX_OBJECT_BYTES = 8 * 2 ** 20
/** Files that are not well-formed Lists are parsed whole to word the error; above this, say so without parsing. */
const STRICT_PARSE_LIMIT = 64 * 2 ** 20

/** Reads one or more snapshot files: Kubernetes List documents (one or several per file), or single objects. */
export function readSnapshotFiles(paths: string[], options: SnapshotReadOptions = {}): SnapshotObject[] {
  return readSnapshotEntries(paths, options).map((entry) => entry.object())
}

/** Like readSnapshotFiles, but List items are only located, and parsed on demand. */
export function readSnapshotEntries(paths: string[], options: SnapshotReadOptions = {}): SnapshotEntry[] {
  return readSnapshotSegments(paths, options).flatMap((segment) => segment.entries())
}

/**
 * Consecutive objects of one kind and namespace of a snapshot, in file order. A segment of a file in the layout
 * `kubectl netdiag snapshot` writes (snapshot-layout.ts) is located by the file's own directory and only read
 * when its entries are first asked for; other files are scanned whole up front.
 */
export interface SnapshotSegment {
  readonly kind: SnapshotKind
  readonly namespace?: string
  /** Not read yet: entries() reads it when first called (others were read with their file). */
  readonly deferred?: boolean
  /** Throws bad input (exit 2) if the lines are not what the file's directory says. */
  entries(): SnapshotEntry[]
}

export function readSnapshotSegments(paths: string[], options: SnapshotReadOptions = {}): SnapshotSegment[] {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES
  return paths.flatMap((path) => {
    const name = path === '-' ? 'stdin' : path
    const onListMetadata = (metadata: unknown) => {
      const captured = (metadata as {annotations?: Record<string, unknown>} | null)?.annotations?.[CAPTURED_ANNOTATION]
      if (typeof captured === 'string') for (const scope of captured.split(',')) if (scope) options.captured?.add(scope.trim())
    }
    // The layout `kubectl netdiag snapshot` writes proves itself without a full scan, and a file in it is not
    // even kept in memory (unless readWhole): its groups are read when asked for. Anything else is read whole
    // and scanned.
    if (path !== '-') {
      const size = statSnapshot(path, maxBytes)
      const file = new LayoutFile(path)
      const groups = options.readWhole ? undefined : file.index(size, onListMetadata)
      if (groups) return groups.filter((group) => KNOWN.has(group.kind)).map((group) => new LayoutSegment(file, group, name))
    }
    const bytes = path === '-' ? readStdin(maxBytes) : readSnapshotFile(path)
    refuseYaml(bytes, name)
    const groups = indexLineLayout(bytes, onListMetadata)
    if (groups) return groups.filter((group) => KNOWN.has(group.kind)).map((group) => new LayoutSegment(bytes, group, name))
    let items: IndexedItem[] | undefined
    try {
      items = indexListDocuments(bytes, onListMetadata)
    } catch (error) {
      if (error instanceof ImpossibleObject) throw badInput(`snapshot ${name} ${error.message}: it is not a Kubernetes List; ${HOW_TO_MAKE}`)
      throw error
    }
    if (!items) {
      if (isBlank(bytes)) throw badInput(`snapshot ${name} is empty; ${HOW_TO_MAKE}`)
      if (nestsTooDeep(bytes)) throw badInput(`snapshot ${name} nests deeper than ${MAX_JSON_DEPTH} levels: it is not a Kubernetes List; ${HOW_TO_MAKE}`)
      if (bytes.length > STRICT_PARSE_LIMIT) throw badInput(`snapshot ${name} is not a well-formed Kubernetes List (truncated, or not JSON); ${HOW_TO_MAKE}`)
      // Anything but well-formed Lists is parsed strictly, which also words the error.
      return segmentsOf(parseSnapshot(bytes.toString('utf8'), name).map((object) => ({...parsedEntry(object), source: name})))
    }
    const entries: SnapshotEntry[] = []
    for (const item of items) {
      if (item.end - item.start > MAX_OBJECT_BYTES) throw tooLargeObject(name, item)
      // Secrets are never read, even if someone put them in the file; unknown kinds are ignored.
      if (KNOWN.has(item.kind)) entries.push(new LazyEntry(bytes, item, name))
    }
    return segmentsOf(entries)
  })
}

function tooLargeObject(name: string, item: IndexedItem): Error {
  return badInput(`snapshot ${name}: ${item.kind ?? 'object'} ${item.namespace ? `${item.namespace}/` : ''}${item.name} is ${formatBytes(item.end - item.start)}, larger than any Kubernetes object can be (etcd's limit is 1.5 MiB)`)
}

/** Entries already found, cut into runs of one kind and namespace. */
export function segmentsOf(entries: SnapshotEntry[]): SnapshotSegment[] {
  const segments: SnapshotSegment[] = []
  let run: SnapshotEntry[] = []
  for (const entry of entries) {
    const first = run[0]
    if (first && (first.kind !== entry.kind || (first.namespace || undefined) !== (entry.namespace || undefined))) {
      segments.push(foundSegment(run))
      run = []
    }
    run.push(entry)
  }
  if (run.length > 0) segments.push(foundSegment(run))
  return segments
}

function foundSegment(entries: SnapshotEntry[]): SnapshotSegment {
  return {kind: entries[0]!.kind, ...(entries[0]!.namespace ? {namespace: entries[0]!.namespace} : {}), entries: () => entries}
}

/** A snapshot file in the marked layout, opened to read a group and closed again (its groups are few and large). */
class LayoutFile {
  constructor(private readonly path: string) {}

  index(size: number, onListMetadata: (metadata: unknown) => void): LayoutGroup[] | undefined {
    return this.withFd((fd) => indexLayoutFile(fd, size, onListMetadata))
  }

  read(group: LayoutGroup): Buffer {
    return this.withFd((fd) => readAt(fd, group.start, group.end))
  }

  private withFd<T>(use: (fd: number) => T): T {
    let fd: number
    try {
      fd = openSync(this.path, 'r')
    } catch (error) {
      throw cannotRead(this.path, error)
    }
    try {
      return use(fd)
    } finally {
      closeSync(fd)
    }
  }
}

class LayoutSegment implements SnapshotSegment {
  readonly kind: SnapshotKind
  readonly namespace?: string
  readonly deferred = true
  private read?: SnapshotEntry[]

  constructor(
    /** The whole file in memory, or the file to read the group from. */
    private readonly from: Buffer | LayoutFile,
    private readonly group: LayoutGroup,
    private readonly source: string,
  ) {
    this.kind = group.kind as SnapshotKind
    if (group.namespace !== undefined) this.namespace = group.namespace
  }

  entries(): SnapshotEntry[] {
    if (this.read) return this.read
    const [bytes, offset] = Buffer.isBuffer(this.from) ? [this.from, 0] : [this.from.read(this.group), this.group.start]
    const items = readLayoutGroup(bytes, this.group, offset, Buffer.isBuffer(this.from))
    // The file hashed to its claim when it was opened: these lines can only differ if it changed since.
    if (!items) throw badInput(`snapshot ${this.source} changed while it was read (the ${this.kind} lines${this.namespace ? ` of namespace ${this.namespace}` : ''} are not what its directory says): read a file that is not being written`)
    return (this.read = items.map((item) => new LazyEntry(bytes, item, this.source)))
  }
}

/** Checks that `path` is a regular file a snapshot can be, and not over the limit; its size. */
function statSnapshot(path: string, maxBytes: number): number {
  let stat
  try {
    stat = statSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw badInput(`cannot read snapshot ${path}${code === 'ENOENT' ? ': no such file' : code === 'EACCES' ? ': permission denied' : `: ${code}`}; ${HOW_TO_MAKE}`)
  }
  if (stat.isDirectory()) throw badInput(`snapshot ${path} is a directory, not a file: pass the snapshot file itself`)
  if (stat.isFIFO()) throw badInput(`snapshot ${path} is a named pipe (FIFO): pass a regular file, or pipe it to stdin with --snapshot -`)
  if (stat.isCharacterDevice() || stat.isBlockDevice()) throw badInput(`snapshot ${path} is a device, not a snapshot file; ${HOW_TO_MAKE}`)
  if (stat.isSocket()) throw badInput(`snapshot ${path} is a socket, not a snapshot file; ${HOW_TO_MAKE}`)
  if (stat.size > maxBytes) throw tooLarge(path, stat.size, maxBytes)
  return stat.size
}

function readStdin(maxBytes: number): Buffer {
  if (process.stdin.isTTY) throw badInput(`--snapshot - reads the snapshot from stdin, but stdin is a terminal: pipe it in (kubectl netdiag snapshot | kubectl netdiag dns --snapshot -)`)
  return readLimited(0, 'stdin', maxBytes)
}

function readSnapshotFile(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    throw cannotRead(path, error)
  }
}

function cannotRead(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code
  return badInput(`cannot read snapshot ${path}: ${code === 'EACCES' ? 'permission denied' : code}; ${HOW_TO_MAKE}`)
}

/** Reads a stream file descriptor to its end, refusing more than `maxBytes` (stdin has no size to check first). */
function readLimited(fd: number, name: string, maxBytes: number): Buffer {
  const chunks: Buffer[] = []
  let total = 0
  const chunk = Buffer.allocUnsafe(1 << 20)
  for (;;) {
    let n: number
    try {
      n = readSync(fd, chunk, 0, chunk.length, null)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
        continue
      }
      if (code === 'EOF') break
      throw badInput(`cannot read snapshot from ${name}: ${code}`)
    }
    if (n === 0) break
    total += n
    if (total > maxBytes) throw tooLarge(name, total, maxBytes, true)
    chunks.push(Buffer.from(chunk.subarray(0, n)))
  }
  if (fd > 2) closeSync(fd)
  return Buffer.concat(chunks, total)
}

function tooLarge(name: string, size: number, maxBytes: number, atLeast = false): Error {
  const suggestion = `${Math.ceil((size * 1.25) / 2 ** 30)}Gi`
  return badInput(`snapshot ${name} is ${atLeast ? 'more than ' : ''}${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit: raise it with --snapshot-max-size ${suggestion} (reading takes about 1.5 times the file in memory)`)
}

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) if (bytes >= size) return `${(bytes / size).toFixed(1).replace(/\.0$/, '')} ${unit}`
  return `${bytes} bytes`
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false
  return true
}

/** `kubectl get -o yaml` output is the commonest wrong file: say what to do instead of "not valid JSON". */
function refuseYaml(bytes: Buffer, name: string): void {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 4096)).replace(/^\uFEFF/, '')
  const first = head.split('\n').map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('#'))
  if (first && (first === '---' || /^(apiVersion|kind|items|metadata):( |$)/.test(first))) {
    throw badInput(`snapshot ${name} is YAML; YAML is not read: use -o json (kubectl get ... -o json, or kubectl netdiag snapshot > cluster.json)`)
  }
}

/** An already parsed object as an entry. */
export function parsedEntry(object: SnapshotObject): SnapshotEntry {
  const uid = (object.metadata as {uid?: unknown} | undefined)?.uid
  return {
    kind: object.kind,
    ...(typeof object.apiVersion === 'string' ? {apiVersion: object.apiVersion} : {}),
    namespace: object.metadata?.namespace,
    name: object.metadata?.name ?? '',
    ...(typeof uid === 'string' ? {uid} : {}),
    object: () => object,
  }
}

class LazyEntry implements SnapshotEntry {
  private parsed?: SnapshotObject
  validated?: boolean

  constructor(
    private readonly bytes: Buffer,
    private readonly item: IndexedItem,
    private readonly path: string,
  ) {}

  // Read through to the index's item: a large snapshot holds a hundred thousand of these.
  get kind(): SnapshotKind {
    return this.item.kind as SnapshotKind
  }

  get apiVersion(): string | undefined {
    return this.item.apiVersion
  }

  get namespace(): string | undefined {
    return this.item.namespace
  }

  get name(): string {
    return this.item.name
  }

  get uid(): string | undefined {
    return this.item.uid
  }

  get nodeName(): string | undefined {
    return this.item.nodeName
  }

  get phase(): string | undefined {
    return this.item.phase
  }

  get source(): string {
    return this.path
  }

  raw(): string {
    return this.bytes.toString('utf8', this.item.start, this.item.end)
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
    if (this.apiVersion !== undefined) object.apiVersion ??= this.apiVersion
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
  const object = document as {kind?: unknown; apiVersion?: unknown; items?: unknown}
  if (typeof object.kind !== 'string') {
    throw badInput(`snapshot ${path} holds an object without "kind"; expected a Kubernetes List: ${HOW_TO_MAKE}`)
  }
  if (object.kind === 'List' || object.kind.endsWith('List')) {
    if (!Array.isArray(object.items)) throw badInput(`snapshot ${path}: ${object.kind} has no "items" array; ${HOW_TO_MAKE}`)
    // A raw API list (PodList) carries no kind on its items; kubectl's List does.
    const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length)
    for (const item of object.items as Array<Record<string, unknown>>) {
      if (item && typeof item === 'object' && typeof item.kind !== 'string' && itemKind) item.kind = itemKind
      // kubectl's List is "v1" whatever it holds: only a typed list's version speaks for its items.
      if (item && typeof item === 'object' && item.apiVersion === undefined && itemKind && typeof object.apiVersion === 'string') item.apiVersion = object.apiVersion
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
