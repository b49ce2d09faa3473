// TLS of an Ingress (https://kubernetes.io/docs/concepts/services-networking/ingress/#tls): each tls[] entry
// names the hosts its secret's certificate is served for; hosts must match the rules' hosts. An entry without
// hosts defaults to the controller's wildcard setting, which the API does not show.
import type {Ingress} from '../../cluster/types.js'
import {ingressHostMatch} from './hostnames.js'

export type TlsCoverage =
  | {outcome: 'covered'; entry: number; secretName?: string; listed: string}
  | {outcome: 'controller-default'; entry: number; secretName?: string}
  | {outcome: 'not-covered'; listedHosts: string[]}

/** Which tls[] entry, if any, serves a certificate for the host. */
export function tlsCoverage(ingress: Ingress, host: string): TlsCoverage {
  const entries = ingress.spec?.tls ?? []
  for (const [i, entry] of entries.entries()) {
    const listed = (entry.hosts ?? []).find((h) => ingressHostMatch(h, host) === 'exact' || ingressHostMatch(h, host) === 'wildcard')
    if (listed) return {outcome: 'covered', entry: i, ...(entry.secretName ? {secretName: entry.secretName} : {}), listed}
  }
  const hostless = entries.findIndex((e) => (e.hosts ?? []).length === 0)
  if (hostless >= 0) return {outcome: 'controller-default', entry: hostless, ...(entries[hostless]!.secretName ? {secretName: entries[hostless]!.secretName} : {})}
  return {outcome: 'not-covered', listedHosts: entries.flatMap((e) => e.hosts ?? [])}
}

/** The distinct Secrets the tls[] entries name. */
export function tlsSecretNames(ingress: Ingress): string[] {
  return [...new Set((ingress.spec?.tls ?? []).map((e) => e.secretName).filter((n): n is string => Boolean(n)))]
}
