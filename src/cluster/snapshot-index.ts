// A large snapshot is mostly pods of namespaces a run never looks at. JSON.parse of a 120 MB List costs seconds
// and a GB of heap; finding where each item starts and ends, and its kind/namespace/name, is one byte scan. Items
// are then parsed when a list or get first needs them.

import {BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE} from './json-bytes.js'

export interface IndexedItem {
  kind: string
  /** The item's apiVersion; for a raw API list (NetworkPolicyList) whose items carry none, the list's. */
  apiVersion?: string
  namespace?: string
  name: string
  uid?: string
  /** spec.nodeName as a string ('' when spec has none), so a Pod list by node needs no parse; absent: not known. */
  nodeName?: string
  /** status.phase, the same way (a Pending-pod list needs no parse). */
  phase?: string
  /** Byte range of the item's JSON text. */
  start: number
  end: number
}

type PartialItem = Omit<IndexedItem, 'kind'> & {kind?: string}

/** Thrown inside the scan; indexListDocuments answers undefined for anything but well-formed List documents. */
class NotAList extends Error {}

/**
 * Input no Kubernetes object can be, found while scanning, with the reason (thrown to the caller): nesting
 * deeper than the API server's JSON decoder accepts, or a name longer than any Kubernetes name.
 */
export class ImpossibleObject extends Error {}

/** k8s.io/apimachinery/pkg/util/json (and sigs.k8s.io/json) refuse deeper documents; so do we, before parsing. */
export const MAX_JSON_DEPTH = 10_000
/** metadata.name is at most 253 characters (a DNS subdomain), a namespace 63; anything longer is not decoded. */
export const MAX_NAME_BYTES = 253 * 4

/**
 * The items of the List documents in `bytes` (one, or several concatenated), in file order. Undefined when the
 * text is anything else (a single object, a bare array, a truncated file, stray bytes between documents, an item
 * without kind or name): the caller then parses it strictly, which also words the error. Syntax errors inside
 * an item are only found when that item is parsed.
 */
export function indexListDocuments(bytes: Uint8Array, onListMetadata?: (metadata: unknown) => void): IndexedItem[] | undefined {
  try {
    return new Scanner(bytes, onListMetadata).documents()
  } catch (error) {
    // A bad escape in a name (JSON.parse in string()) is malformed input too: the strict parser words it.
    if (error instanceof NotAList || error instanceof SyntaxError) return undefined
    throw error
  }
}

const KEY = Object.fromEntries(['apiVersion', 'kind', 'items', 'metadata', 'name', 'namespace', 'uid', 'spec', 'nodeName', 'status', 'phase'].map((k) => [k, Buffer.from(`"${k}"`)])) as Record<
  'apiVersion' | 'kind' | 'items' | 'metadata' | 'name' | 'namespace' | 'uid' | 'spec' | 'nodeName' | 'status' | 'phase',
  Buffer
>

function growOpeners(openers: Uint8Array): Uint8Array {
  const grown = new Uint8Array(openers.length * 2)
  grown.set(openers)
  return grown
}

class Scanner {
  private i = 0
  private keyStart = 0
  private keyEnd = 0
  private itemKind?: string
  private itemApiVersion?: string
  private metaName?: string
  private metaNamespace?: string
  private metaUid?: string
  /** undefined: no spec seen; null: a nodeName that is not a string (left to the parser to reject). */
  private specNodeName?: string | null
  private sawSpec = false
  private statusPhase?: string | null
  private sawStatus = false
  private readonly b: Buffer
  /** Open brackets of the value being skipped, innermost last. */
  private openers: Uint8Array = new Uint8Array(64)

