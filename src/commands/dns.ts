import {Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {globalFlags} from '../flags.js'
import {whatIfFlags} from '../what-if.js'

export default class Dns extends NetdiagCommand {
  static override summary = 'Is cluster DNS healthy, and can pods in a namespace resolve names?'
  static override description =
    'Walks the DNS runbook in order: CoreDNS pods, the kube-dns Service and its endpoints, the Corefile, CoreDNS logs, NodeLocal DNSCache, NetworkPolicies that block port 53, the pod DNS config; then, from a debug pod (or --from-pod, through an ephemeral container), resolv.conf, internal and external lookups over UDP and TCP, each CoreDNS replica, and the ndots cost. Prints one root cause and the fix.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -n shop',
    '<%= config.bin %> <%= command.id %> -n shop --from-pod frontend-7d9c6b7f5-x2x8q',
    '<%= config.bin %> <%= command.id %> --no-probe -o json',
    '<%= config.bin %> <%= command.id %> -n shop --snapshot cluster.json',
    '<%= config.bin %> <%= command.id %> --external-name=none   # air-gapped cluster',
    '<%= config.bin %> <%= command.id %> -n shop --with egress-policy.yaml   # as if applied (no probes)',
  ]

  static override flags = {
    ...globalFlags,
    ...whatIfFlags,
    'from-pod': Flags.string({description: 'Diagnose DNS as this pod (NAME in -n, NAMESPACE/NAME or pod/NAME) sees it; probes run in an ephemeral container added to it (which cannot be removed).'}),
    'external-name': Flags.string({description: 'A name outside the cluster to resolve; "none" to skip (air-gapped clusters).', default: 'kubernetes.io'}),
    'cluster-domain': Flags.string({description: 'The cluster domain (default: read from the Corefile, else cluster.local).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Dns)
    const env = await this.whatIf(await this.environment(flags), flags)
    const namespace = env.namespace
    await this.requireNamespace(env, namespace)
    // A pod in another namespace (NS/NAME) moves the diagnosis there: DNS is about the namespace the pod is in.
    const client = flags['from-pod'] ? await this.requirePod(env, flags['from-pod'], namespace) : undefined
    return this.diagnoseDns(env, flags, client?.namespace ?? namespace, client?.name)
  }

  private async diagnoseDns(env: Awaited<ReturnType<Dns['environment']>>, flags: {'external-name'?: string; 'cluster-domain'?: string}, namespace: string, fromPod?: string): Promise<void> {
    const external = flags['external-name']
    await this.runDiagnosis(env, {
      command: 'dns',
      target: {
        namespace,
        ...(fromPod ? {fromPod} : {}),
        ...(external && external !== 'none' ? {externalName: external} : {}),
        ...(flags['cluster-domain'] ? {clusterDomain: flags['cluster-domain']} : {}),
      },
      checks: import('../checks/dns/plan.js').then((m) => m.dnsPlan()),
      probeSource: fromPod ? {mode: 'ephemeral', namespace, pod: fromPod} : {mode: 'pod', namespace},
      // dns.probe.source waits on no other check: the pod is started in every live run with probes.
      startSourceEarly: !fromPod,
    })
  }
}
