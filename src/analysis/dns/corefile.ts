// A Corefile parser following CoreDNS's Caddyfile (caddy v1) syntax: server blocks keyed by one or more
// `[scheme://]zone[:port]` addresses, directives with arguments, nested `{ }` blocks, `#` comments, quoted
// strings and `{$VAR}` environment placeholders. Malformed input yields errors with line numbers, never throws.

export interface CorefileToken {
  text: string
  line: number
  quoted: boolean
}

/** A plugin line (`forward . /etc/resolv.conf`) or a line inside a plugin block (`max_concurrent 1000`). */
export interface CorefileDirective {
  name: string
  args: string[]
  line: number
  /** The lines inside `{ ... }` after the directive; undefined when the directive has no block. */
  block?: CorefileDirective[]
}

export interface ServerKey {
  /** As written: `dns://.:53`, `cluster.local:53`, `.`. */
  raw: string
  /** `dns`, `tls`, `grpc`, `https`, `quic`. */
  scheme: string
  /** Normalised: lower case, fully qualified (`cluster.local.`), `.` for the root. */
  zone: string
  port: number
  line: number
}

export interface ServerBlock {
  keys: ServerKey[]
  line: number
  directives: CorefileDirective[]
}

export interface CorefileProblem {
  line: number
  message: string
}

export interface ParsedCorefile {
  servers: ServerBlock[]
  /** `import` lines: their target is not read, so what they add is unknown. */
  imports: {line: number; args: string[]}[]
  /** Snippet definitions `(name) { ... }`, only usable through import. */
  snippets: {name: string; line: number}[]
  /** `{$VAR}` / `{%VAR%}` placeholders, substituted by CoreDNS from its environment at start-up. */
  placeholders: {name: string; line: number}[]
  errors: CorefileProblem[]
}

const DEFAULT_PORTS: Record<string, number> = {dns: 53, tls: 853, quic: 853, grpc: 443, https: 443, https3: 443}

export function tokenizeCorefile(text: string): {tokens: CorefileToken[]; errors: CorefileProblem[]} {
  const tokens: CorefileToken[] = []
  const errors: CorefileProblem[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      line++
      i++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++
      continue
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
      continue
    }
    if (c === '"') {
      const start = line
      let value = ''
      i++
      let closed = false
      while (i < text.length) {
        const d = text[i]
        if (d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1]
          i += 2
          continue
        }
        if (d === '"') {
          closed = true
          i++
          break
        }
        if (d === '\n') line++
        value += d
        i++
      }
      if (!closed) errors.push({line: start, message: 'unterminated quoted string'})
      tokens.push({text: value, line: start, quoted: true})
      continue
    }
    let word = ''
    while (i < text.length && !/\s/.test(text[i])) {
      word += text[i]
      i++
    }
    tokens.push({text: word, line, quoted: false})
  }
  return {tokens, errors}
}

/** Parses one server address; undefined when it is not one (so the caller can report it). */
export function parseServerKey(raw: string, line: number): ServerKey | undefined {
  let rest = raw.replace(/,$/, '')
  let scheme = 'dns'
  const schemeMatch = /^([a-z0-9]+):\/\//i.exec(rest)
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase()
    rest = rest.slice(schemeMatch[0].length)
  }
  let port = DEFAULT_PORTS[scheme] ?? 53
  const portMatch = /^(.*):(\d+)$/.exec(rest)
  if (portMatch && !portMatch[1].includes(':')) {
    rest = portMatch[1]
    port = Number(portMatch[2])
  }
  if (rest === '') rest = '.'
  if (/[{}]/.test(rest)) return undefined
  return {raw, scheme, zone: normalizeZone(rest), port, line}
}

/** `Cluster.Local` -> `cluster.local.`; `.` stays `.`. */
export function normalizeZone(zone: string): string {
  const z = zone.toLowerCase()
  if (z === '.' || z === '') return '.'
  return z.endsWith('.') ? z : `${z}.`
}

