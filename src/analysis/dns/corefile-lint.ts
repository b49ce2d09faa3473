import {findOptions, findPlugins, normalizeZone} from './corefile.js'
import type {CorefileDirective, ParsedCorefile, ServerBlock} from './corefile.js'

export type FindingSeverity = 'fail' | 'warn' | 'info'

export interface CorefileFinding {
  severity: FindingSeverity
  /** Stable code: `kubernetes-plugin-missing`, `forward-loopback`, ... */
  code: string
  /** 1-based line in the Corefile (0 when the finding is about the file as a whole). */
  line: number
  message: string
  remediation: string
}

export interface CorefileLintOptions {
  /** The kubelet's clusterDomain. */
  clusterDomain: string
  /**
   * Nameservers of the resolv.conf the kubelet hands to `dnsPolicy: Default` pods such as CoreDNS (the kubelet's
   * `resolvConf` setting, /run/systemd/resolve/resolv.conf on kubeadm + systemd-resolved nodes), NOT necessarily
   * the node's /etc/resolv.conf. Only then does `forward . /etc/resolv.conf` inside CoreDNS see them.
   */
  nodeResolvConfNameservers?: string[]
  /** The CoreDNS version from the image tag (`1.11.1`, `v1.11.1`); makes removed options a certain failure. */
  corednsVersion?: string
}

const SEVERITY_ORDER: Record<FindingSeverity, number> = {fail: 0, warn: 1, info: 2}

// Versions from coredns/corefile-migration (the table kubeadm uses when it upgrades Corefiles).
const REMOVED_KUBERNETES_OPTIONS: Record<string, {deprecated: string; removed: string; instead: string}> = {
  upstream: {deprecated: '1.4.0', removed: '1.7.0', instead: 'delete the line: CoreDNS resolves external CNAME targets itself since 1.5.0'},
  resyncperiod: {deprecated: '1.5.0', removed: '1.7.0', instead: 'delete the line: resyncing has been off by default since 1.5.0'},
  transfer: {deprecated: '1.8.0', removed: '1.8.0', instead: 'use the separate `transfer` plugin'},
}
const PROXY_REMOVED = {deprecated: '1.4.0', removed: '1.5.0'}

export function lintCorefile(parsed: ParsedCorefile, options: CorefileLintOptions): CorefileFinding[] {
  const findings: CorefileFinding[] = []
  const add = (f: CorefileFinding) => findings.push(f)
  const clusterZone = normalizeZone(options.clusterDomain)

  for (const e of parsed.errors) {
    add({
      severity: 'fail',
      code: 'corefile-syntax',
      line: e.line,
      message: `Corefile syntax error at line ${e.line}: ${e.message}; CoreDNS will not load it (a running CoreDNS keeps its previous config on reload)`,
      remediation: 'Fix the braces/quotes in the coredns ConfigMap: kubectl -n kube-system edit configmap coredns',
    })
  }
  for (const i of parsed.imports) {
    add({
      severity: 'info',
      code: 'import-not-followed',
      line: i.line,
      message: `import ${i.args.join(' ')} is not followed: plugins it adds were not checked`,
      remediation: 'Check the imported files (e.g. the coredns-custom ConfigMap) by hand',
    })
  }
  for (const p of parsed.placeholders) {
    add({
      severity: 'info',
      code: 'env-placeholder',
      line: p.line,
      message: `{$${p.name}} is replaced from CoreDNS's environment at start-up; its value was not checked`,
      remediation: `Check the ${p.name} env var of the coredns Deployment`,
    })
  }

  const dnsServers = parsed.servers.filter((s) => s.keys.some((k) => k.scheme === 'dns'))
  if (parsed.servers.length > 0 && !dnsServers.some((s) => s.keys.some((k) => k.scheme === 'dns' && k.port === 53))) {
    add({
      severity: 'warn',
      code: 'no-port-53',
      line: parsed.servers[0].line,
      message: 'No server block listens on port 53: the kube-dns Service (port 53) only works if its targetPort matches',
      remediation: 'Use `.:53 {` for the main server block, or check the kube-dns Service targetPort',
    })
  }

  lintDuplicateZones(parsed, add)

  const clusterServer = serverForZone(parsed.servers, clusterZone, 53)
  if (!clusterServer) {
    if (parsed.servers.length > 0) {
      add({
        severity: 'fail',
        code: 'cluster-domain-not-served',
        line: parsed.servers[0].line,
        message: `No server block on port 53 serves ${clusterZone}: Service names cannot resolve`,
        remediation: `Serve the cluster domain: add this server block (CoreDNS reads one directive per line)\n${clusterServerBlock(options.clusterDomain)}`,
      })
    }
  } else {
    lintClusterServer(clusterServer, clusterZone, options, add)
  }

  const everyPlugin = parsed.servers.flatMap((s) => s.directives)
  const hasImports = parsed.imports.length > 0
  const unlessImported = hasImports ? ' (unless an imported file adds it)' : ''
  if (parsed.servers.length > 0 && !everyPlugin.some((d) => d.name === 'health')) {
    add({
      severity: 'warn',
      code: 'health-missing',
      line: parsed.servers[0].line,
      message: `No health plugin${unlessImported}: the Deployment's liveness probe (:8080/health) fails and the kubelet restarts CoreDNS`,
      remediation: 'Add `health { lameduck 5s }` to the .:53 server block',
    })
  }
  if (parsed.servers.length > 0 && !everyPlugin.some((d) => d.name === 'ready')) {
    add({
      severity: 'warn',
      code: 'ready-missing',
      line: parsed.servers[0].line,
      message: `No ready plugin${unlessImported}: the readiness probe (:8181/ready) fails, so CoreDNS pods never join the kube-dns endpoints`,
      remediation: 'Add `ready` to the .:53 server block',
    })
  }

  for (const server of parsed.servers) lintUpstreams(server, options, add)

  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.line - b.line)
}

