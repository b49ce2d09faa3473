import {DEFAULT_CLASS_ANNOTATION} from '../../analysis/ingress/ingress-class.js'
import type {Check} from '../../engine/types.js'
import {classFacts, ingressRef} from './facts.js'
import type {IngressTarget} from './target.js'

const classRef = (name: string) => ({kind: 'IngressClass', name, apiVersion: 'networking.k8s.io/v1'})

/** The IngressClass that governs the Ingress: named and existing, or the one default; several defaults is a finding. */
export const classCheck: Check<IngressTarget> = {
  id: 'ingress.class',
  title: 'IngressClass',
  layer: 'service',
  requires: ({namespace}) => [
    {verb: 'get', group: 'networking.k8s.io', resource: 'ingresses', namespace},
    {verb: 'list', group: 'networking.k8s.io', resource: 'ingressclasses'},
  ],
  async run({view, target}) {
    const {choice, classes, unknownOffline} = await classFacts(view, target)
    const ref = ingressRef(target)
    const name = `Ingress ${target.namespace}/${target.name}`
    const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true').map((c) => c.metadata?.name ?? '')
    const details = {classes: classes.map((c) => ({name: c.metadata?.name, controller: c.spec?.controller, default: defaults.includes(c.metadata?.name ?? '')})), defaults}
    if (unknownOffline && choice.outcome !== 'named') {
      return {status: 'warn', summary: `the snapshot holds no IngressClass, so which class governs ${name} is unknown; capture one with kubectl netdiag snapshot`, objects: [ref], details}
    }
    const manyDefaults = defaults.length > 1 ? `; ${defaults.length} IngressClasses are marked default (${defaults.join(', ')}): the API server rejects new Ingresses without a class until only one is` : ''
    switch (choice.outcome) {
      case 'named':
        return {
          status: manyDefaults ? 'warn' : 'pass',
          summary: `${name} names IngressClass ${choice.name} (controller ${choice.ingressClass.spec?.controller})${manyDefaults}`,
          objects: [ref, classRef(choice.name)],
          details,
        }
      case 'missing':
        return {
          status: unknownOffline ? 'warn' : 'fail',
          summary: unknownOffline
            ? `${name} names IngressClass ${choice.name}; the snapshot holds no IngressClass, so whether it exists is unknown`
            : `${name} names IngressClass ${choice.name}, which does not exist: no controller serves it${choice.existing.length ? `; existing classes: ${choice.existing.join(', ')}` : '; the cluster has no IngressClass at all'}`,
          objects: [ref, classRef(choice.name)],
          details,
          remediation: choice.existing.length
            ? `kubectl -n ${target.namespace} patch ingress ${target.name} --type=merge -p '{"spec":{"ingressClassName":"${choice.existing[0]}"}}'   # or create IngressClass ${choice.name}`
            : `install an ingress controller (it creates its IngressClass), or create IngressClass ${choice.name} for the one that runs`,
        }
      case 'legacy-annotation':
        return {
          status: 'warn',
          summary: `${name} selects its class with the deprecated annotation kubernetes.io/ingress.class=${choice.name}${choice.ingressClass ? ` (IngressClass ${choice.name} exists, controller ${choice.ingressClass.spec?.controller})` : ', and no IngressClass has that name: only a controller started for that class name serves it'}${manyDefaults}`,
          objects: [ref, ...(choice.ingressClass ? [classRef(choice.name)] : [])],
          details,
          remediation: `set spec.ingressClassName instead: kubectl -n ${target.namespace} patch ingress ${target.name} --type=merge -p '{"spec":{"ingressClassName":"${choice.name}"}}'`,
        }
      case 'default':
        return {
          status: manyDefaults ? 'warn' : 'pass',
          summary: `${name} names no class; the default IngressClass is ${choice.ingressClass.metadata?.name} (controller ${choice.ingressClass.spec?.controller})${manyDefaults}`,
          objects: [ref, classRef(choice.ingressClass.metadata?.name ?? '')],
          details,
          ...(manyDefaults ? {remediation: `keep one default: kubectl annotate ingressclass ${defaults.slice(1).join(' ')} ${DEFAULT_CLASS_ANNOTATION}-`} : {}),
        }
      case 'no-class':
        return {
          status: 'warn',
          summary: `${name} names no IngressClass and no class is the default: only a controller that watches class-less Ingresses (ingress-nginx --watch-ingress-without-class) serves it`,
          objects: [ref],
          details,
          remediation: classes.length
            ? `kubectl -n ${target.namespace} patch ingress ${target.name} --type=merge -p '{"spec":{"ingressClassName":"${classes[0]!.metadata?.name}"}}'`
            : 'install an ingress controller (it creates its IngressClass), then set spec.ingressClassName',
        }
    }
  },
}
