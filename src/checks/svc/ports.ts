import {checkTargetPorts, describeServicePort} from '../../analysis/svc/service-ports.js'
import {hasSelector, serviceKind} from '../../analysis/svc/service-type.js'
import type {Check} from '../../engine/types.js'
import {portsInScope, requireService, selectedPods, serviceRef} from './facts.js'
import type {SvcTarget} from './target.js'

/** Each Service port's targetPort resolves on every backend pod, with the right protocol. */
export const portsCheck: Check<SvcTarget> = {
  id: 'svc.ports',
  title: 'Target ports',
  layer: 'service',
  dependsOn: ['svc.selector'],
  requires: ({namespace}) => [{verb: 'list', resource: 'pods', namespace}],
  async run({view, target}) {
    const service = await requireService(view, target)
    const ref = serviceRef(target)
    if (serviceKind(service) === 'ExternalName' || !hasSelector(service)) {
      return {status: 'skip', skippedBecause: 'not-applicable', summary: 'the Service selects no pods, so there are no container ports to resolve', objects: [ref]}
    }
    const ports = portsInScope(service, target)
    if (ports.length === 0) {
      return {status: 'fail', summary: `Service ${target.namespace}/${target.name} declares no ports: nothing can connect through it`, objects: [ref], remediation: `add a port: kubectl -n ${target.namespace} edit service ${target.name}`}
    }
    const pods = await selectedPods(view, target, service)
    const findings = checkTargetPorts(ports, pods)
    const failing = findings.filter((f) => f.status === 'fail')
    const warning = findings.filter((f) => f.status === 'warn')
    const details = {
      ports: findings.map((f) => ({
        port: describeServicePort(f.servicePort),
        appProtocol: f.servicePort.appProtocol,
        status: f.status,
        groups: f.groups.map((g) => ({owner: g.owner, pods: g.pods.length, resolved: g.resolution.resolved ?? null, via: g.resolution.via, problem: g.resolution.problem ?? null, declared: g.declared})),
      })),
    }
    if (failing.length > 0) {
      const f = failing[0]!
      const bad = f.groups.find((g) => g.resolution.resolved === undefined || g.resolution.problem === 'protocol-mismatch')
      const declaredName = bad?.declared.match(/\((\S+)\)/)?.[1]
      const index = (service.spec?.ports ?? []).indexOf(f.servicePort)
      const targetPort = f.servicePort.targetPort ?? f.servicePort.port
      return {
        status: 'fail',
        summary: f.message,
        objects: [ref, ...(bad ? [{kind: bad.owner.split(' ')[0]!, namespace: target.namespace, name: bad.owner.split(' ')[1]!}] : [])],
        details,
        remediation:
          typeof targetPort === 'string' && declaredName
            ? `point the Service at the name the pods use: kubectl -n ${target.namespace} patch service ${target.name} --type=json -p '[{"op":"replace","path":"/spec/ports/${index}/targetPort","value":"${declaredName}"}]'\nor name the container port ${targetPort} in the pod template (ports: - name: ${targetPort})`
            : `make the Service port's targetPort and protocol match a port the container serves (kubectl -n ${target.namespace} edit service ${target.name})`,
      }
    }
    if (warning.length > 0) {
      return {status: 'warn', summary: warning.map((f) => f.message).join('; '), objects: [ref], details}
    }
    return {status: 'pass', summary: pods.length === 0 ? 'no backend pod to resolve target ports on' : findings.map((f) => f.message).join('; '), objects: [ref], details}
  },
}
