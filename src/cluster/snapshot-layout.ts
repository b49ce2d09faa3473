// The layout `kubectl netdiag snapshot` writes, so that a run reads only the part of a large snapshot it asks
// about instead of walking every byte in JavaScript (snapshot-index.ts walks them): one item per line, items of
// one kind and namespace on consecutive lines (a group), each item's identity at the start of its line, and in
// the List's metadata a claim that says where each group starts, and the file's SHA-256:
//
//   {"apiVersion":"v1","kind":"List","metadata":{"annotations":{...,
//     "netdiag.io/layout":"lines/v1 items=N sha256=H",
//     "netdiag.io/layout-groups":"[[\"Pod\",\"shop\",0,12,\"9f2c...\"],[\"Node\",null,4711,3,\"0be1...\"],...]"}},"items":[
//   {"apiVersion":"v1","kind":"Pod","metadata":{"name":...,"namespace":...,"uid":...,...},"spec":{"nodeName":...,...},"status":{"phase":...,...}},
//   ...
//   {...last item...}
//   ]}
//
// A group is [kind, namespace or null, byte offset of its first line after the first line of the file, lines,
// SHA-256 of its lines].
// H is the SHA-256 of the whole file with H itself written as 64 zeros. The writer makes the claim only after it
// has read the bytes it wrote both ways, group by group here and with the full scan, and found the same items
// (and no two copies of one object, and no item too large to be one). A file that still hashes to H is those
// bytes, so what is read here is what the full scan would find, for every group, read or not. Anything else (no
// claim, another hash, a directory that does not tile the file, a kubectl or pretty-printed file, concatenated
// documents) is left to the full scan. Change how lines are read and LAYOUT_NAME must change with it.
import {createHash} from 'node:crypto'
import {readSync} from 'node:fs'
import {isDeepStrictEqual} from 'node:util'

import {BACKSLASH, CLOSE_OBJECT, COMMA, NEWLINE, OPEN_OBJECT, QUOTE} from './json-bytes.js'
import {ImpossibleObject, type IndexedItem, indexListDocuments, MAX_NAME_BYTES} from './snapshot-index.js'
import {nameKey} from './snapshot-identity.js'

export const LAYOUT_ANNOTATION = 'netdiag.io/layout'
export const LAYOUT_GROUPS_ANNOTATION = 'netdiag.io/layout-groups'
const LAYOUT_NAME = 'lines/v1'
const CLAIM = /^lines\/v1 items=(0|[1-9]\d{0,8}) sha256=([0-9a-f]{64})$/
const UNHASHED = '0'.repeat(64)

const HEAD = Buffer.from('{"apiVersion":"v1","kind":"List","metadata":')
const ITEMS_OPEN = ',"items":[\n'
const TAIL = Buffer.from(']}\n')
const literal = (text: string) => Buffer.from(text)
const API_VERSION = literal('"apiVersion":')
const KIND = literal('"kind":')
const METADATA_NAME = literal(',"metadata":{"name":')
const NAMESPACE = literal(',"namespace":')
const UID = literal(',"uid":')
const SPEC = literal(',"spec":{')
const NODE_NAME = literal('"nodeName":')
const STATUS = literal(',"status":{')
const PHASE = literal('"phase":')

type ListMetadata = {annotations?: Record<string, unknown>; [field: string]: unknown}

/** Consecutive lines of one kind and namespace, located and proven, not yet read. */
export interface LayoutGroup {
  kind: string
  namespace?: string
  /** Lines [start, end) of the file; `last`: the file's last item line is among them (it has no comma). */
  start: number
  end: number
  count: number
  last: boolean
  /** SHA-256 of the group's lines: checked again when read, in case the file changed since it was proven. */
  sha256: string
}

function headerLine(metadata: unknown): string {
  return `${HEAD.toString()}${JSON.stringify(metadata)}${ITEMS_OPEN}`
}

interface LayoutHeader {
  metadata: ListMetadata
  groups: LayoutGroup[]
  /** Where the file's own hash is written, and what it says. */
  hashAt: number
  sha256: string
}