/** CoreDNS routes a query to the server block with the most specific zone that contains the name. */
export function serverForZone(servers: ServerBlock[], zone: string, port: number): ServerBlock | undefined {
  let best: {server: ServerBlock; depth: number} | undefined
  for (const server of servers) {
    for (const key of server.keys) {
      if (key.scheme !== 'dns' || key.port !== port || !zoneContains(key.zone, zone)) continue
      const depth = key.zone === '.' ? 0 : key.zone.split('.').length
      if (!best || depth > best.depth) best = {server, depth}
    }
  }
  return best?.server
}

export function zoneContains(zone: string, name: string): boolean {
  const z = normalizeZone(zone)
  const n = normalizeZone(name)
  return z === '.' || n === z || n.endsWith(`.${z}`)
}

function lintDuplicateZones(parsed: ParsedCorefile, add: (f: CorefileFinding) => void): void {
  const seen = new Map<string, number>()
  for (const server of parsed.servers) {
    // Blocks bound to different addresses may share a zone and port.
    const bind = findPlugins(server, 'bind').flatMap((b) => b.args).sort().join(',')
    for (const key of server.keys) {
      const id = `${key.scheme}://${key.zone}:${key.port}@${bind}`
      const first = seen.get(id)
      if (first !== undefined) {
        add({
          severity: 'fail',
          code: 'duplicate-zone',
          line: key.line,
          message: `${key.scheme}://${key.zone}:${key.port} is defined twice (first at line ${first}): CoreDNS refuses to start with "zone already defined"`,
          remediation: 'Merge the two server blocks into one',
        })
      } else {
        seen.set(id, key.line)
      }
    }
  }
}

function lintClusterServer(
  server: ServerBlock,
  clusterZone: string,
  options: CorefileLintOptions,
  add: (f: CorefileFinding) => void,
): void {
  const keys = server.keys.map((k) => k.raw).join(' ')
  const unlessImported = server.directives.some((d) => d.name === 'import') ? ' (unless an imported file adds it)' : ''
  const kubernetes = findPlugins(server, 'kubernetes')[0]
  if (!kubernetes) {
    add({
      severity: 'fail',
      code: 'kubernetes-plugin-missing',
      line: server.line,
      message: `Server block ${keys} serves ${clusterZone} but has no kubernetes plugin${unlessImported}: Service and pod names cannot resolve`,
      remediation: `Add these lines inside ${keys} { ... } (CoreDNS reads one directive per line; ';' is not a separator)\n${kubernetesPluginBlock(options.clusterDomain)}`,
    })
  } else {
    lintKubernetesPlugin(kubernetes, server, clusterZone, options, add)
  }

  const missing: {name: string; severity: FindingSeverity; why: string; fix: string; when?: boolean}[] = [
    {name: 'errors', severity: 'info', why: 'errors are not logged, so failures leave no trace in the CoreDNS logs', fix: 'errors'},
    {name: 'cache', severity: 'warn', why: 'every query goes to the upstream resolvers and the API-backed records are rebuilt each time', fix: 'cache 30'},
    {
      name: 'loop',
      severity: 'warn',
      why: 'a forwarding loop (e.g. through 127.0.0.53) is not detected and CoreDNS spins until it is OOM-killed',
      fix: 'loop',
      when: server.directives.some((d) => d.name === 'forward' || d.name === 'proxy'),
    },
  ]
  for (const m of missing) {
    if (m.when === false || findPlugins(server, m.name).length > 0) continue
    add({
      severity: m.severity,
      code: `${m.name}-missing`,
      line: server.line,
      message: `Server block ${keys} has no ${m.name} plugin${unlessImported}: ${m.why}`,
      remediation: `Add \`${m.fix}\` to ${keys}`,
    })
  }
  const serverZones = server.keys.map((k) => k.zone)
  if (serverZones.includes('.') && !server.directives.some((d) => d.name === 'forward' || d.name === 'proxy' || d.name === 'import')) {
    add({
      severity: 'warn',
      code: 'no-upstream',
      line: server.line,
      message: `Server block ${keys} has no forward plugin: names outside the cluster (e.g. github.com) do not resolve`,
      remediation: 'Add `forward . /etc/resolv.conf` (or your upstream resolvers); ignore on purpose-built air-gapped clusters',
    })
  }
}

