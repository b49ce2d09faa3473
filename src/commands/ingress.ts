import {Args} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {parseRequestFlags, requestFlags} from './request-flags.js'

// An Ingress name is a DNS-1123 subdomain.
const INGRESS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export default class IngressCommand extends NetdiagCommand {
  static override summary = "Why doesn't https://host/path reach my pods through this Ingress?"
  static override description =
    'Follows a request through an Ingress: the IngressClass (named, missing, or the default; several defaults is a finding) and whether its controller runs, the published address, which rule and path serve --host/--path (precise host before wildcard, exact before prefix, longest prefix; ImplementationSpecific and regex paths said to be undecidable), routing annotations, TLS hosts and Secrets (by metadata only), then the backend Service as `svc` checks it (exists, port, selector, ready endpoints) and NetworkPolicy from the controller\'s pods to the backends; then, from a debug pod, the request itself through the controller\'s Service (Host header, SNI for https) and straight to a backend pod, naming the hop that fails and its status code, and whether that agrees with the static checks (--no-probe: API only).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> web -n shop',
    '<%= config.bin %> <%= command.id %> web -n shop --url https://shop.example.com/cart',
    '<%= config.bin %> <%= command.id %> web -n shop --host shop.example.com --path /api -o json',
    '<%= config.bin %> <%= command.id %> web -n shop --snapshot cluster.json',
  ]

  static override args = {
    name: Args.string({description: 'The Ingress name.', required: true}),
  }

  static override flags = {...globalFlags, ...requestFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(IngressCommand)
    if (!INGRESS_NAME.test(args.name)) throw badInput(`invalid Ingress name "${args.name}": a lowercase DNS subdomain (a-z, 0-9, '-', '.')`)
    const request = parseRequestFlags(flags)
    const env = await this.environment(flags)
    const namespace = env.namespace
    await this.requireNamespace(env, namespace)
    const ingress = await env.view.getIngress(namespace, args.name)
    if (!ingress) throw badInput(`Ingress "${args.name}" not found in namespace ${namespace}${env.view.source === 'snapshot' ? ' in the snapshot' : ''}; list them with: kubectl get ingress -n ${namespace}`)
    if (request.path !== undefined && request.host === undefined) {
      const {ruleHosts} = await import('../analysis/ingress/rule-match.js')
      const hosts = ruleHosts(ingress)
      if (hosts.length > 1) throw badInput(`Ingress ${namespace}/${args.name} serves several hosts (${hosts.join(', ')}): pass --host or --url`)
      if (hosts.length === 1) request.host = hosts[0]
    }
    const {ingressPlan} = await import('../checks/ingress/plan.js')
    await this.runDiagnosis(env, {
      // DiagnosisSpec (base-command.ts) lists the four older commands; the report carries the string as is.
      command: 'ingress',
      target: {namespace, name: args.name, ...request},
      checks: ingressPlan(),
    })
  }
}