/** The claim and directory of the first line (`head` holds at least that), if they are well-formed; not yet proven. */
function readHeader(head: Buffer, fileSize: number): LayoutHeader | undefined {
  if (head.length < HEAD.length || head.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined
  const bodyStart = head.indexOf(NEWLINE) + 1
  if (bodyStart === 0) return undefined
  const header = head.toString('utf8', 0, bodyStart)
  if (!header.endsWith(ITEMS_OPEN)) return undefined
  let metadata: ListMetadata
  try {
    metadata = (JSON.parse(header.slice(0, -ITEMS_OPEN.length) + '}') as {metadata: ListMetadata}).metadata
  } catch {
    return undefined
  }
  // Byte for byte what the writer makes of it: no second "kind", no spacing, no member it did not write.
  if (headerLine(metadata) !== header) return undefined
  const claimText = metadata?.annotations?.[LAYOUT_ANNOTATION]
  const claim = typeof claimText === 'string' ? CLAIM.exec(claimText) : null
  if (!claim) return undefined
  const groups = tile(metadata.annotations?.[LAYOUT_GROUPS_ANNOTATION], Number(claim[1]), bodyStart, fileSize - TAIL.length)
  if (!groups) return undefined
  return {metadata, groups, hashAt: Buffer.byteLength(header.slice(0, header.indexOf(claim[2]!))), sha256: claim[2]!}
}

/**
 * The groups of a file in the marked layout, held in memory; undefined when the file is not in it, or does not
 * prove it is (the caller then runs the full scan). Read each with readLayoutGroup.
 */
export function indexLineLayout(bytes: Buffer, onListMetadata?: (metadata: unknown) => void): LayoutGroup[] | undefined {
  const header = readHeader(bytes, bytes.length)
  if (!header || !endsWithTail(bytes)) return undefined
  const hash = createHash('sha256')
  hash.update(bytes.subarray(0, header.hashAt)).update(UNHASHED).update(bytes.subarray(header.hashAt + UNHASHED.length))
  if (hash.digest('hex') !== header.sha256) return undefined
  onListMetadata?.(header.metadata)
  return header.groups
}

const CHUNK = 4 << 20

/**
 * The same for a regular file, read through once in chunks to check its hash and not kept: groups are then read
 * from `fd` when asked for (readLayoutGroup checks each again). Undefined as above.
 */
export function indexLayoutFile(fd: number, size: number, onListMetadata?: (metadata: unknown) => void): LayoutGroup[] | undefined {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)))
  let head = chunk.subarray(0, readSync(fd, chunk, 0, chunk.length, 0))
  if (head.length < HEAD.length || head.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined
  // The first line holds the directory: a few hundred kilobytes for the largest clusters.
  while (head.indexOf(NEWLINE) < 0 && head.length < size) head = Buffer.concat([head, readAt(fd, head.length, Math.min(size, head.length + CHUNK))])
  const header = readHeader(head, size)
  if (!header) return undefined
  const hash = createHash('sha256')
  let tail = Buffer.alloc(0)
  for (let at = 0; at < size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at)
    if (n === 0) return undefined
    const read = chunk.subarray(0, n)
    // The hash is read as zeros where it is written (it may straddle two chunks).
    const from = Math.max(header.hashAt, at)
    const to = Math.min(header.hashAt + UNHASHED.length, at + n)
    if (from < to) read.fill(0x30, from - at, to - at)
    hash.update(read)
    tail = Buffer.concat([tail, read.subarray(Math.max(0, n - TAIL.length))]).subarray(-TAIL.length)
    at += n
  }
  if (hash.digest('hex') !== header.sha256 || !endsWithTail(tail)) return undefined
  onListMetadata?.(header.metadata)
  return header.groups
}

/** The bytes [start, end) of `fd` (fewer only if the file is shorter). */
export function readAt(fd: number, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(end - start)
  let at = 0
  while (at < bytes.length) {
    const n = readSync(fd, bytes, at, bytes.length - at, start + at)
    if (n === 0) return bytes.subarray(0, at)
    at += n
  }
  return bytes
}

function endsWithTail(bytes: Buffer): boolean {
  return bytes.length >= TAIL.length && bytes.compare(TAIL, 0, TAIL.length, bytes.length - TAIL.length) === 0
}