  constructor(
    bytes: Uint8Array,
    private readonly onListMetadata?: (metadata: unknown) => void,
  ) {
    this.b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  documents(): IndexedItem[] {
    const items: IndexedItem[] = []
    let documents = 0
    for (this.skipSpace(); this.i < this.b.length; this.skipSpace()) {
      if (this.b[this.i] !== OPEN_OBJECT) throw new NotAList()
      this.list(items)
      documents++
    }
    // An empty file is not an empty List: the strict parser says it is empty.
    if (documents === 0) throw new NotAList()
    return items
  }

  /** `{"apiVersion":..., "items":[...], "kind":"List", ...}` in any key order. */
  private list(into: IndexedItem[]): void {
    let kind: string | undefined
    let apiVersion: string | undefined
    let items: PartialItem[] | undefined
    this.object(() => {
      if (this.b[this.i] === QUOTE && this.is(KEY.kind)) kind = this.string()
      else if (this.b[this.i] === QUOTE && this.is(KEY.apiVersion)) apiVersion = this.string()
      else if (this.b[this.i] === OPEN_ARRAY && this.is(KEY.items)) items = this.items()
      else {
        // The List's own small members (apiVersion, metadata) are checked strictly; items are when read.
        const start = this.i
        const isMetadata = this.b[this.i] === OPEN_OBJECT && this.is(KEY.metadata)
        this.value()
        const value: unknown = JSON.parse(this.b.toString('utf8', start, this.i))
        if (isMetadata) this.onListMetadata?.(value)
      }
      return true
    })
    if (!kind || !items || !(kind === 'List' || kind.endsWith('List'))) throw new NotAList()
    // A raw API list (PodList) carries no kind on its items; kubectl's List does.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length)
    for (const item of items) {
      item.kind ??= itemKind
      if (!item.kind) throw new NotAList()
      // kubectl's List is "v1" whatever it holds: only a typed list's version speaks for its items.
      if (itemKind && apiVersion && item.apiVersion === undefined) item.apiVersion = apiVersion
      into.push(item as IndexedItem)
    }
  }

  private items(): PartialItem[] {
    const items: PartialItem[] = []
    this.i++
    this.skipSpace()
    if (this.b[this.i] === CLOSE_ARRAY) {
      this.i++
      return items
    }
    for (;;) {
      this.skipSpace()
      if (this.b[this.i] !== OPEN_OBJECT) throw new NotAList()
      items.push(this.item())
      this.skipSpace()
      const c = this.b[this.i++]
      if (c === CLOSE_ARRAY) return items
      if (c !== COMMA) throw new NotAList()
    }
  }

  /** One object; reads its top-level kind and metadata.name/namespace, skips the rest. */
  private item(): PartialItem {
    const start = this.i
    this.itemKind = this.itemApiVersion = this.metaName = this.metaNamespace = this.metaUid = this.specNodeName = undefined
    this.sawSpec = this.sawStatus = false
    this.statusPhase = undefined
    this.object(this.itemMember)
    if (this.metaName === undefined) throw new NotAList()
    return {
      kind: this.itemKind,
      ...(this.itemApiVersion !== undefined ? {apiVersion: this.itemApiVersion} : {}),
      namespace: this.metaNamespace,
      name: this.metaName,
      ...(this.metaUid !== undefined ? {uid: this.metaUid} : {}),
      ...(this.sawSpec && this.specNodeName !== null ? {nodeName: this.specNodeName ?? ''} : {}),
      ...(this.sawStatus && this.statusPhase !== null ? {phase: this.statusPhase ?? ''} : {}),
      start,
      end: this.i,
    }
  }

  // Members as fields, not closures: item() runs for every object in the file.
  private readonly itemMember = (): boolean => {
    if (this.b[this.i] === QUOTE && this.is(KEY.kind)) this.itemKind = this.string()
    else if (this.b[this.i] === QUOTE && this.is(KEY.apiVersion)) this.itemApiVersion = this.string()
    else if (this.b[this.i] === OPEN_OBJECT && this.is(KEY.metadata)) this.object(this.metadataMember)
    // Only a Pod's node and phase are asked for: other kinds skip spec and status whole (when kind came first).
    else if (this.itemKind !== undefined && this.itemKind !== 'Pod') return false
    else if (this.is(KEY.spec)) {
      // JSON.parse keeps the last of two specs: the index then claims nothing.
      if (this.sawSpec || this.b[this.i] !== OPEN_OBJECT) {
        this.specNodeName = null
        return false
      }
      this.sawSpec = true
      this.object(this.specMember)
    } else if (this.is(KEY.status)) {
      if (this.sawStatus || this.b[this.i] !== OPEN_OBJECT) {
        this.statusPhase = null
        return false
      }
      this.sawStatus = true
      this.object(this.statusMember)
    } else return false
    return true
  }

  private readonly statusMember = (): boolean => {
    if (!this.is(KEY.phase)) return false
    if (this.statusPhase !== undefined || this.b[this.i] !== QUOTE) {
      this.statusPhase = null
      return false
    }
    this.statusPhase = this.string()
    return true
  }

  private readonly specMember = (): boolean => {
    if (!this.is(KEY.nodeName)) return false
    // Twice, or not a string: unknown, so the item is parsed and the parser decides.
    if (this.specNodeName !== undefined || this.b[this.i] !== QUOTE) {
      this.specNodeName = null
      return false
    }
    this.specNodeName = this.string()
    return true
  }

  private readonly metadataMember = (): boolean => {
    if (this.b[this.i] !== QUOTE) return false
    if ((this.is(KEY.name) || this.is(KEY.namespace)) && this.stringEnd(this.i) - this.i > MAX_NAME_BYTES) {
      throw new ImpossibleObject(`holds a metadata.${this.is(KEY.name) ? 'name' : 'namespace'} longer than any Kubernetes name (253 characters)`)
    }
    if (this.is(KEY.name)) this.metaName = this.string()
    else if (this.is(KEY.namespace)) this.metaNamespace = this.string()
    else if (this.is(KEY.uid)) this.metaUid = this.string()
    else return false
    return true
  }

  /** Walks the object at this.i: `member` reads the value of a key it wants and says so, other values are skipped. */
  private object(member: () => boolean): void {
    this.i++
    this.skipSpace()
    if (this.b[this.i] === CLOSE_OBJECT) {
      this.i++
      return
    }
    for (;;) {
      this.key()
      this.expect(COLON)
      this.skipSpace()
      if (!member()) this.value()
      this.skipSpace()
      const c = this.b[this.i++]
      if (c === CLOSE_OBJECT) return
      if (c !== COMMA) throw new NotAList()
    }
  }

  /** Skips any value by bracket depth; a tight loop over the bytes, strings included (escapes skip a byte). */
  private value(): void {
    this.skipSpace()
    const b = this.b
    const n = b.length
    let i = this.i
    let depth = 0
    while (i < n) {
      const c = b[i]
      if (c === QUOTE) {
        i++
        while (i < n && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1
        i++
        if (depth === 0) break
        continue
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === MAX_JSON_DEPTH) throw new ImpossibleObject(`nests deeper than ${MAX_JSON_DEPTH} levels`)
        if (depth === this.openers.length) this.openers = growOpeners(this.openers)
        this.openers[depth++] = c
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (depth === 0) break // the end of a scalar value, seen from the enclosing container
        // `[1}` would otherwise skip as well-formed: a closer must match its opener (each is its opener + 2).
        if (this.openers[--depth] !== c - 2) throw new NotAList()
        if (depth === 0) {
          i++
          break
        }
      } else if (depth === 0 && c === COMMA) break
      i++
    }
    if (i > n) throw new NotAList()
    this.i = i
  }

  /** Reads a key (a string); `is` then compares it byte-wise, it is never decoded. */
  private key(): void {
    this.skipSpace()
    if (this.b[this.i] !== QUOTE) throw new NotAList()
    this.keyStart = this.i
    this.i = this.stringEnd(this.i)
    this.keyEnd = this.i
  }

  /** Whether the last key read is `literal` (quotes included). */
  private is(literal: Buffer): boolean {
    if (this.keyEnd - this.keyStart !== literal.length) return false
    for (let j = 1; j < literal.length - 1; j++) if (this.b[this.keyStart + j] !== literal[j]) return false
    return true
  }

  private string(): string {
    this.key()
    const start = this.keyStart
    const end = this.keyEnd
    for (let j = start + 1; j < end - 1; j++) {
      // Escapes or non-ASCII (rare in names and kinds): let JSON.parse decode it properly.
      if (this.b[j] === BACKSLASH || this.b[j]! >= 0x80) return JSON.parse(this.b.toString('utf8', start, end)) as string
    }
    return this.b.toString('latin1', start + 1, end - 1)
  }

  /** Index just past the closing quote of the string opening at `open`. */
  private stringEnd(open: number): number {
    const b = this.b
    let i = open + 1
    while (i < b.length && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1
    if (i >= b.length) throw new NotAList()
    return i + 1
  }

  private expect(byte: number): void {
    this.skipSpace()
    if (this.b[this.i] !== byte) throw new NotAList()
    this.i++
  }

  private skipSpace(): void {
    const b = this.b
    while (this.i < b.length && (b[this.i] === 0x20 || b[this.i] === 0x0a || b[this.i] === 0x0d || b[this.i] === 0x09)) this.i++
  }
}

/** Whether the JSON text nests deeper than MAX_JSON_DEPTH (strings skipped): checked before a strict JSON.parse. */
export function nestsTooDeep(bytes: Uint8Array): boolean {
  let depth = 0
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (c === QUOTE) {
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > MAX_JSON_DEPTH) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--
  }
  return false
}
