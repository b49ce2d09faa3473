// Rules in a node's iptables filter and nat tables that neither kube-proxy nor a CNI wrote: a node firewall
// (a FORWARD DROP for one port, a stray DNAT) that silently breaks pod traffic while every policy allows it.
import type {Finding} from './finding.js'

export interface IptablesRule {
  table: string
  chain: string
  target?: string
  /** The rule as iptables-save prints it (`-A FORWARD -p tcp --dport 8080 -j DROP`). */
  text: string
}

export interface IptablesDump {
  rules: IptablesRule[]
  /** Built-in chain policies per table: `filter/FORWARD` -> `DROP`. */
  policies: Record<string, string>
}

/** iptables-save text (one or more tables) into rules and chain policies. */
export function parseIptablesSave(text: string): IptablesDump {
  const dump: IptablesDump = {rules: [], policies: {}}
  let table = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('*')) table = line.slice(1)
    else if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/)
      if (chain && policy && policy !== '-') dump.policies[`${table}/${chain}`] = policy
    } else if (line.startsWith('-A ')) {
      const chain = line.split(/\s+/)[1]!
      const target = / -j (\S+)/.exec(line)?.[1]
      dump.rules.push({table, chain, ...(target ? {target} : {}), text: line})
    }
  }
  return dump
}

/**
 * Chains the Kubernetes dataplane writes: kube-proxy and the kubelet (KUBE-), CNI plugins (CNI-: bridge,
 * portmap), Flannel, Calico (cali-), Cilium, Weave, Antrea, kube-router (KUBE-ROUTER-), and Docker's, which
 * shares nodes with Kubernetes on many installs. Prefixes as those projects name their chains.
 */
const DATAPLANE_CHAIN = /^(KUBE-|CNI-|FLANNEL-|cali-|CILIUM_|CILIUM-|WEAVE|ANTREA-|DOCKER)/

/** Targets that stop or redirect traffic: the ones that break a flow. ACCEPT, LOG and jumps are not. */
const DISRUPTIVE = new Set(['DROP', 'REJECT', 'DNAT', 'REDIRECT'])

/** Rules that drop, reject or redirect in chains no dataplane component owns. */
export function foreignRules(dump: IptablesDump): IptablesRule[] {
  return dump.rules.filter((r) => (r.table === 'filter' || r.table === 'nat') && r.target !== undefined && DISRUPTIVE.has(r.target) && !DATAPLANE_CHAIN.test(r.chain))
}

export function judgeFirewall(dump: IptablesDump | undefined): Finding[] {
  if (!dump) return [{status: 'warn', code: 'firewall.unread', message: 'the filter and nat tables could not be read (no iptables-save in the probe image)'}]
  const foreign = foreignRules(dump)
  const findings: Finding[] = []
  if (foreign.length > 0) {
    findings.push({
      status: 'warn',
      code: 'firewall.foreign-rules',
      message: `${foreign.length} rule(s) that neither kube-proxy nor the CNI wrote drop, reject or redirect traffic: ${foreign
        .slice(0, 3)
        .map((r) => `${r.table}: ${r.text}`)
        .join('; ')}${foreign.length > 3 ? ` (+${foreign.length - 3} more)` : ''}`,
      remediation: 'check these rules against the traffic that fails (iptables-save -t filter; iptables-save -t nat on the node); a host firewall (firewalld, ufw, a hardening script) often writes them',
      details: {rules: foreign},
    })
  }
  const forward = dump.policies['filter/FORWARD']
  if (forward === 'DROP' && !dump.rules.some((r) => r.table === 'filter' && r.chain === 'FORWARD' && r.target !== undefined && DATAPLANE_CHAIN.test(r.target))) {
    findings.push({status: 'warn', code: 'firewall.forward-drop', message: 'the FORWARD chain policy is DROP and no kube-proxy or CNI rule in it accepts pod traffic: traffic between pods on different nodes is dropped'})
  }
  if (findings.length === 0) findings.push({status: 'pass', code: 'firewall.clean', message: `no rule outside kube-proxy's and the CNI's chains drops or redirects traffic (${dump.rules.length} rules read)`})
  return findings
}