/** The directory's groups, if they tile the item lines exactly: in order, each after the last, `count` lines in all. */
function tile(directory: unknown, count: number, bodyStart: number, linesEnd: number): LayoutGroup[] | undefined {
  let rows: unknown
  try {
    rows = typeof directory === 'string' ? JSON.parse(directory) : undefined
  } catch {
    return undefined
  }
  if (!Array.isArray(rows) || linesEnd < bodyStart) return undefined
  const groups: LayoutGroup[] = []
  let lines = 0
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown[]
    if (!Array.isArray(row) || row.length !== 5) return undefined
    const [kind, namespace, offset, size, sha256] = row
    if (typeof kind !== 'string' || kind === '' || (namespace !== null && (typeof namespace !== 'string' || namespace === ''))) return undefined
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || (size as number) < 1 || typeof sha256 !== 'string') return undefined
    const start = bodyStart + (offset as number)
    if (start !== (i === 0 ? bodyStart : groups[i - 1]!.end)) return undefined
    const next = rows[i + 1] as unknown[] | undefined
    const end = next === undefined ? linesEnd : bodyStart + (Array.isArray(next) && Number.isSafeInteger(next[2]) ? (next[2] as number) : -1)
    if (end <= start || end > linesEnd) return undefined
    groups.push({kind, ...(namespace === null ? {} : {namespace: namespace as string}), start, end, count: size as number, last: next === undefined, sha256})
    lines += size as number
  }
  if (lines !== count || (groups.length === 0 && linesEnd !== bodyStart)) return undefined
  return groups
}

/**
 * The items of one group, as the full scan finds them, from `bytes` holding the file from offset `offset` (item
 * ranges are then into `bytes`); undefined if its lines are not what the directory says (the caller fails closed:
 * a file that hashed to its claim can only be so if it changed since). `hashed`: `bytes` is the whole file as
 * indexLineLayout proved it, so the group's own hash is not computed again.
 */
export function readLayoutGroup(bytes: Buffer, group: LayoutGroup, offset = 0, hashed = false): IndexedItem[] | undefined {
  const start = group.start - offset
  const stop = group.end - offset
  if (start < 0 || stop > bytes.length) return undefined
  // `hashed`: these are the very bytes in memory that hashed to the file's claim, so they cannot have changed.
  if (!hashed && createHash('sha256').update(bytes.subarray(start, stop)).digest('hex') !== group.sha256) return undefined
  const items: IndexedItem[] = []
  const reader = new LineReader(bytes)
  let at = start
  for (let n = 0; n < group.count; n++) {
    const newline = bytes.indexOf(NEWLINE, at)
    if (newline < 0 || newline >= stop) return undefined
    const end = group.last && n === group.count - 1 ? newline : newline - 1
    if (end <= at || bytes[end - 1] !== CLOSE_OBJECT || (end !== newline && bytes[end] !== COMMA)) return undefined
    const item = reader.item(at, end)
    if (!item || item.kind !== group.kind || item.namespace !== group.namespace) return undefined
    items.push(item)
    at = newline + 1
  }
  return at === stop ? items : undefined
}

/** Reads each line's leading members; undefined for a line whose members are not in the writer's order. */
class LineReader {
  private at = 0
  private end = 0
  /** Kinds, apiVersions and namespaces repeat from line to line: one string each, not one per line. */
  private readonly recent = [new Recent(), new Recent(), new Recent()] as const
  /** Where the next `,"spec":{` / `,"status":{` at or after `from` is (-1: none): each byte is searched once. */
  private readonly spec = new NextMatch(SPEC)
  private readonly status = new NextMatch(STATUS)

  constructor(private readonly b: Buffer) {}

