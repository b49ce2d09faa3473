import type {Check} from '../../engine/types.js'
import {dnsService} from './facts.js'
import {DNS_NAMESPACE, DNS_SERVICE, type DnsTarget} from './target.js'
import {unknownWithout} from '../unknown.js'

/** kube-dns exists, has a ClusterIP, and serves 53 over UDP and TCP. */
export const dnsServiceCheck: Check<DnsTarget> = {
  id: 'dns.service',
  title: 'DNS Service',
  layer: 'dns',
  requires: () => [{verb: 'get', resource: 'services', namespace: DNS_NAMESPACE}],
  async run({view}) {
    const unknown = unknownWithout(view, [{kind: 'Service', namespace: DNS_NAMESPACE}], 'whether the cluster DNS Service exists')
    if (unknown) return unknown
    const service = await dnsService(view)
    const ref = {kind: 'Service', namespace: DNS_NAMESPACE, name: service?.metadata?.name ?? DNS_SERVICE}
    if (!service) {
      return {
        status: 'fail',
        summary: `Service ${DNS_NAMESPACE}/${DNS_SERVICE} does not exist: pods' nameserver (the kubelet's clusterDNS) points at nothing`,
        objects: [ref],
        remediation: `recreate it (kubeadm: kubeadm init phase addon coredns), with clusterIP equal to the kubelet's clusterDNS, selector k8s-app=kube-dns and ports 53/UDP and 53/TCP`,
      }
    }
    const clusterIP = service.spec?.clusterIP
    const ports = service.spec?.ports ?? []
    const serves = (protocol: string) => ports.some((p) => p.port === 53 && (p.protocol ?? 'TCP') === protocol)
    const missing = ['UDP', 'TCP'].filter((protocol) => !serves(protocol))
    const details = {clusterIP, clusterIPs: service.spec?.clusterIPs, ports: ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`), selector: service.spec?.selector}
    if (!clusterIP || clusterIP === 'None') {
      return {status: 'fail', summary: `Service ${ref.namespace}/${ref.name} has no ClusterIP (${clusterIP ?? 'none'}): pods cannot reach cluster DNS at a stable address`, objects: [ref], details, remediation: `recreate ${ref.name} with spec.clusterIP set to the kubelet's clusterDNS address`}
    }
    if (missing.length > 0) {
      return {
        status: 'fail',
        summary: `Service ${ref.namespace}/${ref.name} does not serve 53/${missing.join(' or 53/')}: ${missing.includes('UDP') ? 'ordinary lookups' : 'large answers and TCP fallback'} fail`,
        objects: [ref],
        details,
        remediation: `kubectl -n ${DNS_NAMESPACE} patch service ${ref.name} --type=json -p '[${missing.map((p) => `{"op":"add","path":"/spec/ports/-","value":{"name":"dns${p === 'TCP' ? '-tcp' : ''}","port":53,"protocol":"${p}","targetPort":53}}`).join(',')}]'`,
      }
    }
    return {status: 'pass', summary: `Service ${ref.namespace}/${ref.name} has ClusterIP ${clusterIP} serving 53/UDP and 53/TCP`, objects: [ref], details}
  },
}
