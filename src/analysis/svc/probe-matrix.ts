// Reading the connect matrix of one Service port: the ClusterIP, and every ready endpoint directly.
//   endpoints answer, ClusterIP does not  -> the Service dataplane (kube-proxy rules) on the client's node
//   endpoints refuse                      -> nothing listens on the targetPort in those pods
//   endpoints time out                    -> a NetworkPolicy, or the pod network between the nodes
import type {NcOutcome} from '../../probes/net.js'

export interface ConnectAttempt {
  host: string
  port: number
  outcome: NcOutcome
  /** For endpoints: the pod and node behind the address. */
  pod?: string
  node?: string
  /** nc's message, for evidence. */
  message?: string
}

export interface PortMatrix {
  /** "shop/backend port http (80/TCP)". */
  label: string
  protocol: string
  /** The ClusterIP attempt; absent for headless Services. */
  clusterIp?: ConnectAttempt
  endpoints: ConnectAttempt[]
  /** Ready endpoints that were not probed (the probe caps how many it tries). */
  skippedEndpoints?: number
  /** The client's node, when known: a dataplane problem is on that node. */
  clientNode?: string
  /** A NetworkPolicy verdict from svc.policy says this traffic is blocked. */
  policyBlocks?: boolean
}

export type MatrixVerdict =
  | 'ok'
  | 'udp-unconfirmed'
  | 'dataplane'
  | 'no-endpoints'
  | 'nothing-listening'
  | 'endpoint-timeout'
  | 'cross-node'
  | 'inconclusive'

export interface MatrixInterpretation {
  verdict: MatrixVerdict
  status: 'pass' | 'warn' | 'fail'
  summary: string
  remediation?: string
  /** The attempts the verdict rests on. */
  evidence: ConnectAttempt[]
}

type Kind = 'ok' | 'refused' | 'silent' | 'other'

function kind(outcome: NcOutcome): Kind {
  switch (outcome) {
    case 'connected':
    case 'udp-no-rejection':
      return 'ok'
    case 'refused':
      return 'refused'
    case 'timeout':
    case 'unreachable':
      return 'silent'
    default:
      return 'other'
  }
}

function where(a: ConnectAttempt): string {
  return `${a.pod ? `pod ${a.pod} ` : ''}${a.host}:${a.port}${a.node ? ` on ${a.node}` : ''}`
}

function list(attempts: ConnectAttempt[], max = 3): string {
  const shown = attempts.slice(0, max).map(where)
  return attempts.length > max ? `${shown.join(', ')} and ${attempts.length - max} more` : shown.join(', ')
}

function outcomeWord(a: ConnectAttempt): string {
  return a.outcome === 'refused' ? 'is refused' : a.outcome === 'timeout' ? 'times out' : a.outcome === 'unreachable' ? 'is unreachable' : `gives ${a.outcome}`
}

