import {Args, Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {whatIfFlags} from '../what-if.js'
import {parseServiceRef} from '../object-refs.js'

export default class Svc extends NetdiagCommand {
  static override summary = "Why can't I reach this Service?"
  static override description =
    'Walks the Service runbook in order: the Service exists (else where it does, and how to address it), type-specific pitfalls, selector vs pods (the nearest pods and the exact label difference), EndpointSlices per port with the reason each endpoint is not ready, targetPort resolution, NetworkPolicies between the client and the backends and to kube-dns, kube-proxy on the nodes involved; then, from a debug pod (or --from-pod, through an ephemeral container), name resolution and connections to the ClusterIP and to every ready endpoint. Prints one root cause and the fix.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> backend -n shop',
    '<%= config.bin %> <%= command.id %> backend -n shop --port http',
    '<%= config.bin %> <%= command.id %> backend -n shop --from-pod frontend-7d9c6b7f5-x2x8q',
    '<%= config.bin %> <%= command.id %> shop/backend --from-pod payments/api-0',
    '<%= config.bin %> <%= command.id %> backend -n shop --from-pod frontend-7d9c6b7f5-x2x8q --ip-family IPv6   # an IPv6 client',
    '<%= config.bin %> <%= command.id %> backend -n shop --no-probe -o json',
    '<%= config.bin %> <%= command.id %> backend -n shop --snapshot cluster.json',
    '<%= config.bin %> <%= command.id %> backend -n shop --with fixed-service.yaml   # as if applied (no probes)',
  ]

  static override args = {
    name: Args.string({description: 'The Service: NAME (in -n), svc/NAME or NAMESPACE/NAME.', required: true}),
  }

  static override flags = {
    ...globalFlags,
    ...whatIfFlags,
    port: Flags.string({description: 'Only this Service port (name or number; default: every port).'}),
    'from-pod': Flags.string({description: "The client pod (NAME in the Service's namespace, NAMESPACE/NAME or pod/NAME): probes run in an ephemeral container added to it (which cannot be removed), policies are evaluated with its labels."}),
    'cluster-domain': Flags.string({description: "The cluster domain (default: from the probe pod's resolv.conf, else cluster.local)."}),
    'ip-family': Flags.string({description: 'The address family the client uses (its DNS record type, A or AAAA, and the ClusterIP it connects to); default: every family the Service has.', options: ['IPv4', 'IPv6']}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Svc)
    const ref = parseServiceRef(args.name, flags.namespace)
    const name = ref.name
    const env = await this.whatIf(await this.environment(flags), flags)
    const namespace = ref.namespace ?? env.namespace
    await this.requireNamespace(env, namespace)
    const client = flags['from-pod'] ? await this.requirePod(env, flags['from-pod'], namespace) : undefined
    const fromPod = client?.name
    const fromPodNamespace = client && client.namespace !== namespace ? client.namespace : undefined
    const port = flags.port
    if (port !== undefined) {
      const service = await env.view.getService(namespace, name)
      if (service) {
        const {selectServicePorts} = await import('../analysis/svc/service-ports.js')
        const selection = selectServicePorts(service, port)
        if (selection.error) throw badInput(selection.error)
      }
    }
    await this.runDiagnosis(env, {
      command: 'svc',
      target: {
        namespace,
        name,
        ...(port !== undefined ? {port} : {}),
        ...(fromPod ? {fromPod} : {}),
        ...(fromPodNamespace ? {fromPodNamespace} : {}),
        ...(flags['cluster-domain'] ? {clusterDomain: flags['cluster-domain']} : {}),
        ...(flags['ip-family'] ? {ipFamily: flags['ip-family'] as 'IPv4' | 'IPv6'} : {}),
      },
      checks: import('../checks/svc/plan.js').then((m) => m.svcPlan()),
      probeSource: client ? {mode: 'ephemeral', namespace: client.namespace, pod: client.name} : {mode: 'pod', namespace},
      // svc's probes need only the Service to exist (svc.service); the view caches this read for that check.
      startSourceEarly: client ? false : async () => (await env.view.getService(namespace, name).catch(() => undefined)) !== undefined,
    })
  }
}
