// Calico's selector language (docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
//   k == 'v', k != 'v', has(k), !has(k), k in {'a','b'}, k not in {...}, k contains 's', k starts with 's',
//   k ends with 's', all(), global(), !, &&, ||, parentheses.
// `k != 'v'` and `k not in {...}` also match endpoints without k. A parse error names the offset.
import type {Labels} from '../../labels.js'

export type CalicoSelector = (labels: Labels) => boolean

export class CalicoSelectorError extends Error {}

type Token = {t: 'op' | 'str' | 'word' | 'end'; v: string; at: number}

function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const two = input.slice(i, i + 2)
    if (['==', '!=', '&&', '||'].includes(two)) {
      tokens.push({t: 'op', v: two, at: i})
      i += 2
      continue
    }
    if ('!(){},'.includes(c)) {
      tokens.push({t: 'op', v: c, at: i})
      i++
      continue
    }
    if (c === '"' || c === "'") {
      const end = input.indexOf(c, i + 1)
      if (end < 0) throw new CalicoSelectorError(`unterminated string at ${i}`)
      tokens.push({t: 'str', v: input.slice(i + 1, end), at: i})
      i = end + 1
      continue
    }
    const m = /^[A-Za-z0-9_./\-]+/.exec(input.slice(i))
    if (!m) throw new CalicoSelectorError(`unexpected ${JSON.stringify(c)} at ${i}`)
    tokens.push({t: 'word', v: m[0], at: i})
    i += m[0].length
  }
  tokens.push({t: 'end', v: '', at: input.length})
  return tokens
}

class Parser {
  private i = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!
  }

  private next(): Token {
    return this.tokens[this.i++]!
  }

  private expect(t: Token['t'], v?: string): Token {
    const tok = this.next()
    if (tok.t !== t || (v !== undefined && tok.v !== v)) throw new CalicoSelectorError(`expected ${v ?? t} at ${tok.at}, found ${tok.v ? JSON.stringify(tok.v) : 'the end'}`)
    return tok
  }

  parse(): CalicoSelector {
    const e = this.or()
    if (this.peek().t !== 'end') throw new CalicoSelectorError(`unexpected ${JSON.stringify(this.peek().v)} at ${this.peek().at}`)
    return e
  }

  private or(): CalicoSelector {
    const parts = [this.and()]
    while (this.peek().v === '||' && this.peek().t === 'op') (this.next(), parts.push(this.and()))
    return parts.length === 1 ? parts[0]! : (l) => parts.some((p) => p(l))
  }

  private and(): CalicoSelector {
    const parts = [this.unary()]
    while (this.peek().v === '&&' && this.peek().t === 'op') (this.next(), parts.push(this.unary()))
    return parts.length === 1 ? parts[0]! : (l) => parts.every((p) => p(l))
  }

  private unary(): CalicoSelector {
    if (this.peek().t === 'op' && this.peek().v === '!') {
      this.next()
      const inner = this.unary()
      return (l) => !inner(l)
    }
    return this.primary()
  }

  private set(): string[] {
    this.expect('op', '{')
    const values: string[] = []
    if (this.peek().v === '}' && this.peek().t === 'op') return (this.next(), values)
    for (;;) {
      values.push(this.expect('str').v)
      const tok = this.next()
      if (tok.t === 'op' && tok.v === '}') return values
      if (!(tok.t === 'op' && tok.v === ',')) throw new CalicoSelectorError(`expected , or } at ${tok.at}`)
    }
  }

  private primary(): CalicoSelector {
    const tok = this.next()
    if (tok.t === 'op' && tok.v === '(') {
      const e = this.or()
      this.expect('op', ')')
      return e
    }
    if (tok.t !== 'word') throw new CalicoSelectorError(`unexpected ${tok.v ? JSON.stringify(tok.v) : 'end'} at ${tok.at}`)
    const following = this.peek()
    if ((tok.v === 'all' || tok.v === 'global' || tok.v === 'has') && following.t === 'op' && following.v === '(') {
      this.next()
      if (tok.v === 'has') {
        const key = this.expect('word').v
        this.expect('op', ')')
        return (l) => Object.prototype.hasOwnProperty.call(l, key)
      }
      this.expect('op', ')')
      // global() selects only non-namespaced objects (GlobalNetworkSets, host endpoints), never a pod's namespace.
      return tok.v === 'all' ? () => true : () => false
    }
    const key = tok.v
    const op = this.next()
    const has = (l: Labels) => Object.prototype.hasOwnProperty.call(l, key)
    if (op.t === 'op' && (op.v === '==' || op.v === '!=')) {
      const value = this.expect('str').v
      return op.v === '==' ? (l) => has(l) && l[key] === value : (l) => !has(l) || l[key] !== value
    }
    if (op.t === 'word' && op.v === 'in') {
      const values = this.set()
      return (l) => has(l) && values.includes(l[key]!)
    }
    if (op.t === 'word' && op.v === 'not') {
      this.expect('word', 'in')
      const values = this.set()
      return (l) => !has(l) || !values.includes(l[key]!)
    }
    if (op.t === 'word' && op.v === 'contains') {
      const value = this.expect('str').v
      return (l) => has(l) && l[key]!.includes(value)
    }
    if (op.t === 'word' && (op.v === 'starts' || op.v === 'ends')) {
      this.expect('word', 'with')
      const value = this.expect('str').v
      return op.v === 'starts' ? (l) => has(l) && l[key]!.startsWith(value) : (l) => has(l) && l[key]!.endsWith(value)
    }
    throw new CalicoSelectorError(`unknown operator ${op.v ? JSON.stringify(op.v) : '(none)'} after ${JSON.stringify(key)} at ${op.at}`)
  }
}

/** Parses a Calico selector; "" is all(). Throws CalicoSelectorError for anything outside the grammar. */
export function parseCalicoSelector(input: string): CalicoSelector {
  if (input.trim() === '') return () => true
  return new Parser(tokenize(input)).parse()
}
