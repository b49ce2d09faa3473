// Why a pod is not a ready endpoint, from its status alone: the reason a person would dig out of
// `kubectl describe pod` (CrashLoopBackOff, a failing readiness probe, unschedulable, terminating...).
import type {Container, ContainerStatus, Pod} from '../../cluster/types.js'

export type NotReadyCode =
  | 'terminating'
  | 'finished'
  | 'unschedulable'
  | 'pending'
  | 'init-container'
  | 'crash-loop'
  | 'image-pull'
  | 'container-waiting'
  | 'container-terminated'
  | 'startup-probe'
  | 'readiness-probe'
  | 'readiness-gate'
  | 'not-ready'

export interface NotReadyReason {
  code: NotReadyCode
  /** One clause naming the container and the evidence: "container api is in CrashLoopBackOff (7 restarts, last exit 1: Error)". */
  message: string
  container?: string
}

type Probe = NonNullable<Container['readinessProbe']>

/** "httpGet :8080/healthz", "tcpSocket :5432", "exec pg_isready -U app", "grpc :9090". */
export function describeProbe(probe: Probe | undefined): string | undefined {
  if (!probe) return undefined
  if (probe.httpGet) return `httpGet ${probe.httpGet.scheme === 'HTTPS' ? 'https ' : ''}:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`
  if (probe.tcpSocket) return `tcpSocket :${probe.tcpSocket.port}`
  if (probe.grpc) return `grpc :${probe.grpc.port}${probe.grpc.service ? ` (${probe.grpc.service})` : ''}`
  if (probe.exec) return `exec ${(probe.exec.command ?? []).join(' ')}`
  return 'a probe'
}

function condition(pod: Pod, type: string) {
  return (pod.status?.conditions ?? []).find((c) => c.type === type)
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp && condition(pod, 'Ready')?.status === 'True'
}

function lastExit(status: ContainerStatus): string {
  const t = status.lastState?.terminated
  if (!t) return ''
  return `, last exit ${t.exitCode}${t.reason ? `: ${t.reason}` : ''}`
}

function restarts(status: ContainerStatus): string {
  const n = status.restartCount ?? 0
  return `${n} restart${n === 1 ? '' : 's'}`
}

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'])

function waitingReason(status: ContainerStatus, kind: 'container' | 'init container'): NotReadyReason | undefined {
  const waiting = status.state?.waiting
  if (waiting) {
    const reason = waiting.reason ?? 'Waiting'
    if (reason === 'CrashLoopBackOff') {
      return {code: 'crash-loop', container: status.name, message: `${kind} ${status.name} is in CrashLoopBackOff (${restarts(status)}${lastExit(status)})`}
    }
    if (IMAGE_PULL.has(reason)) {
      return {code: 'image-pull', container: status.name, message: `${kind} ${status.name} cannot pull its image (${reason}${waiting.message ? `: ${waiting.message}` : ''})`}
    }
    return {code: 'container-waiting', container: status.name, message: `${kind} ${status.name} is waiting (${reason}${waiting.message ? `: ${waiting.message}` : ''})`}
  }
  const terminated = status.state?.terminated
  if (terminated && !(kind === 'init container' && terminated.exitCode === 0)) {
    return {
      code: 'container-terminated',
      container: status.name,
      message: `${kind} ${status.name} terminated (exit ${terminated.exitCode}${terminated.reason ? `: ${terminated.reason}` : ''})`,
    }
  }
  return undefined
}

/**
 * Why the pod is not ready, most specific first; undefined when it is ready. Reads only the pod object:
 * the probe's own failure message lives in Events ("Readiness probe failed: ..."), which a live check may add.
 */
export function podNotReadyReason(pod: Pod): NotReadyReason | undefined {
  if (pod.metadata?.deletionTimestamp) return {code: 'terminating', message: `pod is terminating (deletion requested at ${String(pod.metadata.deletionTimestamp)})`}
  const phase = pod.status?.phase
  if (phase === 'Succeeded' || phase === 'Failed') {
    return {code: 'finished', message: `pod has finished (phase ${phase}${pod.status?.reason ? `, ${pod.status.reason}` : ''}); finished pods are never endpoints`}
  }
  if (isPodReady(pod)) return undefined
  const scheduled = condition(pod, 'PodScheduled')
  if (scheduled?.status === 'False') {
    return {code: 'unschedulable', message: `pod cannot be scheduled (${scheduled.reason ?? 'Unschedulable'}${scheduled.message ? `: ${scheduled.message}` : ''})`}
  }
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const spec = (pod.spec?.initContainers ?? []).find((c) => c.name === status.name)
    // A sidecar (restartPolicy Always) keeps running; it blocks nothing once started.
    if (spec?.restartPolicy === 'Always' && status.state?.running) continue
    const reason = waitingReason(status, 'init container')
    if (reason) return {...reason, code: reason.code === 'crash-loop' || reason.code === 'image-pull' ? reason.code : 'init-container'}
    if (status.state?.running) return {code: 'init-container', container: status.name, message: `init container ${status.name} is still running`}
  }
  const specs = new Map((pod.spec?.containers ?? []).map((c) => [c.name, c]))
  const statuses = pod.status?.containerStatuses ?? []
  for (const status of statuses) {
    const reason = waitingReason(status, 'container')
    if (reason) return reason
  }
  for (const status of statuses) {
    if (status.ready || !status.state?.running) continue
    const spec = specs.get(status.name)
    if (status.started === false && spec?.startupProbe) {
      return {code: 'startup-probe', container: status.name, message: `container ${status.name} has not passed its startup probe (${describeProbe(spec.startupProbe)}, ${restarts(status)})`}
    }
    if (spec?.readinessProbe) {
      return {
        code: 'readiness-probe',
        container: status.name,
        message: `container ${status.name} runs but fails its readiness probe (${describeProbe(spec.readinessProbe)}, ${restarts(status)}${lastExit(status)})`,
      }
    }
    return {code: 'not-ready', container: status.name, message: `container ${status.name} runs but is not ready (${restarts(status)})`}
  }
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType).filter((type) => condition(pod, type)?.status !== 'True')
  if (gates.length > 0) return {code: 'readiness-gate', message: `readiness gate ${gates.join(', ')} is not True`}
  if (phase === 'Pending' || statuses.length === 0) return {code: 'pending', message: `pod is ${phase ?? 'Pending'}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`}
  const ready = condition(pod, 'Ready')
  return {code: 'not-ready', message: `pod is not ready${ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`}
}
