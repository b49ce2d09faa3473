// Deterministic randomness for the bench generator: same seed, same snapshot bytes.

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Kubernetes-looking identifiers drawn from the seeded sequence. */
export class Ids {
  constructor(private readonly random: () => number) {}

  /** Like the suffixes Kubernetes generates (no vowels, no confusable characters). */
  suffix(length: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.random() * alphabet.length)]
    return text
  }

  uid(): string {
    const hex = Array.from({length: 32}, () => Math.floor(this.random() * 16).toString(16)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(this.random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`
  }

  timestamp(): string {
    return new Date(Date.UTC(2026, 9, 1) + Math.floor(this.random() * 50 * 86_400) * 1000).toISOString().replace('.000', '')
  }
}
