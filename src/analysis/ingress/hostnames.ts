// Ingress host rules (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards):
// a precise host must equal the Host header; `*.foo.com` matches exactly one more DNS label (bar.foo.com, not
// baz.bar.foo.com, not foo.com). Gateway API wildcards differ (any number of labels): see analysis/gateway.

/** The Host header as routing sees it: lowercase, without port or trailing dot. */
export function requestHost(host: string): string {
  const lower = host.trim().toLowerCase()
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(lower)
  if (bracketed) return bracketed[1]!
  return lower.replace(/:\d+$/, '').replace(/\.$/, '')
}

export type HostMatch = 'exact' | 'wildcard' | 'any' | 'none'

/** How an Ingress rule's host matches a request host: exact, wildcard, any (rule without host) or none. */
export function ingressHostMatch(ruleHost: string | undefined, host: string): HostMatch {
  if (!ruleHost) return 'any'
  const rule = ruleHost.toLowerCase()
  const request = requestHost(host)
  if (!rule.startsWith('*.')) return rule === request ? 'exact' : 'none'
  const suffix = rule.slice(1)
  if (!request.endsWith(suffix)) return 'none'
  const label = request.slice(0, -suffix.length)
  return label !== '' && !label.includes('.') ? 'wildcard' : 'none'
}
