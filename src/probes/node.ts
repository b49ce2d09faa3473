// The node debug pod's probe: one shell script (POSIX sh, works under busybox) that prints every fact in
// delimited sections, and the parser that turns its output back into structured facts.

import type {CniFile} from '../analysis/node/cni-conflist.js'
import {parseIpLinkJson, type IpLink} from './net.js'

/**
 * Sections are framed by lines `@@netdiag <nonce> BEGIN <section> <name>` and `@@netdiag <nonce> END <section> rc=<n>`.
 * The nonce, fresh per run, keeps file contents (which may hold anything, including our marker) from faking a
 * frame; a newline printed before each marker keeps it at the start of a line when a file lacks a final newline,
 * and is exactly the separator the parser's line split consumes.
 */
export const MARKER = '@@netdiag'

export const CNI_BIN_DIRS = ['/opt/cni/bin', '/usr/lib/cni', '/usr/libexec/cni']
export const DEFAULT_CNI_CONF_DIR = '/etc/cni/net.d'
export const HOST_LOCAL_DATA_DIR = '/var/lib/cni/networks'

export const SYSCTLS = {
  ipForward: 'net/ipv4/ip_forward',
  bridgeNfCallIptables: 'net/bridge/bridge-nf-call-iptables',
  conntrackCount: 'net/netfilter/nf_conntrack_count',
  conntrackMax: 'net/netfilter/nf_conntrack_max',
} as const

export const KUBE_PROXY_METRICS_URL = 'http://127.0.0.1:10249/proxyMode'
export const KUBE_PROXY_HEALTHZ_URL = 'http://127.0.0.1:10256/healthz'

const TOOLS = ['ip', 'curl', 'wget', 'iptables-save', 'iptables-legacy-save', 'iptables-nft-save', 'nft', 'ipvsadm']

