// The NetworkPolicy that would let one pod talk to another, as YAML a person can apply.
import type {Pod} from '../../cluster/types.js'
import type {Labels} from '../labels.js'
import type {ProbePort} from './pod-ref.js'

/** Labels a controller stamps per pod or per revision: selecting on them would match one pod, or break on rollout. */
const UNSTABLE_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'pod-template-generation', 'apps.kubernetes.io/pod-index'])

/** The pod's labels a policy can select on durably (controller hashes dropped). */
export function stableLabels(pod: Pod): Labels {
  return Object.fromEntries(Object.entries(pod.metadata?.labels ?? {}).filter(([k]) => !UNSTABLE_LABELS.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)))
}

function matchLabels(labels: Labels, indent: string): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ' {}'
  return `\n${indent}matchLabels:\n${entries.map(([k, v]) => `${indent}  ${k}: ${JSON.stringify(v)}`).join('\n')}`
}

function portsYaml(ports: readonly ProbePort[], indent: string): string {
  if (ports.length === 0) return ''
  return `\n${indent}ports:\n${ports.map((p) => `${indent}- {protocol: ${p.protocol}, port: ${p.port}}`).join('\n')}`
}

/**
 * A policy in the blocking side's namespace: for egress it selects the source and allows the destination, for
 * ingress the reverse. The peer carries a namespaceSelector on kubernetes.io/metadata.name so it also works
 * across namespaces. ICMP-only (no ports) allows all protocols, since NetworkPolicy cannot name ICMP.
 */
export function allowPolicyYaml(direction: 'egress' | 'ingress', source: Pod, destination: Pod, ports: readonly ProbePort[]): string {
  const subject = direction === 'egress' ? source : destination
  const peer = direction === 'egress' ? destination : source
  const ns = subject.metadata?.namespace ?? 'default'
  const peerNs = peer.metadata?.namespace ?? 'default'
  const peerName = peer.metadata?.name ?? 'peer'
  const base = (subject.metadata?.labels?.app ?? subject.metadata?.name ?? 'pod').replace(/[^a-z0-9-]/g, '-').slice(0, 30)
  const name = `allow-${base}-${direction === 'egress' ? 'to' : 'from'}-${(peer.metadata?.labels?.app ?? peerName).replace(/[^a-z0-9-]/g, '-').slice(0, 30)}`
  const key = direction === 'egress' ? 'to' : 'from'
  return `kubectl apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:${matchLabels(stableLabels(subject), '    ')}
  policyTypes: [${direction === 'egress' ? 'Egress' : 'Ingress'}]
  ${direction}:
  - ${key}:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ${peerNs}
      podSelector:${matchLabels(stableLabels(peer), '        ')}${portsYaml(ports, '    ')}
EOF`
}
