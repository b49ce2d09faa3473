import {Args, Flags} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {parseRequestFlags, requestFlags} from './request-flags.js'

const ROUTE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export default class RouteCommand extends NetdiagCommand {
  static override summary = "Why doesn't this HTTPRoute or GRPCRoute get traffic to my pods?"
  static override description =
    "Follows a request through a Gateway API route: the GatewayClass (Accepted) and its controller, each parent Gateway (Accepted, Programmed, addresses), whether the listeners allow the route (sectionName/port, allowedRoutes namespaces Same/All/Selector against the route's namespace labels, kinds, hostname intersection), what the controller wrote in status.parents (Accepted/ResolvedRefs reasons; stale when the controller is not running), which rule serves --host/--path, the backendRefs (the namespace they name, the ReferenceGrant a cross-namespace one needs, weights), then the backend Services as `svc` checks them and NetworkPolicy from the controller's pods; then, from a debug pod, an HTTP request to the Gateway's address on the listener's port with the route's Host and straight to a backend pod, naming the hop that fails and its status code, and whether that agrees with the static checks (HTTPRoute; --no-probe: API only)."

  static override examples = [
    '<%= config.bin %> <%= command.id %> store -n shop',
    '<%= config.bin %> <%= command.id %> store -n shop --url https://shop.example.com/cart',
    '<%= config.bin %> <%= command.id %> echo -n shop --kind GRPCRoute --path /echo.Echo/Say -o json',
    '<%= config.bin %> <%= command.id %> store -n shop --snapshot cluster.json',
  ]

  static override args = {
    name: Args.string({description: 'The route name.', required: true}),
  }

  static override flags = {
    ...globalFlags,
    kind: Flags.string({description: 'The route kind.', options: ['HTTPRoute', 'GRPCRoute'], default: 'HTTPRoute'}),
    ...requestFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RouteCommand)
    if (!ROUTE_NAME.test(args.name)) throw badInput(`invalid route name "${args.name}": a lowercase DNS subdomain (a-z, 0-9, '-', '.')`)
    const kind = flags.kind as 'HTTPRoute' | 'GRPCRoute'
    const request = parseRequestFlags(flags)
    const env = await this.environment(flags)
    const namespace = env.namespace
    await this.requireNamespace(env, namespace)
    const route = await env.view.getRoute(kind, namespace, args.name)
    if (!route) throw badInput(`${kind} "${args.name}" not found in namespace ${namespace}${env.view.source === 'snapshot' ? ' in the snapshot' : ''}; list them with: kubectl get ${kind.toLowerCase()}s -n ${namespace}`)
    const {routePlan} = await import('../checks/route/plan.js')
    await this.runDiagnosis(env, {
      // DiagnosisSpec (base-command.ts) lists the four older commands; the report carries the string as is.
      command: 'route',
      target: {namespace, name: args.name, kind, ...request},
      checks: routePlan(),
    })
  }
}