  item(start: number, end: number): IndexedItem | undefined {
    const b = this.b
    if (b[start] !== OPEN_OBJECT) return undefined
    this.at = start + 1
    this.end = end
    let apiVersion: string | undefined
    if (this.skip(API_VERSION)) {
      apiVersion = this.string(this.recent[0])
      if (apiVersion === undefined || b[this.at++] !== COMMA) return undefined
    }
    if (!this.skip(KIND)) return undefined
    const kind = this.string(this.recent[1])
    if (kind === undefined || !this.skip(METADATA_NAME)) return undefined
    const name = this.name()
    if (name === undefined) return undefined
    let namespace: string | undefined
    if (this.skip(NAMESPACE) && (namespace = this.name(this.recent[2])) === undefined) return undefined
    let uid: string | undefined
    if (this.skip(UID) && (uid = this.string()) === undefined) return undefined
    if (b[this.at] !== COMMA && b[this.at] !== CLOSE_OBJECT) return undefined
    const item: IndexedItem = {kind, namespace, name, start, end}
    if (apiVersion !== undefined) item.apiVersion = apiVersion
    if (uid !== undefined) item.uid = uid
    if (kind === 'Pod') {
      // The writer puts spec.nodeName and status.phase first in their objects, and checked that the first
      // `,"spec":{` and `,"status":{` of each line are the item's own.
      const spec = this.spec.after(b, this.at)
      if (spec >= 0 && spec < end) {
        const nodeName = this.leading(spec + SPEC.length, NODE_NAME)
        if (nodeName === undefined) return undefined
        item.nodeName = nodeName
      }
      const status = this.status.after(b, this.at)
      if (status >= 0 && status < end) {
        const phase = this.leading(status + STATUS.length, PHASE)
        if (phase === undefined) return undefined
        item.phase = phase
      }
    }
    return item
  }

  /** The string value of `key` when it is the first member of the object opening before `at`, '' when another is. */
  private leading(at: number, key: Buffer): string | undefined {
    this.at = at
    return this.skip(key) ? this.string() : ''
  }

  private skip(expected: Buffer): boolean {
    const b = this.b
    const at = this.at
    if (this.end - at < expected.length) return false
    for (let j = 0; j < expected.length; j++) if (b[at + j] !== expected[j]) return false
    this.at = at + expected.length
    return true
  }

  private name(recent?: Recent): string | undefined {
    const from = this.at
    const value = this.string(recent)
    return value !== undefined && this.at - from <= MAX_NAME_BYTES ? value : undefined
  }

  private string(recent?: Recent): string | undefined {
    const b = this.b
    const open = this.at
    if (b[open] !== QUOTE) return undefined
    let plain = true
    let i = open + 1
    for (; i < this.end && b[i] !== QUOTE; i++) {
      if (b[i] === BACKSLASH) {
        plain = false
        i++
      } else if (b[i]! >= 0x80) plain = false
    }
    if (i >= this.end) return undefined
    this.at = i + 1
    if (!plain) {
      try {
        return JSON.parse(b.toString('utf8', open, i + 1)) as string
      } catch {
        return undefined
      }
    }
    if (recent) return recent.get(b, open + 1, i)
    return b.toString('latin1', open + 1, i)
  }
}

/** The last string read from one place in the line, reused while the bytes are the same. */
class Recent {
  private start = 0
  private length = -1
  private value = ''

  get(b: Buffer, start: number, end: number): string {
    const length = end - start
    if (length === this.length && b.compare(b, this.start, this.start + length, start, end) === 0) {
      this.start = start
      return this.value
    }
    this.start = start
    this.length = length
    return (this.value = b.toString('latin1', start, end))
  }
}

class NextMatch {
  private from = 0
  private found = -2

  constructor(private readonly needle: Buffer) {}

  /** The first match at or after `at`; `at` never decreases between calls. */
  after(b: Buffer, at: number): number {
    if (this.found === -1 || (this.found >= at && this.from <= at)) return this.found
    this.from = at
    return (this.found = b.indexOf(this.needle, at))
  }
}

/** The writer's key order: identity first, then a Pod's spec (nodeName first) and status (phase first). */
function ordered(item: unknown): unknown {
  if (!isRecord(item)) return item
  const {apiVersion, kind, metadata, spec, status, ...rest} = item
  const out: Record<string, unknown> = {}
  if (apiVersion !== undefined) out.apiVersion = apiVersion
  if (kind !== undefined) out.kind = kind
  if (metadata !== undefined) out.metadata = isRecord(metadata) ? first(metadata, ['name', 'namespace', 'uid']) : metadata
  if (spec !== undefined) out.spec = isRecord(spec) ? first(spec, ['nodeName']) : spec
  if (status !== undefined) out.status = isRecord(status) ? first(status, ['phase']) : status
  return Object.assign(out, rest)
}

