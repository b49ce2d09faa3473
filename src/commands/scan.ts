import {Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {whatIfFlags} from '../what-if.js'

/** Exit code of `scan --with --fail-on-change` when the what-if flips a verdict or adds a finding (contract). */
export const EXIT_CHANGED = 5

export default class Scan extends NetdiagCommand {
  static override summary = "The whole cluster's network faults in one pass, and what a change would break (--with)."
  static override description =
    'API only, live or --snapshot, no debug pod: every Service (selector, endpoints, targetPorts, type pitfalls, as svc judges them), cluster DNS (as dns judges it) and DNS through the policies of every namespace for each group of pods with the same labels, NetworkPolicies that select no pod or whose peers match nothing, policy kinds nothing enforces, and per node readiness, CNI agent and kube-proxy. Every finding has a stable code (the README has the catalogue), the objects, the evidence and the fix. With --with/--without: the same scan of the what-if view, and what changes (verdicts that flip, findings that appear or disappear).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> -A',
    '<%= config.bin %> <%= command.id %> -n shop',
    '<%= config.bin %> <%= command.id %> -A --snapshot cluster.json -o junit > netdiag.xml',
    '<%= config.bin %> <%= command.id %> -A --ignore svc-loadbalancer-pending,policy-selects-no-pod',
    '<%= config.bin %> <%= command.id %> -A --config .netdiag-scan.yaml',
    '<%= config.bin %> <%= command.id %> -n shop --with lockdown.yaml',
    '<%= config.bin %> <%= command.id %> -A --snapshot cluster.json --with manifests/ --fail-on-change -o json',
    '<%= config.bin %> <%= command.id %> -n shop --without networkpolicy/shop/allow-dns',
  ]

  static override flags = {
    ...globalFlags,
    'all-namespaces': Flags.boolean({char: 'A', description: 'Scan every namespace (default: -n, else the context namespace).', default: false}),
    ignore: Flags.string({description: 'Accept findings with these codes (comma-separated; repeatable): reported as ignored, never counted.', multiple: true, multipleNonGreedy: true}),
    config: Flags.string({description: 'A YAML or JSON file with findings to accept: ignore: [CODE | {code, object: Kind/ns/name, namespace}].'}),
    ...whatIfFlags,
    'fail-on-change': Flags.boolean({
      description: `With --with/--without: exit ${EXIT_CHANGED} when the what-if flips a reachability verdict or adds (or worsens) a finding, else 0, whatever the cluster already has.`,
      default: false,
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Scan)
    if (flags['all-namespaces'] && flags.namespace) throw badInput('-A and -n cannot be combined: scan every namespace, or one')
    if (flags['fail-on-change'] && !flags.with?.length && !flags.without?.length) throw badInput('--fail-on-change needs --with or --without (a change to compare against)')
    const [{codeProblem, parseScanConfig, ScanConfigError}, {readFileSync}] = await Promise.all([import('../analysis/scan/config.js'), import('node:fs')])
    const ignores = (flags.ignore ?? []).flatMap((text) => text.split(',').map((code) => code.trim()).filter(Boolean)).map((code) => {
      const problem = codeProblem(code)
      if (problem) throw badInput(`--ignore: ${problem}`)
      return {code}
    })
    if (flags.config) {
      let text: string
      try {
        text = readFileSync(flags.config, 'utf8')
      } catch (error) {
        throw badInput(`--config ${flags.config}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
      }
      try {
        ignores.push(...parseScanConfig(text, flags.config))
      } catch (error) {
        if (error instanceof ScanConfigError) throw badInput(error.message)
        throw error
      }
    }
    // A sweep reads every pod (policy peers reach across namespaces): a snapshot is read whole, once.
    const env = await this.environment(flags, {readWhole: true})
    const {readWhatIf} = await import('../what-if.js')
    const overlay = await readWhatIf(flags, env.namespace)
    const all = flags['all-namespaces']
    if (all) await this.reach(env)
    else await this.requireNamespace(env, env.namespace)
    const {runScan} = await import('../engine/scan.js')
    const report = await runScan({
      view: env.view,
      cluster: await env.view.info(),
      namespace: all ? undefined : env.namespace,
      ignores,
      overlay,
      timeoutMs: (await import('../flags.js')).parseDuration(flags.timeout),
    })
    const damage = env.view.damage?.()
    if (damage) throw damage
    await this.renderScan(report, flags)
    if (flags['fail-on-change']) {
      if ((report.scan?.whatIf?.regressions ?? 0) > 0) this.exit(EXIT_CHANGED)
      return
    }
    const {exitCodeFor} = await import('../base-command.js')
    const exit = exitCodeFor(report, flags['fail-on'] as 'warn' | 'fail')
    if (exit !== 0) this.exit(exit)
  }

  private async renderScan(report: Awaited<ReturnType<typeof import('../engine/scan.js').runScan>>, flags: {output: string; 'fail-on': string; quiet: boolean; 'no-color': boolean}): Promise<void> {
    switch (flags.output) {
      case 'json':
        return this.writeOut((await import('../report/json.js')).renderJson(report))
      case 'yaml':
        return this.writeOut((await import('../report/yaml.js')).renderYaml(report))
      case 'junit':
        return this.writeOut((await import('../report/scan-junit.js')).renderScanJunit(report, {failOnWarn: flags['fail-on'] === 'warn'}))
    }
    const [{renderScanTable}, {terminalWidth}] = await Promise.all([import('../report/scan-table.js'), import('../base-command.js')])
    const color = !flags['no-color'] && !process.env.NO_COLOR && process.env.TERM !== 'dumb' && Boolean(process.stdout.isTTY)
    await this.writeOut(renderScanTable(report, {color, width: terminalWidth(), quiet: flags.quiet}))
  }
}
