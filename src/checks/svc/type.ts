import {worstStatus} from '../../analysis/node/finding.js'
import {serviceKind, serviceTypeFindings} from '../../analysis/svc/service-type.js'
import type {Check} from '../../engine/types.js'
import {clientPod, requireService, selectedPods, serviceRef, sliceSummary, slicesAndPodsAccess} from './facts.js'
import type {SvcTarget} from './target.js'

/** Type-specific pitfalls: ExternalName, headless, LoadBalancer, NodePort, selector-less, traffic policy Local. */
export const typeCheck: Check<SvcTarget> = {
  id: 'svc.type',
  title: 'Service type',
  layer: 'service',
  dependsOn: ['svc.service'],
  requires: slicesAndPodsAccess,
  async run({view, target}) {
    const service = await requireService(view, target)
    const kind = serviceKind(service)
    const external = kind === 'ExternalName'
    const [pods, slices] = external ? [[], undefined] : await Promise.all([selectedPods(view, target, service), sliceSummary(view, target, service)])
    const local = service.spec?.internalTrafficPolicy === 'Local' || service.spec?.externalTrafficPolicy === 'Local'
    const [client, nodes] = await Promise.all([
      target.fromPod ? clientPod(view, target) : undefined,
      // Only traffic policy Local needs every node; a list we may not read just narrows the finding.
      local ? view.listNodes().then((list) => list.map((n) => n.metadata?.name ?? ''), () => undefined) : undefined,
    ])
    const findings = serviceTypeFindings({
      service,
      pods,
      slices: slices ?? {slices: [], addressTypes: [], managedBy: [], addresses: 0, withoutPorts: [], ports: []},
      ...(client?.real && client.pod.spec?.nodeName ? {clientNode: client.pod.spec.nodeName} : {}),
      ...(nodes ? {nodes} : {}),
    })
    const status = worstStatus(findings)
    const worst = findings.filter((f) => f.status === status)
    const remediation = worst.map((f) => f.remediation).filter(Boolean).join('\n')
    return {
      status,
      summary: status === 'pass' ? findings.map((f) => f.message).join('; ') : worst.map((f) => f.message).join('; '),
      objects: [serviceRef(target)],
      details: {kind, findings: findings.map((f) => ({status: f.status, code: f.code, message: f.message}))},
      ...(remediation ? {remediation} : {}),
    }
  },
}