function lintKubernetesPlugin(
  plugin: CorefileDirective,
  server: ServerBlock,
  clusterZone: string,
  options: CorefileLintOptions,
  add: (f: CorefileFinding) => void,
): void {
  // Without zone arguments the plugin is authoritative for the server block's zones.
  const zones = (plugin.args.length > 0 ? plugin.args : server.keys.map((k) => k.zone)).filter((z) => !z.includes('/'))
  const normalized = zones.map(normalizeZone)
  if (!normalized.includes(clusterZone)) {
    add({
      severity: 'fail',
      code: 'kubernetes-zone-mismatch',
      line: plugin.line,
      message: `kubernetes plugin serves ${normalized.join(' ')} but the cluster domain is ${clusterZone}: <svc>.<ns>.svc.${options.clusterDomain} does not resolve`,
      remediation: `Use \`kubernetes ${options.clusterDomain} in-addr.arpa ip6.arpa\`, or set the kubelet clusterDomain to match`,
    })
  }

  for (const [name, info] of Object.entries(REMOVED_KUBERNETES_OPTIONS)) {
    for (const opt of findOptions(plugin, name)) {
      const removed = options.corednsVersion !== undefined && compareVersions(options.corednsVersion, info.removed) >= 0
      add({
        severity: removed ? 'fail' : 'warn',
        code: `kubernetes-${name}-removed`,
        line: opt.line,
        message: removed
          ? `kubernetes option \`${name}\` was removed in CoreDNS ${info.removed}: CoreDNS ${options.corednsVersion} fails to load this Corefile ("unknown property '${name}'")`
          : `kubernetes option \`${name}\` is deprecated since CoreDNS ${info.deprecated} and removed in ${info.removed}: newer CoreDNS fails to load this Corefile`,
        remediation: info.instead,
      })
    }
  }
  for (const opt of findOptions(plugin, 'endpoint')) {
    if (opt.args.length > 1) {
      add({
        severity: 'info',
        code: 'kubernetes-endpoint-multiple',
        line: opt.line,
        message: 'kubernetes `endpoint` lists several API servers: only the first is used',
        remediation: 'Keep one endpoint (or none: in-cluster config is used by default)',
      })
    }
  }

  const pods = findOptions(plugin, 'pods')[0]
  const mode = pods?.args[0] ?? 'disabled'
  const podsLine = pods?.line ?? plugin.line
  if (mode === 'insecure') {
    add({
      severity: 'info',
      code: 'pods-insecure',
      line: podsLine,
      message: '`pods insecure` answers any a-b-c-d.<ns>.pod name with that IP without checking a pod exists (kube-dns compatibility; works, but can be abused with wildcard certificates)',
      remediation: 'Use `pods verified` if you rely on pod A records and can afford the memory, otherwise keep it',
    })
  } else if (mode === 'verified') {
    add({
      severity: 'info',
      code: 'pods-verified',
      line: podsLine,
      message: '`pods verified` makes CoreDNS watch every pod in the cluster: memory grows with the pod count',
      remediation: 'Raise the coredns memory limit on large clusters, or use `pods insecure`',
    })
  } else if (mode === 'disabled') {
    add({
      severity: 'info',
      code: 'pods-disabled',
      line: podsLine,
      message: 'Pod A records (10-244-1-5.<ns>.pod.<cluster domain>) do not resolve (`pods disabled`, the default when no `pods` line is given)',
      remediation: 'Add `pods insecure` inside the kubernetes block if workloads use pod DNS names',
    })
  }

  for (const f of findOptions(plugin, 'fallthrough')) {
    if (f.args.length === 0) {
      add({
        severity: 'info',
        code: 'kubernetes-fallthrough-all',
        line: f.line,
        message: `kubernetes \`fallthrough\` without zones passes NXDOMAIN for ${clusterZone} names to the next plugin: cluster names that do not exist are sent upstream`,
        remediation: 'Limit it to the reverse zones: `fallthrough in-addr.arpa ip6.arpa`',
      })
    } else {
      const outside = f.args.filter((z) => !zones.some((pz) => zoneContains(pz, z)))
      if (outside.length > 0) {
        add({
          severity: 'info',
          code: 'kubernetes-fallthrough-unused',
          line: f.line,
          message: `fallthrough ${outside.join(' ')}: the kubernetes plugin is not authoritative for it, so this has no effect`,
          remediation: 'Remove the zone from fallthrough or add it to the kubernetes plugin zones',
        })
      }
    }
  }
}