/** One verdict for one Service port, the most fundamental problem first. */
export function interpretPortMatrix(m: PortMatrix): MatrixInterpretation {
  const byKind = (k: Kind) => m.endpoints.filter((e) => kind(e.outcome) === k)
  const ok = byKind('ok')
  const refused = byKind('refused')
  const silent = byKind('silent')
  const other = byKind('other')
  const cip = m.clusterIp
  const cipKind = cip ? kind(cip.outcome) : undefined
  const udp = m.protocol === 'UDP'

  if (m.endpoints.length === 0) {
    if (!cip) return {verdict: 'no-endpoints', status: 'fail', summary: `${m.label}: no ready endpoint to probe`, evidence: []}
    return {
      verdict: 'no-endpoints',
      status: 'fail',
      summary: `${m.label}: no ready endpoint; ClusterIP ${cip.host}:${cip.port} ${outcomeWord(cip)}${cip.outcome === 'refused' ? ' (kube-proxy rejects connections to a Service without endpoints)' : ''}`,
      remediation: 'make the backends ready first (see svc.endpoints)',
      evidence: [cip],
    }
  }
  if (refused.length > 0) {
    const all = refused.length === m.endpoints.length
    return {
      verdict: 'nothing-listening',
      status: 'fail',
      summary: `${m.label}: nothing listens on the targetPort in ${all ? 'any backend' : `${refused.length} of ${m.endpoints.length} backends`}: ${list(refused)} refused the connection${all ? '' : ', so the Service fails intermittently'}`,
      remediation: `check what the container listens on: kubectl exec -n <ns> ${refused[0]!.pod ?? '<pod>'} -- ss -ltnup (or netstat -ltn); the app may bind 127.0.0.1 or another port: make it listen on 0.0.0.0:${refused[0]!.port} or change the Service's targetPort`,
      evidence: refused,
    }
  }
  if (silent.length > 0) {
    const okNodes = new Set(ok.map((e) => e.node).filter(Boolean))
    const silentNodes = [...new Set(silent.map((e) => e.node).filter((n): n is string => Boolean(n)))]
    const crossNode = !m.policyBlocks && ok.length > 0 && silentNodes.length > 0 && silentNodes.every((n) => !okNodes.has(n))
    if (crossNode) {
      return {
        verdict: 'cross-node',
        status: 'fail',
        summary: `${m.label}: backends on ${silentNodes.join(', ')} time out while those on ${[...okNodes].join(', ')} answer: the pod network between ${m.clientNode ?? "the client's node"} and ${silentNodes.join(', ')} drops traffic`,
        remediation: `run: kubectl netdiag path <client-pod> ${silent[0]!.pod ?? '<backend-pod>'} --port ${silent[0]!.port}   # overlay (VXLAN/IPIP) ports between nodes, routes, MTU`,
        evidence: silent,
      }
    }
    return {
      verdict: 'endpoint-timeout',
      status: 'fail',
      summary: `${m.label}: ${silent.length === m.endpoints.length ? 'every backend' : `${silent.length} of ${m.endpoints.length} backends`} ${silent.length === 1 ? 'times' : 'time'} out (${list(silent)}): ${m.policyBlocks ? 'a NetworkPolicy drops it (see svc.policy)' : `a NetworkPolicy, or the pod network, drops the traffic${silentNodes.length ? ` between ${m.clientNode ?? "the client's node"} and ${silentNodes.join(', ')}, where it is dropped on or next to ${silentNodes.length === 1 ? 'that node' : 'those nodes'} (a node firewall rule there shows in kubectl netdiag node ${silentNodes[0]})` : ''}`}`,
      remediation: m.policyBlocks
        ? 'fix the NetworkPolicy named by svc.policy'
        : `${silentNodes.length ? `kubectl netdiag node ${silentNodes[0]}   # firewall rules outside kube-proxy's and the CNI's; then ` : ''}kubectl netdiag path <client-pod> ${silent[0]!.pod ?? '<backend-pod>'} --port ${silent[0]!.port}`,
      evidence: silent,
    }
  }
  if (other.length > 0) {
    return {verdict: 'inconclusive', status: 'warn', summary: `${m.label}: the probe could not tell for ${list(other)} (${other[0]!.outcome}${other[0]!.message ? `: ${other[0]!.message}` : ''})`, evidence: other}
  }
  // Every endpoint answers directly.
  if (cip && cipKind !== 'ok') {
    return {
      verdict: 'dataplane',
      status: 'fail',
      summary: `${m.label}: every backend answers directly but ClusterIP ${cip.host}:${cip.port} ${outcomeWord(cip)}: the Service dataplane (kube-proxy rules${m.clientNode ? ` on ${m.clientNode}` : " on the client's node"}) is broken`,
      remediation: `check kube-proxy on ${m.clientNode ?? "the client's node"}: kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50; then kubectl netdiag node ${m.clientNode ?? '<node>'}`,
      evidence: [cip],
    }
  }
  if (udp) {
    return {
      verdict: 'udp-unconfirmed',
      status: 'pass',
      summary: `${m.label}: no ICMP port-unreachable from ${cip ? 'the ClusterIP or ' : ''}${m.endpoints.length} backend(s) (UDP cannot prove a listener)`,
      evidence: [...(cip ? [cip] : []), ...ok],
    }
  }
  return {
    verdict: 'ok',
    status: 'pass',
    summary: `${m.label}: ${cip ? `ClusterIP ${cip.host}:${cip.port} and ` : ''}${m.endpoints.length} backend(s) accept connections${m.skippedEndpoints ? ` (${m.skippedEndpoints} more not probed)` : ''}`,
    evidence: [...(cip ? [cip] : []), ...ok],
  }
}
