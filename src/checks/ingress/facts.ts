import {type ClassChoice, chooseIngressClass} from '../../analysis/ingress/ingress-class.js'
import {regexPathAnnotation} from '../../analysis/ingress/annotations.js'
import {allIngressBackends, type IngressMatch, matchIngress} from '../../analysis/ingress/rule-match.js'
import type {Ingress, IngressBackend, IngressClass} from '../../cluster/types.js'
import type {ClusterView} from '../../cluster/view.js'
import type {CheckContext} from '../../engine/types.js'
import type {ServiceBackend} from '../backends.js'
import {oncePerView as once} from '../per-view.js'
import {controllerFacts, type ControllerFacts} from '../controller.js'
import type {IngressTarget} from './target.js'

export async function requireIngress(view: ClusterView, target: IngressTarget): Promise<Ingress> {
  const ingress = await view.getIngress(target.namespace, target.name)
  if (!ingress) throw new Error(`Ingress ${target.namespace}/${target.name} disappeared during the run`)
  return ingress
}

export function ingressRef(target: IngressTarget) {
  return {kind: 'Ingress', namespace: target.namespace, name: target.name, apiVersion: 'networking.k8s.io/v1'}
}

export interface ClassFacts {
  choice: ClassChoice
  classes: IngressClass[]
  /** A snapshot without any IngressClass says nothing about classes. */
  unknownOffline: boolean
}

export function classFacts(view: ClusterView, target: IngressTarget): Promise<ClassFacts> {
  return once(view, `ingress-class|${target.namespace}|${target.name}`, async () => {
    const [ingress, classes] = await Promise.all([requireIngress(view, target), view.listIngressClasses()])
    return {choice: chooseIngressClass(ingress, classes), classes, unknownOffline: view.lacks?.('IngressClass') !== undefined}
  })
}

export function governingClass(facts: ClassFacts): IngressClass | undefined {
  const c = facts.choice
  return c.outcome === 'named' || c.outcome === 'default' ? c.ingressClass : c.outcome === 'legacy-annotation' ? c.ingressClass : undefined
}

export async function ingressController(view: ClusterView, target: IngressTarget): Promise<ControllerFacts & {serves: string}> {
  const cls = governingClass(await classFacts(view, target))
  const facts = await controllerFacts(view, cls?.spec?.controller, cls ? `IngressClass ${cls.metadata?.name}` : undefined)
  return {...facts, serves: `Ingress ${target.namespace}/${target.name}`}
}

/** The rule match for --host/--path, or undefined when neither was given (then every backend is in scope). */
export function ruleMatch(view: ClusterView, target: IngressTarget): Promise<IngressMatch | undefined> {
  if (target.host === undefined && target.path === undefined) return Promise.resolve(undefined)
  return once(view, `ingress-match|${target.namespace}|${target.name}`, async () => {
    const ingress = await requireIngress(view, target)
    const cls = governingClass(await classFacts(view, target))
    return matchIngress(ingress, target.host, target.path, {regexPaths: regexPathAnnotation(ingress, cls?.spec?.controller)})
  })
}

function serviceBackend(backend: IngressBackend, namespace: string, via: string): ServiceBackend | undefined {
  const svc = backend.service
  if (!svc) return undefined
  const port = svc.port?.number ?? svc.port?.name
  return {namespace, name: svc.name, ...(port !== undefined ? {port} : {}), via}
}

/** The Services in scope: the matched path's (or the default backend), the candidates when undecidable, else all. */
export async function ingressBackends(ctx: CheckContext<IngressTarget>): Promise<ServiceBackend[]> {
  const {view, target} = ctx
  const ingress = await requireIngress(view, target)
  const match = await ruleMatch(view, target)
  const picked: Array<{backend: IngressBackend; via: string}> =
    match === undefined
      ? allIngressBackends(ingress)
      : match.outcome === 'path'
        ? [{backend: match.chosen.backend, via: `rules[${match.chosen.rule}].http.paths[${match.chosen.path}]`}]
        : match.outcome === 'default-backend'
          ? [{backend: match.backend, via: 'spec.defaultBackend'}]
          : match.outcome === 'undecidable'
            ? match.candidates.map((c) => ({backend: c.backend, via: `rules[${c.rule}].http.paths[${c.path}]`}))
            : []
  const unique = new Map<string, ServiceBackend>()
  for (const p of picked) {
    const b = serviceBackend(p.backend, target.namespace, p.via)
    if (b && !unique.has(`${b.name}|${b.port}`)) unique.set(`${b.name}|${b.port}`, b)
  }
  return [...unique.values()]
}
