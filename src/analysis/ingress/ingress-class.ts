// Which IngressClass governs an Ingress (https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class,
// #default-ingress-class): spec.ingressClassName; else the deprecated kubernetes.io/ingress.class annotation,
// which controllers match against their own flags; else the class marked default. The DefaultIngressClass
// admission plugin writes the default into ingressClassName at creation, so a class-less Ingress that exists
// was created when no default was set; with several defaults it rejects new class-less Ingresses.
import type {Ingress, IngressClass} from '../../cluster/types.js'

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class'
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class'

export type ClassChoice =
  | {outcome: 'named'; name: string; ingressClass: IngressClass}
  | {outcome: 'missing'; name: string; existing: string[]}
  | {outcome: 'legacy-annotation'; name: string; ingressClass?: IngressClass}
  | {outcome: 'default'; ingressClass: IngressClass; defaults: string[]}
  | {outcome: 'no-class'; defaults: string[]}

export function isDefaultClass(c: IngressClass): boolean {
  return c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true'
}

export function chooseIngressClass(ingress: Ingress, classes: IngressClass[]): ClassChoice {
  const byName = new Map(classes.map((c) => [c.metadata?.name ?? '', c]))
  const defaults = classes.filter(isDefaultClass).map((c) => c.metadata?.name ?? '').sort()
  const named = ingress.spec?.ingressClassName
  if (named) {
    const found = byName.get(named)
    return found ? {outcome: 'named', name: named, ingressClass: found} : {outcome: 'missing', name: named, existing: [...byName.keys()].sort()}
  }
  const legacy = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION]
  if (legacy) return {outcome: 'legacy-annotation', name: legacy, ...(byName.get(legacy) ? {ingressClass: byName.get(legacy)!} : {})}
  if (defaults.length === 0) return {outcome: 'no-class', defaults}
  return {outcome: 'default', ingressClass: byName.get(defaults[0]!)!, defaults}
}