/** Shell-quotes one word. */
function q(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** The most bytes one section prints by default (a CNI file, a rule listing): a longer one is cut there. */
export const NODE_PROBE_MAX_BYTES = 262144

export interface NodeScriptOptions {
  /** Unguessable per run ([A-Za-z0-9]{8,}). */
  nonce: string
  /** Where the host's root is mounted in the debug pod. */
  hostRoot?: string
  /** Where /proc is for the node's network namespace: the pod runs with hostNetwork, so its own /proc. */
  procRoot?: string
  /** Largest CNI file read, in bytes. */
  maxFileBytes?: number
}

/** The script, for `sh -c`. Every command is read-only. */
export function nodeProbeScript(options: NodeScriptOptions): string {
  if (!/^[A-Za-z0-9]{8,}$/.test(options.nonce)) throw new Error('nodeProbeScript: nonce must be 8+ letters or digits')
  const host = options.hostRoot ?? '/host'
  const proc = options.procRoot ?? '/proc'
  const max = options.maxFileBytes ?? NODE_PROBE_MAX_BYTES
  const lines = [
    `M=${q(`${MARKER} ${options.nonce}`)}`,
    `b() { printf '\\n%s BEGIN %s %s\\n' "$M" "$1" "$2"; }`,
    `e() { printf '\\n%s END %s rc=%s\\n' "$M" "$1" "$2"; }`,
    `have() { command -v "$1" >/dev/null 2>&1; }`,
    `get() { if have curl; then curl -sS -m 3 -w '\\n%{http_code}' "$1"; else wget -q -T 3 -O - "$1"; fi; }`,
    `b tools; for t in ${TOOLS.join(' ')}; do have "$t" && echo "$t"; done; e tools 0`,
    `H=${q(host)}`,
    ...runtimeCniDirsScript(proc),
    `b cni-dir "$cnid"; [ -d "$H$cnid" ]; e cni-dir $?`,
    `for f in "$H$cnid"/*; do [ -f "$f" ] || continue; b cni-file "\${f##*/}"; head -c ${max} "$f"; e cni-file $?; done`,
    `for d in $bind ${CNI_BIN_DIRS.join(' ')}; do d=\${d%/}; case " $seen " in *" $d "*) continue;; esac; seen="$seen $d"; b cni-bin "$d"; ls -1 "$H$d" 2>&1; e cni-bin $?; done`,
    `for k in ${Object.values(SYSCTLS).join(' ')}; do b sysctl "$k"; cat "${proc}/sys/$k" 2>&1; e sysctl $?; done`,
    `for f in ${proc}/sys/net/ipv4/conf/*/rp_filter; do i="\${f%/rp_filter}"; b rp-filter "\${i##*/}"; cat "$f" 2>&1; e rp-filter $?; done`,
    `b ip-link; ip -j -d link show 2>&1; e ip-link $?`,
    `b proxy-mode; get ${KUBE_PROXY_METRICS_URL} 2>&1; e proxy-mode $?`,
    `b proxy-healthz; get ${KUBE_PROXY_HEALTHZ_URL} 2>&1; e proxy-healthz $?`,
    `for t in iptables-legacy-save iptables-nft-save iptables-save; do have "$t" || continue; b iptables "$t"; "$t" 2>/dev/null | grep -c KUBE-SERVICES; e iptables $?; done`,
    // Filter and nat rules, without the per-Service and per-endpoint chains (thousands of lines, all kube-proxy's).
    `for t in iptables-legacy-save iptables-nft-save iptables-save; do have "$t" || continue; b iptables-rules "$t"; { "$t" -t filter; "$t" -t nat; } 2>/dev/null | grep -E '^([*:]|-A )' | grep -v -E '^-A KUBE-(SEP|SVC|SVL|EXT|FW)-' | head -c ${max}; e iptables-rules $?; done`,
    `if have nft; then b nft; nft list tables 2>&1; e nft $?; fi`,
    `if have ipvsadm; then b ipvs; ipvsadm -Ln 2>&1; e ipvs $?; fi`,
    // kube-proxy's per-Service entries, in the rules of each mode (see analysis/node/service-rules)
    `if have nft; then for f in ip ip6; do for m in service-ips no-endpoint-services; do b nft-map "$f $m"; o=$(nft list map $f kube-proxy $m 2>&1); r=$?; printf '%s' "$o" | head -c ${max}; e nft-map $r; done; done; fi`,
    `for t in iptables-legacy-save iptables-nft-save iptables-save; do have "$t" || continue; b iptables-services "$t"; { "$t" -t nat; "$t" -t filter; } 2>/dev/null | grep -E '^-A KUBE-SERVICES ' | head -c ${max}; e iptables-services 0; done`,
    // kube-proxy's IPv6 side (dual-stack and IPv6 clusters): the same from ip6tables
    `for t in ip6tables-legacy-save ip6tables-nft-save ip6tables-save; do have "$t" || continue; b ip6tables-services "$t"; { "$t" -t nat; "$t" -t filter; } 2>/dev/null | grep -E '^-A KUBE-SERVICES ' | head -c ${max}; e ip6tables-services 0; done`,
    // host-local keeps allocations in <dataDir>/<network>/<ip>; dataDir is set in the CNI config or defaults.
    `ipd=$(cat "$H$cnid"/* 2>/dev/null | grep -o '"dataDir"[[:space:]]*:[[:space:]]*"[^"]*"' | cut -d'"' -f4 | tr '\\n' ' ')`,
    `for r in $ipd ${HOST_LOCAL_DATA_DIR}; do for d in "$H$r"/*/; do [ -d "$d" ] || continue; n="\${d%/}"; b ipam-allocations "\${n##*/}"; ls -1 "$d"; e ipam-allocations $?; done; done`,
    `exit 0`,
  ]
  return lines.join('\n')
}

/**
 * The CNI dirs the node's container runtime really uses (k3s, RKE2 and test rigs move them): the containerd or
 * CRI-O process in our network namespace (the node pod is hostNetwork and hostPID, so that is this node's
 * runtime even when several nodes share a kernel), its --config file, and conf_dir / bin_dir(s) in it.
 * Sets $cnid (default /etc/cni/net.d) and $bind; prints a `runtime` section naming the process and file.
 */
/** The quoted strings of TOML lines, one per line, without their quotes. */
const TOML_STRINGS = `grep -o "[\\"'][^\\"']*[\\"']" | tr -d "\\"'"`

function runtimeCniDirsScript(proc: string): string[] {
  const key = (names: string) => `grep -E '^[[:space:]]*(${names})[[:space:]]*=' "$rt/root$cfg" 2>/dev/null`
  return [
    `cnid=''; bind=''; seen=''; rt=''; rn=''; cfg=''; self=$(readlink ${proc}/self/ns/net 2>/dev/null)`,
    `for p in ${proc}/[0-9]*; do { read -r c < "$p/comm"; } 2>/dev/null || continue; case "$c" in containerd|crio) ;; *) continue;; esac; [ -n "$self" ] && [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$self" ] && { rt=$p; rn=$c; break; }; done`,
    `if [ -n "$rt" ]; then prev=''; for a in $(tr '\\0' ' ' < "$rt/cmdline"); do case "$prev" in --config|-c) cfg=$a;; esac; case "$a" in --config=*) cfg=\${a#--config=};; esac; prev=$a; done; [ -n "$cfg" ] || { [ "$rn" = crio ] && cfg=/etc/crio/crio.conf || cfg=/etc/containerd/config.toml; }`,
    // TOML strings are "double" or 'single' quoted (containerd 2.x writes single quotes); arrays on one line.
    `  cnid=$(${key('conf_dir|network_dir')} | head -n 1 | ${TOML_STRINGS} | head -n 1); bind=$(${key('bin_dir|bin_dirs|plugin_dir|plugin_dirs')} | ${TOML_STRINGS} | tr '\\n' ' ')`,
    `  b runtime "$rn $cfg"; printf 'conf_dir=%s\\nbin_dirs=%s\\n' "$cnid" "$bind"; e runtime 0; fi`,
    `cnid=\${cnid:-/etc/cni/net.d}; cnid=\${cnid%/}`,
  ]
}

export function nodeProbeCommand(options: NodeScriptOptions): string[] {
  return ['sh', '-c', nodeProbeScript(options)]
}

export interface ScriptSection {
  section: string
  /** The word after the section (file name, sysctl key, interface); '' when none. */
  name: string
  body: string
  /** Exit status of the section's command; undefined when the output stopped before its END (timeout). */
  rc?: number
}

/** Splits the script's stdout into sections; text outside frames and frames with another nonce are ignored. */
export function parseNodeSections(stdout: string, nonce: string): ScriptSection[] {
  const sections: ScriptSection[] = []
  const begin = `${MARKER} ${nonce} BEGIN `
  const end = `${MARKER} ${nonce} END `
  let open: {section: string; name: string; lines: string[]} | undefined
  for (const line of stdout.split('\n')) {
    if (line.startsWith(begin)) {
      if (open) sections.push({section: open.section, name: open.name, body: open.lines.join('\n')})
      const rest = line.slice(begin.length)
      const space = rest.indexOf(' ')
      open = space === -1 ? {section: rest, name: '', lines: []} : {section: rest.slice(0, space), name: rest.slice(space + 1), lines: []}
      continue
    }
    if (line.startsWith(end) && open) {
      const rc = /rc=(\d+)$/.exec(line)
      // The newline `e` prints before its marker is the separator consumed by the split: the body is byte-exact.
      sections.push({section: open.section, name: open.name, body: open.lines.join('\n'), rc: rc ? Number(rc[1]) : undefined})
      open = undefined
      continue
    }
    open?.lines.push(line)
  }
  if (open) sections.push({section: open.section, name: open.name, body: open.lines.join('\n')})
  return sections
}

export interface NodeFacts {
  /** Tools present in the debug image. */
  tools: string[]
  cniDir: 'present' | 'missing' | 'unknown'
  /** The CNI config dir read: the runtime's conf_dir, else /etc/cni/net.d. */
  cniConfDir: string
  /** The container runtime process of this node and its config file, when found. */
  runtime?: {name: string; config: string}
  cniFiles: CniFile[]
  /** Binary names per CNI bin dir (`/opt/cni/bin`), or null when the directory does not exist. */
  cniBinDirs: Record<string, string[] | null>
  ipForward?: number
  /** 'absent' when br_netfilter is not loaded (the sysctl does not exist). */
  bridgeNfCallIptables?: number | 'absent'
  conntrackCount?: number
  conntrackMax?: number
  /** rp_filter per interface, including `all` and `default`. */
  rpFilter: Record<string, number>
  links?: IpLink[]
  kubeProxy: {
    /** What :10249/proxyMode said (`iptables`, `ipvs`, `nftables`). */
    mode?: string
    modeError?: string
    healthz?: {httpStatus?: number; body?: string; error?: string}
  }
  /** Lines with KUBE-SERVICES per iptables variant (`iptables-legacy-save`: 0). */
  iptablesKubeServices: Record<string, number>
  /** Filter and nat rules per iptables variant, as iptables-save prints them (see analysis/node/firewall). */
  iptablesRules: Record<string, string>
  nftTables?: string[]
  /** undefined when ipvsadm is missing; `available: false` when the kernel has no IPVS. */
  ipvs?: {available: boolean; services: number; error?: string; listing?: string}
  /** `nft list map <family> kube-proxy <map>` per `<family> <map>` (`ip service-ips`), with its exit code. */
  nftServiceMaps: Record<string, {rc?: number; body: string}>
  /** KUBE-SERVICES rules (nat and filter) per iptables variant. */
  iptablesServices: Record<string, string>
  /** The same per ip6tables variant (`ip6tables-nft-save`): kube-proxy's IPv6 Services. */
  ip6tablesServices: Record<string, string>
  /** host-local allocations per network (/var/lib/cni/networks/<network>/<ip>). */
  ipamAllocations: Record<string, string[]>
  /** Sections that failed in a way worth reporting ("iptables-save: not found"). */
  problems: string[]
}

const int = (s: string): number | undefined => (/^\s*-?\d+\s*$/.test(s) ? Number(s.trim()) : undefined)

/** curl -w appends the status code on its own line; a body without it came from wget (no code) or failed. */
function splitHttp(body: string): {httpStatus?: number; body: string} {
  const m = /\n?(\d{3})$/.exec(body)
  if (m && (m.index > 0 || body.length === 3)) return {httpStatus: Number(m[1]), body: body.slice(0, m.index)}
  return {body}
}

const IP_FILE = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*)$/

