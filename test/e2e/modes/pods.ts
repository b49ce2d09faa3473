import {apply, kubectlOk, PROBE_IMAGE} from '../helpers.js'

/** A probe pod pinned to a node (sleeps), for --from-pod and path; returns once Ready. */
export function clientPod(namespace: string, name: string, node: string, labels: Record<string, string> = {app: name}): void {
  apply(
    namespace,
    `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: ${v}`)
  .join('\n')}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: ${PROBE_IMAGE}
    imagePullPolicy: IfNotPresent
    command: [sleep, infinity]
`,
  )
  kubectlOk(['-n', namespace, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=90s'])
}

export function podIP(namespace: string, name: string): string {
  return kubectlOk(['-n', namespace, 'get', 'pod', name, '-o', 'jsonpath={.status.podIP}']).trim()
}