function lintUpstreams(server: ServerBlock, options: CorefileLintOptions, add: (f: CorefileFinding) => void): void {
  const resolvLoopback = (options.nodeResolvConfNameservers ?? []).filter(isLoopbackAddress)
  for (const plugin of server.directives) {
    if (plugin.name !== 'forward' && plugin.name !== 'proxy') continue
    if (plugin.name === 'proxy') {
      const removed = options.corednsVersion !== undefined && compareVersions(options.corednsVersion, PROXY_REMOVED.removed) >= 0
      add({
        severity: removed ? 'fail' : 'warn',
        code: 'proxy-removed',
        line: plugin.line,
        message: removed
          ? `The proxy plugin was removed in CoreDNS ${PROXY_REMOVED.removed}: CoreDNS ${options.corednsVersion} fails to load this Corefile`
          : `The proxy plugin is deprecated since CoreDNS ${PROXY_REMOVED.deprecated} and removed in ${PROXY_REMOVED.removed}`,
        remediation: `Replace \`proxy ${plugin.args.join(' ')}\` with \`forward ${plugin.args.join(' ')}\``,
      })
    }
    for (const target of plugin.args.slice(1)) {
      const host = upstreamHost(target)
      if (host === undefined) {
        if (target.startsWith('/') && resolvLoopback.length > 0) {
          add({
            severity: 'fail',
            code: 'forward-resolvconf-loopback',
            line: plugin.line,
            message: `${plugin.name} ${plugin.args[0]} ${target}: the resolv.conf the kubelet gives CoreDNS points to ${resolvLoopback.join(', ')}, which inside the CoreDNS pod is CoreDNS itself: a forwarding loop (the loop plugin then crashes CoreDNS)`,
            remediation: 'Point the kubelet at the real upstreams: resolvConf: /run/systemd/resolve/resolv.conf in the KubeletConfiguration (or --resolv-conf), restart the kubelet, then delete the coredns pods; or forward to explicit upstream IPs',
          })
        }
        continue
      }
      if (isLoopbackAddress(host)) {
        add({
          severity: 'fail',
          code: 'forward-loopback',
          line: plugin.line,
          message: `${plugin.name} to ${target}: a loopback address inside the CoreDNS pod is CoreDNS itself (the systemd-resolved 127.0.0.53 loop), so queries loop until the loop plugin stops CoreDNS`,
          remediation: 'Forward to the real upstream resolvers (e.g. the IPs in /run/systemd/resolve/resolv.conf on the node)',
        })
      }
    }
  }
}

/** The IP of a forward/proxy destination, or undefined for a resolv.conf path. */
export function upstreamHost(target: string): string | undefined {
  if (target.startsWith('/') || target.startsWith('.') || target === '{') return undefined
  let t = target.replace(/^[a-z0-9]+:\/\//i, '')
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(t)
  if (bracketed) return bracketed[1]
  if ((t.match(/:/g) ?? []).length === 1) t = t.replace(/:\d+$/, '')
  return t
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase()
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) return true
  if (a === 'localhost') return true
  return a === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(a) || a === '0:0:0:0:0:0:0:1' || a === '::ffff:127.0.0.1'
}

/** Compares dotted versions, ignoring a leading `v` and any `-suffix`. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0].split('.').map((n) => Number(n) || 0)
  const pa = parse(a)
  const pb = parse(b)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** The kubernetes plugin as kubeadm writes it: one directive per line, as the Caddyfile parser requires. */
export function kubernetesPluginBlock(clusterDomain: string, indent = ''): string {
  return [`kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`, '   pods insecure', '   fallthrough in-addr.arpa ip6.arpa', '   ttl 30', '}'].map((l) => indent + l).join('\n')
}

function clusterServerBlock(clusterDomain: string): string {
  return ['.:53 {', '    errors', '    health', '    ready', kubernetesPluginBlock(clusterDomain, '    '), '    forward . /etc/resolv.conf', '    cache 30', '    loop', '    reload', '}'].join('\n')
}
