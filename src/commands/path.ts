import {Args, Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {whatIfFlags} from '../what-if.js'

export default class Path extends NetdiagCommand {
  static override summary = 'Can pod A talk to pod B, and if not, what stops it?'
  static override description =
    "Walks the pod-to-pod runbook: both pods (Running, addresses, families, nodes, hostNetwork), the NetworkPolicy verdict for A's egress and B's ingress on each port (naming the policy and rule), the nodes and the CNI with its encapsulation overhead; then, from inside A (an ephemeral container, which cannot be removed; or --probe-mode pod, a debug pod on A's node), ICMP and TCP/UDP to each port read against the policy verdict, the path MTU by Don't-Fragment ping bisection, and the hops of a cross-node path. PODA and PODB are NAME (in -n), NAMESPACE/NAME, or pod/NAME."

  static override examples = [
    '<%= config.bin %> <%= command.id %> web-7d9c6b7f5-x2x8q db-0 -n shop',
    '<%= config.bin %> <%= command.id %> shop/web-7d9c6b7f5-x2x8q payments/api-0 --port 8443',
    '<%= config.bin %> <%= command.id %> pod/web-7d9c6b7f5-x2x8q pod/dns-0 -n shop --port 53/udp,53/tcp',
    '<%= config.bin %> <%= command.id %> web-7d9c6b7f5-x2x8q db-0 -n shop --probe-mode pod',
    '<%= config.bin %> <%= command.id %> web-7d9c6b7f5-x2x8q db-0 -n shop --no-probe -o json',
    '<%= config.bin %> <%= command.id %> shop/web-7d9c6b7f5-x2x8q shop/db-0 --snapshot cluster.json',
    '<%= config.bin %> <%= command.id %> web-7d9c6b7f5-x2x8q db-0 -n shop --with lockdown.yaml   # as if applied (no probes)',
  ]

  static override args = {
    podA: Args.string({description: 'The source pod: NAME, NAMESPACE/NAME or pod/NAME.', required: true}),
    podB: Args.string({description: 'The destination pod: NAME, NAMESPACE/NAME or pod/NAME.', required: true}),
  }

  static override flags = {
    ...globalFlags,
    ...whatIfFlags,
    port: Flags.string({
      description: "A port on PODB to test: a number or a container port name, optionally /tcp or /udp; repeatable or comma-separated (default: PODB's declared container ports, else ICMP only).",
      multiple: true,
      multipleNonGreedy: true,
    }),
    'probe-mode': Flags.string({
      description:
        "ephemeral: probe from an ephemeral container in PODA (its network namespace and labels, so NetworkPolicies apply as they do to PODA; it cannot be removed and exits by itself). pod: a debug pod on PODA's node (PODA untouched; policies then apply to the debug pod's labels).",
      options: ['ephemeral', 'pod'],
      default: 'ephemeral',
    }),
    'ip-family': Flags.string({description: "Probe over this address family (PODB's address of it; both pods need one); default: the family of PODA's primary address.", options: ['IPv4', 'IPv6']}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Path)
    const {parsePodRef, formatPodRef, parsePortFlags, resolvePortRequests, defaultProbePorts, formatProbePort} = await import('../analysis/path/pod-ref.js')
    const env = await this.whatIf(await this.environment(flags), flags)
    const refs = [args.podA, args.podB].map((text) => {
      const ref = parsePodRef(text, env.namespace)
      if ('error' in ref) throw badInput(ref.error)
      return ref
    })
    const [refA, refB] = refs as [{namespace: string; name: string}, {namespace: string; name: string}]
    const requests = parsePortFlags(flags.port ?? [], {allowSctp: flags['no-probe'] || env.view.source === 'snapshot'})
    if ('error' in requests) throw badInput(requests.error)
    for (const namespace of new Set([refA.namespace, refB.namespace])) await this.requireNamespace(env, namespace)
    const [podA, podB] = await Promise.all([env.view.getPod(refA.namespace, refA.name), env.view.getPod(refB.namespace, refB.name)])
    for (const [ref, pod] of [[refA, podA], [refB, podB]] as const) {
      if (!pod) throw badInput(`pod "${ref.name}" not found in namespace ${ref.namespace}${this.whereToLook(env, {pods: ref.namespace})}`)
    }
    const ports = requests.length > 0 ? resolvePortRequests(requests, podB!) : defaultProbePorts(podB!)
    if ('error' in ports) throw badInput(ports.error)
    const probeMode = flags['probe-mode'] as 'ephemeral' | 'pod'
    const noProbe = flags['no-probe'] || env.view.source === 'snapshot'
    if (!noProbe && probeMode === 'ephemeral') {
      this.logToStderr(`probes will run in an ephemeral container added to pod ${formatPodRef(refA)} (ephemeral containers cannot be removed; it exits by itself); use --probe-mode pod to leave the pod untouched`)
    }
    await this.runDiagnosis(env, {
      command: 'path',
      target: {
        from: formatPodRef(refA),
        to: formatPodRef(refB),
        ...(ports.length > 0 ? {ports: ports.map(formatProbePort)} : {}),
        portsFrom: requests.length > 0 ? 'flag' : ports.length > 0 ? 'declared' : 'none',
        probeMode,
        ...(flags['ip-family'] ? {ipFamily: flags['ip-family'] as 'IPv4' | 'IPv6'} : {}),
      },
      checks: import('../checks/path/plan.js').then((m) => m.pathPlan()),
      probeSource:
        probeMode === 'ephemeral'
          ? {mode: 'ephemeral', namespace: refA.namespace, pod: refA.name}
          : {mode: 'pod', namespace: refA.namespace, rawSockets: true, ...(podA!.spec?.nodeName ? {nodeName: podA!.spec.nodeName} : {})},
      // path.pods passes for two running pods with addresses: then the debug pod on A's node is needed anyway.
      startSourceEarly: probeMode === 'pod' && Boolean(podA!.spec?.nodeName) && [podA!, podB!].every((p) => p.status?.phase === 'Running' && Boolean(p.status?.podIP)),
    })
  }
}
