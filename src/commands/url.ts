import {Args} from '../oclif.js'

import {NetdiagCommand} from '../base-command.js'
import {badInput} from '../errors.js'
import {globalFlags} from '../flags.js'
import {parseRequestFlags} from './request-flags.js'

export default class UrlCommand extends NetdiagCommand {
  static override summary = "Why doesn't this URL reach my pods? Finds the Ingress or HTTPRoute that serves it."
  static override description =
    'Finds the one Ingress (a rule for the host and path) or HTTPRoute (hostnames and rules) that serves the URL, in every namespace or in -n, then diagnoses it exactly as `ingress NAME --url URL` or `route NAME --url URL` would. Several objects claiming the URL, or none, is an error that names them (exit 2): diagnose the one you mean by name.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> https://shop.example.com/cart',
    '<%= config.bin %> <%= command.id %> http://shop.example.com/ -n shop -o json',
  ]

  static override args = {
    url: Args.string({description: 'The request: http(s)://HOST/PATH.', required: true}),
  }

  static override flags = {...globalFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(UrlCommand)
    const request = parseRequestFlags({url: args.url})
    const env = await this.environment(flags)
    const scope = flags.namespace
    if (scope) await this.requireNamespace(env, scope)
    else await this.reach(env)
    const [{urlClaims, strongestClaims}, {NotServedError}] = await Promise.all([import('../analysis/ingress/url-owner.js'), import('../cluster/not-served.js')])
    const routes = await env.view.listRoutes('HTTPRoute', scope).catch((error: unknown) => {
      if (error instanceof NotServedError) return []
      throw error
    })
    const claims = strongestClaims(urlClaims(await env.view.listIngresses(scope), routes as never, request.host!, request.path!))
    const where = scope ? `namespace ${scope}` : 'any namespace'
    if (claims.length === 0) throw badInput(`no Ingress rule or HTTPRoute in ${where} serves ${args.url}; list them with: kubectl get ingress,httproutes ${scope ? `-n ${scope}` : '-A'}`)
    if (claims.length > 1) {
      const named = claims.map((c) => `${c.kind} ${c.namespace}/${c.name} (${c.via})`).join(', ')
      const first = claims[0]!
      throw badInput(`${claims.length} objects claim ${args.url}: ${named}; diagnose one with: kubectl netdiag ${first.kind === 'Ingress' ? 'ingress' : 'route'} ${first.name} -n ${first.namespace} --url ${args.url}`)
    }
    const claim = claims[0]!
    const target = {namespace: claim.namespace, name: claim.name, ...request}
    if (claim.kind === 'Ingress') {
      const {ingressPlan} = await import('../checks/ingress/plan.js')
      await this.runDiagnosis({...env, namespace: claim.namespace}, {command: 'ingress', target, checks: ingressPlan()})
      return
    }
    const {routePlan} = await import('../checks/route/plan.js')
    await this.runDiagnosis({...env, namespace: claim.namespace}, {command: 'route', target: {...target, kind: 'HTTPRoute' as const}, checks: routePlan()})
  }
}