/** Turns the sections into facts; missing sections leave fields undefined rather than guessing. */
export function readNodeFacts(sections: readonly ScriptSection[]): NodeFacts {
  const facts: NodeFacts = {
    tools: [],
    cniDir: 'unknown',
    cniConfDir: DEFAULT_CNI_CONF_DIR,
    cniFiles: [],
    cniBinDirs: {},
    rpFilter: {},
    kubeProxy: {},
    iptablesKubeServices: {},
    iptablesRules: {},
    nftServiceMaps: {},
    iptablesServices: {},
    ip6tablesServices: {},
    ipamAllocations: {},
    problems: [],
  }
  for (const s of sections) {
    switch (s.section) {
      case 'tools':
        facts.tools = s.body.split('\n').map((l) => l.trim()).filter(Boolean)
        break
      case 'cni-dir':
        facts.cniDir = s.rc === 0 ? 'present' : s.rc === undefined ? 'unknown' : 'missing'
        if (s.name.startsWith('/')) facts.cniConfDir = s.name
        break
      case 'runtime': {
        const space = s.name.indexOf(' ')
        if (space > 0) facts.runtime = {name: s.name.slice(0, space), config: s.name.slice(space + 1)}
        break
      }
      case 'cni-file':
        if (s.rc === 0) facts.cniFiles.push({name: s.name, content: s.body})
        else facts.problems.push(`cannot read CNI config ${s.name}: ${s.body.trim() || `rc=${s.rc ?? 'none'}`}`)
        break
      case 'cni-bin':
        facts.cniBinDirs[s.name] = s.rc === 0 ? s.body.split('\n').map((l) => l.trim()).filter(Boolean) : null
        break
      case 'sysctl': {
        const value = s.rc === 0 ? int(s.body) : undefined
        if (s.name === SYSCTLS.ipForward) facts.ipForward = value
        else if (s.name === SYSCTLS.bridgeNfCallIptables) facts.bridgeNfCallIptables = s.rc === 0 ? value : /No such file/.test(s.body) ? 'absent' : undefined
        else if (s.name === SYSCTLS.conntrackCount) facts.conntrackCount = value
        else if (s.name === SYSCTLS.conntrackMax) facts.conntrackMax = value
        break
      }
      case 'rp-filter': {
        const value = s.rc === 0 ? int(s.body) : undefined
        if (value !== undefined) facts.rpFilter[s.name] = value
        break
      }
      case 'ip-link':
        if (s.rc === 0) {
          try {
            facts.links = parseIpLinkJson(s.body)
          } catch {
            facts.problems.push(`ip -j -d link: unreadable output: ${s.body.split('\n')[0]}`)
          }
        } else facts.problems.push(`ip -j -d link failed: ${s.body.split('\n')[0]}`)
        break
      case 'proxy-mode': {
        const http = splitHttp(s.body)
        if (s.rc === 0 && (http.httpStatus === undefined || http.httpStatus === 200) && /^[a-z]+$/.test(http.body.trim())) facts.kubeProxy.mode = http.body.trim()
        else facts.kubeProxy.modeError = s.body.trim().split('\n')[0] || `rc=${s.rc ?? 'none'}`
        break
      }
      case 'proxy-healthz': {
        const http = splitHttp(s.body)
        facts.kubeProxy.healthz = s.rc === 0 ? {...http} : {error: s.body.trim().split('\n')[0] || `rc=${s.rc ?? 'none'}`}
        break
      }
      case 'iptables': {
        // grep -c prints the count and exits 1 when it is 0.
        const count = int(s.body.trim().split('\n').at(-1) ?? '')
        if (count !== undefined) facts.iptablesKubeServices[s.name] = count
        break
      }
      case 'iptables-rules':
        if (s.body.trim() !== '') facts.iptablesRules[s.name] = s.body
        break
      case 'nft':
        if (s.rc === 0) facts.nftTables = s.body.split('\n').map((l) => /^table (\S+ \S+)/.exec(l.trim())?.[1]).filter((t): t is string => t !== undefined)
        else facts.problems.push(`nft list tables failed: ${s.body.split('\n')[0]}`)
        break
      case 'ipvs':
        facts.ipvs =
          s.rc === 0
            ? {available: true, services: s.body.split('\n').filter((l) => /^(TCP|UDP|SCTP|FWM)\s/.test(l)).length, listing: s.body}
            : {available: false, services: 0, error: s.body.trim().split('\n')[0]}
        break
      case 'nft-map':
        facts.nftServiceMaps[s.name] = {rc: s.rc, body: s.body}
        break
      case 'iptables-services':
        facts.iptablesServices[s.name] = s.body
        break
      case 'ip6tables-services':
        facts.ip6tablesServices[s.name] = s.body
        break
      case 'ipam-allocations':
        facts.ipamAllocations[s.name] = s.body.split('\n').map((l) => l.trim()).filter((l) => IP_FILE.test(l))
        break
    }
  }
  return facts
}

/** Every CNI binary installed, across the bin dirs that exist. */
export function installedCniBinaries(facts: NodeFacts): string[] {
  return [...new Set(Object.values(facts.cniBinDirs).flatMap((list) => list ?? []))]
}
