import type {Pod} from './types.js'

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY_VALUE = 'kubectl-netdiag'
export const SESSION_LABEL = 'kubectl-netdiag.io/session'
export const ROLE_LABEL = 'app.kubernetes.io/name'
export const EXPIRES_ANNOTATION = 'kubectl-netdiag.io/expires-at'
export const COMMAND_ANNOTATION = 'kubectl-netdiag.io/command'
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`
export const PROBE_CONTAINER = 'probe'

export interface DebugPodOptions {
  namespace: string
  image: string
  sessionId: string
  /** Seconds until the API server kills the pod even if we never come back. */
  deadlineSeconds: number
  command: string
  now?: Date
  /** Schedule on this node (bypasses the scheduler, like kubectl debug node/...). */
  nodeName?: string
  /**
   * ping and traceroute need raw sockets (NET_RAW, root). Without them the pod meets Pod Security "restricted"
   * (non-root, no capabilities, RuntimeDefault seccomp), which is all dig and nc need, so DNS and Service probes
   * also run in namespaces that enforce it.
   */
  rawSockets?: boolean
}

export interface NodeDebugPodOptions extends DebugPodOptions {
  nodeName: string
}

function metadata(options: DebugPodOptions, role: string) {
  const expires = new Date((options.now ?? new Date()).getTime() + options.deadlineSeconds * 1000)
  return {
    generateName: `netdiag-${options.sessionId}-`,
    namespace: options.namespace,
    labels: {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ROLE_LABEL]: role, [SESSION_LABEL]: options.sessionId},
    annotations: {[EXPIRES_ANNOTATION]: expires.toISOString(), [COMMAND_ANNOTATION]: options.command},
  }
}

/** The conventional unprivileged uid/gid (nobody), present in every image's passwd or not: it needs neither. */
const NOBODY = 65534

const RESOURCES = {requests: {cpu: '10m', memory: '16Mi'}, limits: {cpu: '200m', memory: '128Mi'}}

/** An ordinary, unprivileged pod: what DNS and Service probes need, and nothing more. */
export function debugPodManifest(options: DebugPodOptions): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(options, 'netdiag-probe'),
    spec: {
      ...(options.nodeName ? {nodeName: options.nodeName} : {}),
      restartPolicy: 'Never',
      activeDeadlineSeconds: options.deadlineSeconds,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(options.rawSockets ? {} : {securityContext: {runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, seccompProfile: {type: 'RuntimeDefault'}}}),
      containers: [
        {
          name: PROBE_CONTAINER,
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(options.deadlineSeconds)],
          resources: RESOURCES,
          securityContext: {allowPrivilegeEscalation: false, privileged: false, ...(options.rawSockets ? {} : {capabilities: {drop: ['ALL']}})},
        },
      ],
    },
  }
}

/** `kubectl debug node/X` style: privileged, host network and PID, host root at /host, any taint tolerated. */
export function nodeDebugPodManifest(options: NodeDebugPodOptions): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(options, 'netdiag-node-probe'),
    spec: {
      nodeName: options.nodeName,
      restartPolicy: 'Never',
      activeDeadlineSeconds: options.deadlineSeconds,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: true,
      hostPID: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      tolerations: [{operator: 'Exists'}],
      volumes: [{name: 'host-root', hostPath: {path: '/'}}],
      containers: [
        {
          name: PROBE_CONTAINER,
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(options.deadlineSeconds)],
          resources: RESOURCES,
          securityContext: {privileged: true},
          volumeMounts: [{name: 'host-root', mountPath: '/host', readOnly: true}],
        },
      ],
    },
  }
}

/** The strategic-merge patch body that adds an ephemeral container, as kubectl debug builds it. */
export function ephemeralContainerPatch(name: string, image: string, deadlineSeconds: number, targetContainerName?: string) {
  return {
    spec: {
      ephemeralContainers: [
        {
          name,
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(deadlineSeconds)],
          ...(targetContainerName ? {targetContainerName} : {}),
          stdin: false,
          tty: false,
        },
      ],
    },
  }
}