export function parseCorefile(text: string): ParsedCorefile {
  const {tokens, errors} = tokenizeCorefile(text)
  const result: ParsedCorefile = {servers: [], imports: [], snippets: [], placeholders: [], errors}
  for (const t of tokens) {
    if (t.quoted) continue
    for (const m of t.text.matchAll(/\{\$([A-Za-z_][A-Za-z0-9_]*)\}|\{%([A-Za-z_][A-Za-z0-9_]*)%\}/g)) {
      result.placeholders.push({name: m[1] ?? m[2], line: t.line})
    }
  }
  const isOpen = (t: CorefileToken | undefined) => t !== undefined && !t.quoted && t.text === '{'
  const isClose = (t: CorefileToken | undefined) => t !== undefined && !t.quoted && t.text === '}'

  let pos = 0

  // Reads directives until the matching `}` (consumed) or, at top level without braces, the end of input.
  function readBlock(openLine: number, braced: boolean): CorefileDirective[] {
    const directives: CorefileDirective[] = []
    while (pos < tokens.length) {
      const t = tokens[pos]
      if (isClose(t)) {
        pos++
        if (braced) return directives
        result.errors.push({line: t.line, message: "unexpected '}'"})
        continue
      }
      if (isOpen(t)) {
        result.errors.push({line: t.line, message: "unexpected '{' without a directive before it"})
        pos++
        readBlock(t.line, true)
        continue
      }
      const lineTokens: CorefileToken[] = [t]
      pos++
      while (pos < tokens.length && tokens[pos].line === t.line && !isOpen(tokens[pos]) && !isClose(tokens[pos])) {
        lineTokens.push(tokens[pos])
        pos++
      }
      const directive: CorefileDirective = {name: t.text, args: lineTokens.slice(1).map((x) => x.text), line: t.line}
      if (isOpen(tokens[pos]) && tokens[pos].line === t.line) {
        const open = tokens[pos]
        pos++
        directive.block = readBlock(open.line, true)
      }
      if (directive.name === 'import') result.imports.push({line: directive.line, args: directive.args})
      directives.push(directive)
    }
    if (braced) result.errors.push({line: openLine, message: "'{' opened here is never closed"})
    return directives
  }

  while (pos < tokens.length) {
    const first = tokens[pos]
    if (isClose(first)) {
      result.errors.push({line: first.line, message: "unexpected '}' outside a server block"})
      pos++
      continue
    }
    if (isOpen(first)) {
      result.errors.push({line: first.line, message: "'{' without server addresses before it"})
      pos++
      readBlock(first.line, true)
      continue
    }
    if (!first.quoted && first.text === 'import') {
      const args: string[] = []
      pos++
      while (pos < tokens.length && tokens[pos].line === first.line) args.push(tokens[pos++].text)
      result.imports.push({line: first.line, args})
      continue
    }
    const keyTokens: CorefileToken[] = []
    while (pos < tokens.length && tokens[pos].line === first.line && !isOpen(tokens[pos]) && !isClose(tokens[pos])) {
      keyTokens.push(tokens[pos])
      pos++
    }
    // Caddy accepts the opening brace of a server block on the next line too.
    const braced = isOpen(tokens[pos])
    if (braced) pos++
    else if (result.servers.length > 0) {
      // Only a lone server block may omit its braces (it then runs to the end of the file).
      result.errors.push({line: first.line, message: `server block ${keyTokens.map((k) => k.text).join(' ')} has no '{'`})
    }
    if (keyTokens.length === 1 && /^\(.+\)$/.test(keyTokens[0].text)) {
      result.snippets.push({name: keyTokens[0].text.slice(1, -1), line: first.line})
      readBlock(first.line, braced)
      continue
    }
    const keys: ServerKey[] = []
    for (const k of keyTokens) {
      if (k.text === ',') continue
      const key = parseServerKey(k.text, k.line)
      if (key) keys.push(key)
      else result.errors.push({line: k.line, message: `invalid server address ${k.text}`})
    }
    const directives = readBlock(first.line, braced)
    result.servers.push({keys, line: first.line, directives})
  }
  return result
}

/** All directives with this name in a server block (top level only: plugins). */
export function findPlugins(server: ServerBlock, name: string): CorefileDirective[] {
  return server.directives.filter((d) => d.name === name)
}

/** The lines inside a plugin's block with this name (`pods`, `fallthrough`, `max_concurrent`). */
export function findOptions(plugin: CorefileDirective, name: string): CorefileDirective[] {
  return (plugin.block ?? []).filter((d) => d.name === name)
}
