import {checkResolvConf, type ExpectedResolvConf, parseResolvConf} from '../../analysis/dns/resolv-conf.js'
import {ipInCidr} from '../../analysis/cidr.js'
import type {Check, CheckResult, ProbeRunner} from '../../engine/types.js'
import {SOURCE_CHECK} from './lookup.js'
import {DNS_NAMESPACE, type DnsTarget} from './target.js'

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
    const nodeLocal = ctx.result('dns.nodelocal')?.details as {installed?: boolean; daemonSet?: string; localIP?: string; nodesWithoutCache?: string[]} | undefined
    let expected = podConfig.expected
    // With NodeLocal DNSCache in IPVS mode the kubelet hands pods the link-local address instead.
    if (nodeLocal?.installed && nodeLocal.localIP && actual.nameservers[0] === nodeLocal.localIP) expected = {...expected, nameservers: [nodeLocal.localIP]}
    const line = `nameserver ${actual.nameservers.join(', ') || 'none'}, search ${actual.search.join(' ') || 'none'}, ndots:${actual.ndots}`
    const orphaned = nodeLocal?.installed === false ? actual.nameservers.find(isLinkLocal) : undefined
    if (orphaned) return orphanedCacheAddress(ctx.target, runner, orphaned, exec.stdout, line)
    const node = runner.details.node as string | undefined
    if (nodeLocal?.localIP && actual.nameservers[0] === nodeLocal.localIP && node && nodeLocal.nodesWithoutCache?.includes(node)) {
      return cacheMissingOnNode(ctx.target, runner, node, {ip: nodeLocal.localIP, daemonSet: nodeLocal.daemonSet ?? 'node-local-dns'}, exec.stdout, line)
    }
    const findings = checkResolvConf(actual, expected, podConfig.clusterDomain)
    const worst = findings.find((f) => f.severity === 'fail') ?? findings.find((f) => f.severity === 'warn')
    const details = {resolvConf: exec.stdout.trim(), parsed: actual, findings}
    if (!worst) return {status: 'pass', summary: `${line}: as the pod spec expects`, details}
    return {status: worst.severity === 'fail' ? 'fail' : 'warn', summary: `${worst.message} (${line})`, details, remediation: worst.remediation}
  },
}

/** NodeLocal DNSCache listens on a link-local address (169.254.20.10 by default); nothing else serves DNS there. */
function isLinkLocal(ip: string): boolean {
  return ipInCidr(ip, '169.254.0.0/16')
}

/** The pod sends its queries to the cache's address on a node where no cache pod is ready: nothing answers there. */
function cacheMissingOnNode(target: DnsTarget, runner: ProbeRunner, node: string, cache: {ip: string; daemonSet: string}, resolvConf: string, line: string): CheckResult {
  const address = cache.ip
  const who = target.fromPod ? `pod ${target.namespace}/${target.fromPod}` : `${runner.description}`
  return {
    status: 'fail',
    summary: `${who} on ${node} sends DNS to ${address} (NodeLocal DNSCache), but no node-local-dns pod is ready on ${node}: nothing answers there (${line})`,
    objects: [{kind: 'Node', name: node}, {kind: 'DaemonSet', namespace: DNS_NAMESPACE, name: cache.daemonSet}],
    details: {resolvConf: resolvConf.trim(), nameserver: address, node, explains: ['dns.probe.internal', 'dns.probe.search', 'dns.probe.external', 'dns.probe.latency']},
    remediation: `kubectl -n ${DNS_NAMESPACE} get pods -l k8s-app=node-local-dns -o wide --field-selector spec.nodeName=${node}; kubectl -n ${DNS_NAMESPACE} describe ds ${cache.daemonSet}   # nodeSelector, affinity, tolerations`,
  }
}

/**
 * The pod sends its queries to a node-local cache address while no node-local-dns runs. A warning: something
 * else may answer there; when the lookups below then fail, diagnose makes this the root cause (explains).
 */
function orphanedCacheAddress(target: DnsTarget, runner: ProbeRunner, address: string, resolvConf: string, line: string): CheckResult {
  const node = runner.details.node as string | undefined
  const fromSpec = target.fromPod !== undefined
  // Without --from-pod the debug pod got the kubelet's clusterDNS: the node's kubelet config is what names it.
  const objects = fromSpec ? [{kind: 'Pod', namespace: target.namespace, name: target.fromPod!}] : node ? [{kind: 'Node', name: node}] : []
  const who = fromSpec ? `pod ${target.namespace}/${target.fromPod}` : `a new pod on ${node ?? 'its node'} (the kubelet's clusterDNS)`
  return {
    status: 'warn',
    summary: `${who} sends DNS to ${address}, a NodeLocal DNSCache address, but no node-local-dns DaemonSet runs in ${DNS_NAMESPACE}: no cache answers there (${line})`,
    objects,
    details: {resolvConf: resolvConf.trim(), nameserver: address, explains: ['dns.probe.internal', 'dns.probe.search', 'dns.probe.external', 'dns.probe.latency']},
    remediation: fromSpec
      ? `point spec.dnsConfig.nameservers of ${target.namespace}/${target.fromPod} at the kube-dns ClusterIP (kubectl -n ${DNS_NAMESPACE} get svc kube-dns), or install NodeLocal DNSCache`
      : `set clusterDNS in the kubelet config of ${node ?? 'the node'} to the kube-dns ClusterIP (kubectl -n ${DNS_NAMESPACE} get svc kube-dns), or install NodeLocal DNSCache`,
  }
}
