import {NetdiagCommand} from '../base-command.js'
import {globalFlags, type GlobalFlags} from '../flags.js'

export default class Snapshot extends NetdiagCommand {
  static override summary = 'Capture what the analysis needs, for offline use with --snapshot.'
  static override description =
    'Prints one Kubernetes List (JSON) with the namespaces, nodes, pods, services, endpointslices, networkpolicies, deployments and daemonsets of every namespace, plus the kube-system ConfigMaps of CoreDNS, kube-proxy and the CNI. Never Secrets, never other ConfigMaps. The same file can be made with kubectl (see README).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> > cluster.json',
    '<%= config.bin %> dns -n shop --snapshot cluster.json',
  ]

  static override flags = {
    kubeconfig: globalFlags.kubeconfig,
    context: globalFlags.context,
    'request-timeout': globalFlags['request-timeout'],
    as: globalFlags.as,
    'as-group': globalFlags['as-group'],
    v: globalFlags.v,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Snapshot)
    const env = await this.environment({...flags, output: 'json', timeout: '30s', image: '', keep: false, quiet: false, 'no-probe': true, 'no-color': true, 'fail-on': 'fail'} as GlobalFlags)
    const [{captureSnapshot}, {formatSnapshotList}] = await Promise.all([import('../cluster/snapshot-capture.js'), import('../cluster/snapshot-layout.js')])
    const {omitted, ...list} = await captureSnapshot(env.view)
    // One item per line with a self-checking claim (snapshot-layout.ts): large snapshots are then read without a full scan.
    await this.writeOut(formatSnapshotList(list))
    this.logToStderr(`captured ${list.items.length} objects from context ${env.connection?.context}`)
    if (omitted.length > 0) this.logToStderr(`not captured, so ingress and route checks on this snapshot say unknown for them: ${omitted.join('; ')}`)
  }
}

