import {Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {globalFlags, outputFlag, type GlobalFlags} from '../flags.js'

export default class Cleanup extends NetdiagCommand {
  static override summary = 'Delete debug pods left behind (for example by --keep, or a killed run).'
  static override description =
    'Deletes only pods and Jobs labelled app.kubernetes.io/managed-by=kubectl-netdiag (the Jobs own the debug pods, so the cluster deletes the pods at the deadline even without this). Ephemeral containers that netdiag added to your pods cannot be removed by anyone; they exit by themselves after their deadline.'

  static override examples = ['<%= config.bin %> <%= command.id %> -n shop', '<%= config.bin %> <%= command.id %> -A', '<%= config.bin %> <%= command.id %> -A --dry-run']

  static override flags = {
    kubeconfig: globalFlags.kubeconfig,
    context: globalFlags.context,
    namespace: globalFlags.namespace,
    'request-timeout': globalFlags['request-timeout'],
    as: globalFlags.as,
    'as-group': globalFlags['as-group'],
    v: globalFlags.v,
    output: outputFlag(['table', 'json']),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Look in every namespace.', default: false}),
    'dry-run': Flags.boolean({description: 'List what would be deleted, delete nothing.', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Cleanup)
    const env = await this.environment({...flags, timeout: '30s', image: '', keep: false, quiet: false, 'no-probe': true, 'no-color': true, 'fail-on': 'fail'} as GlobalFlags)
    const namespace = flags['all-namespaces'] ? undefined : env.namespace
    if (namespace) await this.requireNamespace(env, namespace)
    const {deleteLeftovers} = await import('../cluster/cleanup.js')
    const result = await deleteLeftovers(env.connection!, env.view, namespace, flags['dry-run'])
    if (flags.output === 'json') {
      await this.writeOut(JSON.stringify({apiVersion: 'netdiag/v1', kind: 'CleanupResult', dryRun: flags['dry-run'], ...result}, null, 2) + '\n')
    } else {
      const verb = flags['dry-run'] ? 'would delete' : 'deleted'
      for (const ref of result.deleted) this.log(`${verb} ${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}`)
      for (const ref of result.failed) this.logToStderr(ref.name === '*' ? `could not list Jobs: ${ref.error}` : `could not delete ${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}: ${ref.error}`)
      if (result.deleted.length === 0 && result.failed.length === 0) this.log(`no netdiag debug pods or Jobs found ${namespace ? `in namespace ${namespace}` : 'in any namespace'}`)
    }
    if (result.failed.length > 0) this.exit(3)
  }
}