function first(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key]
  return Object.assign(out, object)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The text of a snapshot List in the marked layout, ending in a newline. The claim is made only when the written
 * bytes prove it (see the top of this file); otherwise the same lines carry no claim and are scanned whole.
 */
export function formatSnapshotList(list: {metadata: ListMetadata; items: unknown[]}): string {
  const lines = list.items.map((item) => JSON.stringify(ordered(item)))
  const body = lines.map((line, i) => `${line}${i < lines.length - 1 ? ',' : ''}\n`).join('') + TAIL.toString()
  const {[LAYOUT_ANNOTATION]: _claim, [LAYOUT_GROUPS_ANNOTATION]: _groups, ...annotations} = list.metadata.annotations ?? {}
  const plain = {...list.metadata, annotations}
  const directory = directoryOf(lines)
  if (!directory) return headerLine(plain) + body
  const claimed = {...plain, annotations: {...annotations, [LAYOUT_ANNOTATION]: `${LAYOUT_NAME} items=${lines.length} sha256=${UNHASHED}`, [LAYOUT_GROUPS_ANNOTATION]: JSON.stringify(directory)}}
  const unhashed = headerLine(claimed)
  const at = Buffer.byteLength(unhashed.slice(0, unhashed.indexOf(UNHASHED)))
  const bytes = Buffer.from(unhashed + body)
  bytes.write(createHash('sha256').update(bytes).digest('hex'), at, 'latin1')
  return provesItself(bytes) ? bytes.toString('utf8') : headerLine(plain) + body
}

/** Runs of lines of one kind and namespace, as [kind, namespace or null, byte offset, lines, SHA-256]; undefined if a line is unreadable. */
function directoryOf(lines: string[]): Array<[string, string | null, number, number, string]> | undefined {
  const directory: Array<[string, string | null, number, number, string]> = []
  const hashes: Array<ReturnType<typeof createHash>> = []
  let offset = 0
  for (let i = 0; i < lines.length; i++) {
    const bytes = Buffer.from(`${lines[i]}${i < lines.length - 1 ? ',' : ''}\n`)
    const item = new LineReader(bytes).item(0, bytes.length - (i < lines.length - 1 ? 2 : 1))
    if (!item || item.kind === '' || item.namespace === '') return undefined
    const previous = directory.at(-1)
    if (previous && previous[0] === item.kind && previous[1] === (item.namespace ?? null)) previous[3]++
    else {
      directory.push([item.kind, item.namespace ?? null, offset, 1, ''])
      hashes.push(createHash('sha256'))
    }
    hashes.at(-1)!.update(bytes)
    offset += bytes.length
  }
  directory.forEach((row, i) => (row[4] = hashes[i]!.digest('hex')))
  return directory
}

/** etcd refuses objects above 1.5 MiB; the reader refuses items above 8 MiB (snapshot-file.ts), so no claim covers one. */
const MAX_CLAIMED_ITEM_BYTES = 8 * 2 ** 20

function provesItself(bytes: Buffer): boolean {
  const seen: unknown[] = []
  const groups = indexLineLayout(bytes, (metadata) => seen.push(metadata))
  if (!groups) return false
  const fast: IndexedItem[] = []
  for (const group of groups) {
    const items = readLayoutGroup(bytes, group)
    if (!items) return false
    fast.push(...items)
  }
  let full: IndexedItem[] | undefined
  try {
    full = indexListDocuments(bytes, (metadata) => seen.push(metadata))
  } catch (error) {
    if (error instanceof ImpossibleObject) return false
    throw error
  }
  if (!full || !isDeepStrictEqual(fast, full) || seen.length !== 2 || !isDeepStrictEqual(seen[0], seen[1])) return false
  const keys = new Set<string>()
  for (const item of fast) {
    if (item.end - item.start > MAX_CLAIMED_ITEM_BYTES) return false
    const key = nameKey(item.kind, item.namespace, item.name, item.apiVersion)
    if (keys.has(key)) return false
    keys.add(key)
  }
  return true
}
