// What mode the cluster under test runs in (test/cluster/README.md, Modes), read from the cluster itself so
// each suite runs only where its mode is, and host-side helpers for the faults only a mode has.
import {spawnSync} from 'node:child_process'

import {kubectl, KUBECONFIG} from '../helpers.js'

export const STATE = process.env.NETDIAG_CLUSTER_DIR ?? '/var/tmp/netdiag-cluster'
export const NODE1 = 'netdiag-node1'
export const NODE2 = 'netdiag-node2'
/** NodeLocal DNSCache's address in the test cluster (test/cluster/lib.sh NODELOCAL_IP). */
export const NODELOCAL_IP = '169.254.25.10'

function exists(args: string[]): boolean {
  return KUBECONFIG !== '' && kubectl(['get', ...args, '-o', 'name']).status === 0
}

function proxyMode(): string {
  if (!KUBECONFIG) return ''
  const conf = kubectl(['-n', 'kube-system', 'get', 'configmap', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}']).stdout
  return /^mode:\s*(\S*)/m.exec(conf)?.[1] || 'iptables'
}

/** Dual-stack (NETDIAG_IP_FAMILY=dual): node 1 has a pod range of each family. */
function dualStack(): boolean {
  if (!KUBECONFIG) return false
  const cidrs = kubectl(['get', 'node', NODE1, '-o', 'jsonpath={.spec.podCIDRs}']).stdout
  return cidrs.includes('.') && cidrs.includes(':')
}

export const mode = {
  flannel: exists(['-n', 'kube-flannel', 'daemonset', 'kube-flannel-ds']),
  enforcer: exists(['-n', 'kube-system', 'daemonset', 'kube-network-policies']),
  nodeLocal: exists(['-n', 'kube-system', 'daemonset', 'node-local-dns']),
  proxy: proxyMode(),
  dual: dualStack(),
}

/** A skip reason unless the cluster is in this mode (node:test's `skip`). */
export function unlessMode(wanted: boolean, what: string): string | false {
  if (!KUBECONFIG) return 'NETDIAG_E2E_KUBECONFIG is not set (run npm run test:e2e:matrix)'
  return wanted ? false : `the cluster is not in ${what} mode`
}

/** A command in node 2's network namespace (nft, ip): the host side of a fault only one node has. */
export function onNode2(args: string[]): {status: number; stdout: string; stderr: string} {
  const r = spawnSync('nsenter', ['--net=/run/netns/netdiag-node2', ...args], {encoding: 'utf8'})
  return {status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}
