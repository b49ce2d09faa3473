import type {FindingSeverity} from './corefile-lint.js'

// Known CoreDNS log signatures. Patterns were taken from real logs quoted in coredns/coredns, kubernetes/kubeadm
// and kubernetes/kubernetes issues; the example kept for each match is the first real line that matched.

export interface LogSignatureMatch {
  code: string
  severity: FindingSeverity
  count: number
  /** The first matching line, trimmed. */
  example: string
  message: string
  remediation: string
  /** Distinct values seen (upstream servers, API addresses, resources...), for the report. */
  values: string[]
}

export interface CorednsLogAnalysis {
  linesScanned: number
  matches: LogSignatureMatch[]
}

export interface CorednsLogOptions {
  /** SERVFAIL answers (log plugin lines) at or above this count are a storm: warn. Default 20. */
  servfailStorm?: number
  /** `Still waiting on` lines above this are more than start-up noise: warn. Default 3. */
  readyWaitingWarnAbove?: number
}

interface Signature {
  code: string
  pattern: RegExp
  /** Index of the capture group whose distinct values are collected. */
  value?: (m: RegExpExecArray) => string | undefined
  severity: (count: number, options: Required<CorednsLogOptions>) => FindingSeverity | undefined
  message: (count: number, values: string[]) => string
  remediation: string
}

const API_DIAL = /Failed to (?:watch|list) \*v1(?:beta1)?\.(\w+):.*dial tcp ([^\s:]+:\d+|\[[^\]]+\]:\d+): (connect: connection refused|i\/o timeout|connect: no route to host|connect: network is unreachable)/

