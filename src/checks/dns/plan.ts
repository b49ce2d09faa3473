import type {Check} from '../../engine/types.js'
import {probeSourceCheck} from '../probe-source.js'
import {corefileCheck} from './corefile.js'
import {dnsEndpointsCheck} from './endpoints.js'
import {corednsLogsCheck} from './logs.js'
import {nodeLocalDnsCheck} from './nodelocal.js'
import {podDnsConfigCheck} from './pod-config.js'
import {dnsPodsCheck} from './pods.js'
import {dnsPolicyCheck} from './policy.js'
import {policyEnforcementCheck} from './policy-enforcement.js'
import {probeExternalLookupCheck} from './probe-external.js'
import {probeInternalLookupCheck} from './probe-internal.js'
import {probeLatencyCheck} from './probe-latency.js'
import {probeReplicasCheck} from './probe-replicas.js'
import {probeResolvConfCheck} from './probe-resolv-conf.js'
import {probeSearchLookupCheck} from './probe-search.js'
import {dnsServiceCheck} from './service.js'
import type {DnsTarget} from './target.js'

/** The DNS runbook in order: the server, its Service, its config, what blocks it, then what a pod really sees. */
export function dnsPlan(): Check<DnsTarget>[] {
  return [
    dnsPodsCheck,
    dnsServiceCheck,
    dnsEndpointsCheck,
    corefileCheck,
    corednsLogsCheck,
    nodeLocalDnsCheck,
    dnsPolicyCheck,
    policyEnforcementCheck,
    podDnsConfigCheck,
    probeSourceCheck<DnsTarget>('dns.probe.source', 'dns'),
    probeResolvConfCheck,
    probeInternalLookupCheck,
    probeSearchLookupCheck,
    probeReplicasCheck,
    probeExternalLookupCheck,
    probeLatencyCheck,
  ]
}
