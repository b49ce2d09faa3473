// NetworkPolicies of the generated team namespaces, in the patterns real clusters use.
import {networkPolicy} from '../test/helpers/svc-fixtures.js'

type Json = Record<string, any>

const DNS_PEER = {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}, podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}}
const DNS_PORTS = [
  {port: 53, protocol: 'UDP'},
  {port: 53, protocol: 'TCP'},
]

/**
 * The policies platform teams deploy per namespace, most common first; `count` of them, the ones beyond the
 * patterns app-to-app between the Deployments `appName` names.
 */
export function teamPolicies(ns: string, count: number, appName: (index: number) => string): Json[] {
  const patterns: Array<[string, Json]> = [
    ['default-deny-all', {podSelector: {}, policyTypes: ['Ingress', 'Egress']}],
    ['allow-dns-egress', {podSelector: {}, policyTypes: ['Egress'], egress: [{to: [DNS_PEER], ports: DNS_PORTS}]}],
    ['allow-same-namespace', {podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}],
    [
      'allow-from-ingress-controller',
      {podSelector: {matchLabels: {tier: 'frontend'}}, policyTypes: ['Ingress'], ingress: [{from: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'ingress-nginx'}}, podSelector: {matchLabels: {'app.kubernetes.io/name': 'ingress-nginx'}}}], ports: [{port: 8080, protocol: 'TCP'}]}]},
    ],
    ['allow-from-frontend', {podSelector: {matchLabels: {tier: 'backend'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {tier: 'frontend'}}}], ports: [{port: 'http', protocol: 'TCP'}]}]}],
    ['allow-monitoring-scrape', {podSelector: {}, policyTypes: ['Ingress'], ingress: [{from: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'monitoring'}}, podSelector: {matchLabels: {'app.kubernetes.io/name': 'prometheus'}}}], ports: [{port: 8080, protocol: 'TCP'}]}]}],
    [
      'allow-egress-internet-https',
      {podSelector: {matchLabels: {tier: 'backend'}}, policyTypes: ['Egress'], egress: [{to: [{ipBlock: {cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.169.254/32']}}], ports: [{port: 443, protocol: 'TCP'}]}]},
    ],
    ['allow-db-from-backend', {podSelector: {matchLabels: {tier: 'db'}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {tier: 'backend'}}}], ports: [{port: 8080, protocol: 'TCP'}]}]}],
    [
      'allow-from-team-namespaces',
      {podSelector: {matchLabels: {tier: 'backend'}}, policyTypes: ['Ingress'], ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: 'environment', operator: 'In', values: ['production']}, {key: 'team', operator: 'Exists'}]}, podSelector: {matchLabels: {tier: 'frontend'}}}], ports: [{port: 8080, endPort: 8090, protocol: 'TCP'}]}]},
    ],
  ]
  const policies = patterns.slice(0, count).map(([name, spec]) => networkPolicy(name, spec, ns) as Json)
  for (let i = policies.length; i < count; i++) {
    const to = appName(i)
    const from = appName(i + 1)
    policies.push(networkPolicy(`allow-${to}-from-${from}`, {podSelector: {matchLabels: {app: to}}, policyTypes: ['Ingress'], ingress: [{from: [{podSelector: {matchLabels: {app: from}}}], ports: [{port: 8080, protocol: 'TCP'}]}]}, ns) as Json)
  }
  return policies
}
