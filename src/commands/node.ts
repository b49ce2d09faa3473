import {Args, Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {parseNodeRef} from '../object-refs.js'

export default class NodeCommand extends NetdiagCommand {
  static override summary = 'CNI, MTU, kube-proxy mode, conntrack and forwarding on a node (or every node).'
  static override description =
    "Reads the node dataplane: node conditions, the CNI agent pod on the node, kube-proxy, pod/Service/node CIDR overlaps, pod IP capacity, pods stuck on CNI sandbox errors; then, from a privileged node debug pod (hostNetwork, hostPID, host root read-only at /host, tolerating every taint, deleted afterwards), the active CNI config and its binaries, interface MTUs against the encapsulation overhead, kube-proxy's live mode and rules, ip_forward, bridge-nf-call-iptables, conntrack fill and rp_filter, and host-local IP allocations. Without NODE: every node, the most suspicious first, probed a few at a time."

  static override examples = [
    '<%= config.bin %> <%= command.id %> kind-worker',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> kind-worker --node-namespace netdiag-privileged',
    '<%= config.bin %> <%= command.id %> --no-probe -o json',
    '<%= config.bin %> <%= command.id %> --snapshot cluster.json',
  ]

  static override args = {
    node: Args.string({description: 'The node: NAME or node/NAME (default: every node).', required: false}),
  }

  static override flags = {
    ...globalFlags,
    'node-namespace': Flags.string({
      description:
        "Namespace for the privileged node debug pods (default kube-system: node agents live there and Pod Security admission usually allows privileged pods there, while -n namespaces often enforce baseline or restricted, which reject them). -n does not move them.",
      default: 'kube-system',
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NodeCommand)
    if (args.node) parseNodeRef(args.node)
    const env = await this.environment(flags)
    await this.reach(env)
    const nodeNamespace = flags['node-namespace']
    let nodes: string[]
    if (args.node) {
      const name = parseNodeRef(args.node)
      if (!(await env.view.getNode(name))) throw badInput(`node "${name}" not found${this.whereToLook(env, 'nodes')}`)
      nodes = [name]
    } else {
      const all = await env.view.listNodes()
      if (all.length === 0) throw badInput(`no nodes${env.view.source === 'snapshot' ? ' in the snapshot' : ''}: nothing to diagnose`)
      // Only Pending pods can be stuck creating: the API (and the snapshot index) filter them, not us.
      const pods = await env.view.listPods(undefined, {fieldSelector: 'status.phase=Pending'}).catch(() => [])
      const stuck = new Map<string, number>()
      for (const pod of pods) {
        const creating = (pod.status?.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === 'ContainerCreating')
        if (pod.status?.phase === 'Pending' && creating && pod.spec?.nodeName) stuck.set(pod.spec.nodeName, (stuck.get(pod.spec.nodeName) ?? 0) + 1)
      }
      const {rankNodesBySuspicion} = await import('../analysis/node/suspicion.js')
      nodes = rankNodesBySuspicion(all, stuck).map((n) => n.name)
    }
    const noProbe = flags['no-probe'] || env.view.source === 'snapshot'
    if (!noProbe) await this.requireNamespace(env, nodeNamespace)
    const {nodePlan} = await import('../checks/node/plan.js')
    await this.runDiagnosis(env, {
      command: 'node',
      target: {nodes, nodeNamespace},
      checks: nodePlan(),
      nodeNamespace,
    })
  }
}
