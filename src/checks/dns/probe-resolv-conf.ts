import {checkResolvConf, type ExpectedResolvConf, parseResolvConf} from '../../analysis/dns/resolv-conf.js'
import type {Check} from '../../engine/types.js'
import {SOURCE_CHECK} from './lookup.js'
import type {DnsTarget} from './target.js'

/** /etc/resolv.conf as the pod really sees it, against what its spec should give. */
export const probeResolvConfCheck: Check<DnsTarget> = {
  id: 'dns.probe.resolv-conf',
  title: 'resolv.conf in the pod',
  layer: 'dns',
  needsProbe: true,
  dependsOn: [SOURCE_CHECK, 'dns.pod-config'],
  async run(ctx) {
    const runner = await ctx.probes!.source()
    const exec = await runner.exec(['cat', '/etc/resolv.conf'])
    if (exec.exitCode !== 0) return {status: 'error', summary: `cannot read /etc/resolv.conf in ${runner.description}: ${exec.stderr.trim() || `exit ${exec.exitCode}`}`}
    const actual = parseResolvConf(exec.stdout)
    const podConfig = ctx.result('dns.pod-config')?.details as {expected: ExpectedResolvConf; clusterDomain: string}
    const nodeLocal = ctx.result('dns.nodelocal')?.details as {installed?: boolean; localIP?: string} | undefined
    let expected = podConfig.expected
    // With NodeLocal DNSCache in IPVS mode the kubelet hands pods the link-local address instead.
    if (nodeLocal?.installed && nodeLocal.localIP && actual.nameservers[0] === nodeLocal.localIP) expected = {...expected, nameservers: [nodeLocal.localIP]}
    const findings = checkResolvConf(actual, expected, podConfig.clusterDomain)
    const worst = findings.find((f) => f.severity === 'fail') ?? findings.find((f) => f.severity === 'warn')
    const details = {resolvConf: exec.stdout.trim(), parsed: actual, findings}
    const line = `nameserver ${actual.nameservers.join(', ') || 'none'}, search ${actual.search.join(' ') || 'none'}, ndots:${actual.ndots}`
    if (!worst) return {status: 'pass', summary: `${line}: as the pod spec expects`, details}
    return {status: worst.severity === 'fail' ? 'fail' : 'warn', summary: `${worst.message} (${line})`, details, remediation: worst.remediation}
  },
}