const SIGNATURES: Signature[] = [
  {
    // caddy's parser, as CoreDNS 1.11 prints it before exiting: "/etc/coredns/Corefile:22 - Syntax error:
    // Unexpected token 'loadbalance', expecting '}'" (captured on the e2e cluster), or "- Error during parsing: ...".
    code: 'corefile-parse-error',
    pattern: /(\S*Corefile):(\d+) - (?:Syntax error|Error during parsing): (.+?)\s*$/,
    value: (m) => `line ${m[2]}: ${m[3]}`,
    severity: () => 'fail',
    message: (n, v) => `CoreDNS cannot parse its Corefile (${v.join('; ')}) and exits at start (${n} time${n === 1 ? '' : 's'})`,
    remediation: 'Fix the Corefile at that line (kubectl -n kube-system edit configmap coredns); running pods keep the last good config until they restart, new ones crash',
  },
  {
    code: 'loop-detected',
    pattern: /plugin\/loop: (?:Loop \(([^)]*)\) detected for zone "([^"]*)"|Seen "HINFO IN [^"]*" more than twice, loop detected)/,
    value: (m) => (m[1] ? `${m[1]} zone ${m[2]}` : undefined),
    severity: () => 'fail',
    message: (n, v) => `CoreDNS detected a forwarding loop${v.length ? ` (${v.join('; ')})` : ''} and exited (${n} time${n === 1 ? '' : 's'}): its upstream sends queries back to itself, typically 127.0.0.53 from systemd-resolved`,
    remediation: 'Give CoreDNS real upstreams: kubelet resolvConf: /run/systemd/resolve/resolv.conf (then restart the kubelet and delete the coredns pods), or `forward . <upstream IPs>` in the Corefile. Do not just delete the loop plugin: CoreDNS would then spin until OOM-killed',
  },
  {
    code: 'api-unreachable',
    pattern: API_DIAL,
    value: (m) => `${m[2]} (${m[3].replace('connect: ', '')})`,
    severity: () => 'fail',
    message: (n, v) => `CoreDNS cannot reach the Kubernetes API at ${v.join(', ')} (${n} failed list/watch calls): it cannot learn Services and Endpoints, so cluster names fail or go stale`,
    remediation: 'Check that kube-apiserver is up and that the pod network can reach the kubernetes Service (kubectl get endpoints kubernetes; kube-proxy/CNI on the CoreDNS nodes)',
  },
  {
    code: 'rbac-forbidden',
    pattern: /is forbidden: User "([^"]+)" cannot (?:list|watch|get) resource "([^"]+)"(?: in API group "([^"]*)")?/,
    value: (m) => `${m[1]} ${m[2]}${m[3] ? `.${m[3]}` : ''}`,
    severity: () => 'fail',
    message: (n, v) => `CoreDNS is not allowed to read what it needs (${v.join('; ')}; ${n} lines): the kubernetes plugin never becomes ready`,
    remediation: 'Grant the system:coredns ClusterRole list/watch on endpoints, services, pods, namespaces and discovery.k8s.io endpointslices, bound to the coredns ServiceAccount (kubectl edit clusterrole system:coredns)',
  },
  {
    code: 'upstream-timeout',
    pattern: /(?:plugin\/errors: |\[ERROR\] )\d+ \S+ \w+: (?:unreachable backend: )?read (?:udp|tcp) \S+->(\S+): i\/o timeout/,
    value: (m) => m[1],
    severity: () => 'warn',
    message: (n, v) => `${n} queries to upstream ${v.join(', ')} timed out: external names fail or are slow`,
    remediation: 'Check that the upstream resolvers answer from the CoreDNS pods (kubectl -n kube-system exec into a debug pod on the same node: dig @<upstream> example.com) and that no firewall/NetworkPolicy drops UDP/TCP 53 egress',
  },
  {
    code: 'upstream-unreachable',
    pattern: /(?:plugin\/errors: |\[ERROR\] )\d+ \S+ \w+: dial (?:udp|tcp) (\S+): connect: (network is unreachable|no route to host|connection refused)/,
    value: (m) => `${m[1]} (${m[2]})`,
    severity: () => 'warn',
    message: (n, v) => `CoreDNS cannot connect to upstream ${v.join(', ')} (${n} lines)`,
    remediation: 'Remove upstreams the pods cannot route to (often an IPv6 nameserver in the node resolv.conf on an IPv4-only pod network) or fix the route',
  },
  {
    code: 'no-such-host',
    pattern: /lookup ([^\s:]+)(?: on [^:]+:\d+)?: no such host/,
    value: (m) => m[1],
    severity: () => 'warn',
    message: (n, v) => `CoreDNS could not resolve ${v.join(', ')} itself (${n} lines): a host name it depends on (API server, upstream, plugin URL) does not resolve`,
    remediation: 'Use IP addresses for names CoreDNS needs before it can resolve anything (KUBERNETES_SERVICE_HOST, forward targets), or fix the node resolv.conf',
  },
  {
    code: 'servfail',
    pattern: /"\w+ IN (\S+) (?:udp|tcp) \d+ \w+ \d+" SERVFAIL /,
    value: (m) => m[1],
    severity: (n, o) => (n >= o.servfailStorm ? 'warn' : 'info'),
    message: (n, v) => `${n} SERVFAIL answers (log plugin) for ${v.slice(0, 5).join(', ')}${v.length > 5 ? ` and ${v.length - 5} more names` : ''}`,
    remediation: 'SERVFAIL comes from the upstream or from a plugin error: look for plugin/errors lines for the same names and check the forward upstreams',
  },
  {
    code: 'ready-waiting',
    pattern: /plugin\/ready: Still waiting on: "([^"]+)"/,
    value: (m) => m[1],
    severity: (n, o) => (n > o.readyWaitingWarnAbove ? 'warn' : 'info'),
    message: (n, v) => `CoreDNS reported not ready ${n} times, waiting on ${v.map((x) => `"${x}"`).join(', ')}: the pod stays out of the kube-dns endpoints while it waits`,
    remediation: 'The kubernetes plugin cannot sync with the API: look for api-unreachable or rbac-forbidden lines in the same log',
  },
  {
    code: 'unsynced-api',
    pattern: /plugin\/kubernetes: starting server with unsynced Kubernetes API/,
    severity: () => 'info',
    message: (n) => `CoreDNS started before it had synced with the Kubernetes API (${n} times); harmless once, a problem if it never syncs`,
    remediation: 'If ready-waiting or api-unreachable lines follow, fix API connectivity',
  },
  {
    code: 'no-next-plugin',
    pattern: /plugin\/(\w+): no next plugin found/,
    value: (m) => m[1],
    severity: () => 'warn',
    message: (n, v) => `${n} queries fell through ${v.join(', ')} with no plugin after it: they get SERVFAIL`,
    remediation: 'Add a plugin after the one that falls through (usually `forward . /etc/resolv.conf`), or remove its `fallthrough`',
  },
]

export function analyzeCorednsLogs(logs: string | string[], options: CorednsLogOptions = {}): CorednsLogAnalysis {
  const opts: Required<CorednsLogOptions> = {servfailStorm: 20, readyWaitingWarnAbove: 3, ...options}
  const lines = (Array.isArray(logs) ? logs.join('\n') : logs).split('\n')
  const found = new Map<string, {count: number; example: string; values: Set<string>}>()
  let scanned = 0
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '') continue
    scanned++
    for (const sig of SIGNATURES) {
      const m = sig.pattern.exec(line)
      if (!m) continue
      const entry = found.get(sig.code) ?? {count: 0, example: line, values: new Set<string>()}
      entry.count++
      const v = sig.value?.(m)
      if (v) entry.values.add(v)
      found.set(sig.code, entry)
      break
    }
  }
  const matches: LogSignatureMatch[] = []
  for (const sig of SIGNATURES) {
    const entry = found.get(sig.code)
    if (!entry) continue
    const severity = sig.severity(entry.count, opts)
    if (!severity) continue
    const values = [...entry.values]
    matches.push({
      code: sig.code,
      severity,
      count: entry.count,
      example: entry.example,
      message: sig.message(entry.count, values),
      remediation: sig.remediation,
      values,
    })
  }
  return {linesScanned: scanned, matches}
}
