/** Pod objects trimmed from real API responses, for the states a debug pod passes through. */
export function debugPod(name: string, namespace: string, state: 'pending' | 'running' | 'image-pull' | 'unschedulable'): Record<string, unknown> {
  const base = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {name, namespace, uid: '7c0c7a3e-2f6e-4c1b-9a53-0c6a3f2b1d11', labels: {'app.kubernetes.io/managed-by': 'kubectl-netdiag'}},
    spec: {nodeName: state === 'unschedulable' ? undefined : 'node-1', containers: [{name: 'probe', image: 'nicolaka/netshoot:latest'}]},
  }
  switch (state) {
    case 'running':
      return {
        ...base,
        status: {
          phase: 'Running',
          podIP: '10.244.0.12',
          conditions: [{type: 'Ready', status: 'True'}],
          containerStatuses: [{name: 'probe', ready: true, restartCount: 0, image: 'nicolaka/netshoot:latest', imageID: '', started: true, state: {running: {startedAt: '2026-11-23T01:00:00Z'}}}],
        },
      }
    case 'image-pull':
      return {
        ...base,
        status: {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'probe',
              ready: false,
              restartCount: 0,
              image: 'nicolaka/netshoot:latest',
              imageID: '',
              state: {waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "nicolaka/netshoot:latest"'}},
            },
          ],
        },
      }
    case 'unschedulable':
      return {
        ...base,
        status: {
          phase: 'Pending',
          conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'}],
        },
      }
    default:
      return {...base, status: {phase: 'Pending', containerStatuses: [{name: 'probe', ready: false, restartCount: 0, image: '', imageID: '', state: {waiting: {reason: 'ContainerCreating'}}}]}}
  }
}

/** The anchor Job as the API server answers its create (trimmed from a real 1.32 response). */
export function anchorJob(name: string, namespace: string, uid = 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'): Record<string, unknown> {
  return {
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: {name, namespace, uid, resourceVersion: '4711', generation: 1, labels: {'app.kubernetes.io/managed-by': 'kubectl-netdiag', 'app.kubernetes.io/name': 'netdiag-anchor'}},
    spec: {parallelism: 0, completions: 1, activeDeadlineSeconds: 160, backoffLimit: 0, ttlSecondsAfterFinished: 0, completionMode: 'NonIndexed', suspend: false},
    status: {},
  }
}
