import type {Pod} from './types.js'

export type PodStartState =
  | {state: 'running'}
  | {state: 'pending'; reason: string}
  | {state: 'failed'; reason: string; message: string; fix: string}

const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable'])

/**
 * Where a debug pod (or an ephemeral container in it) stands on its way to Running, and, when it will never
 * get there, why and which flag fixes it.
 */
export function podStartState(pod: Pod, container: string, image: string, ephemeral = false): PodStartState {
  const statuses = ephemeral ? pod.status?.ephemeralContainerStatuses : pod.status?.containerStatuses
  const status = statuses?.find((s) => s.name === container)
  if (status?.state?.running) return {state: 'running'}

  const waiting = status?.state?.waiting
  if (waiting?.reason && IMAGE_REASONS.has(waiting.reason)) {
    return {
      state: 'failed',
      reason: waiting.reason,
      message: `cannot pull image ${image} (${waiting.reason}${waiting.message ? `: ${firstLine(waiting.message)}` : ''})`,
      fix: 'use --image to point at a mirror or an image already on the nodes',
    }
  }
  if (waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'CreateContainerError' || waiting?.reason === 'RunContainerError') {
    return {state: 'failed', reason: waiting.reason, message: `container cannot start (${waiting.reason}: ${firstLine(waiting.message ?? '')})`, fix: 'try another --image'}
  }
  const terminated = status?.state?.terminated
  if (terminated) {
    return {
      state: 'failed',
      reason: terminated.reason ?? 'Terminated',
      message: `container exited with code ${terminated.exitCode} (${terminated.reason ?? 'no reason'}) before probes could run; the image needs a working "sleep"`,
      fix: 'use --image with a shell and sleep (e.g. nicolaka/netshoot)',
    }
  }
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
    return {state: 'failed', reason: pod.status.reason ?? pod.status.phase, message: `pod ${pod.status.phase}: ${pod.status.message ?? ''}`.trim(), fix: 'raise --timeout'}
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      state: 'pending',
      reason: `Unschedulable: ${firstLine(scheduled.message ?? '')}`,
    }
  }
  return {state: 'pending', reason: waiting?.reason ?? pod.status?.phase ?? 'Pending'}
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 240)
}
