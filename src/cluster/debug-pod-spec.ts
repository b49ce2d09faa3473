import type {V1Job} from '@kubernetes/client-node'

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
  /** The session's anchor Job in this namespace: the garbage collector deletes the pod with it. */
  owner?: AnchorRef
  /** A POSIX sh script the probe container runs as it starts, before it sleeps: its output is in the pod's log. */
  startupScript?: string
}

/** A Job we create per session and namespace only to own our pods (see anchorJobManifest). */
export interface AnchorRef {
  name: string
  uid: string
}

export interface NodeDebugPodOptions extends DebugPodOptions {
  nodeName: string
}

/** The conventional unprivileged uid/gid (nobody), present in every image's passwd or not: it needs neither. */
const NOBODY_UID = 65534
export const ANCHOR_ROLE = 'netdiag-anchor'

// Limits, so a namespace whose quota demands them still admits the pod. The CPU limit is one core, not a fraction:
// the probes run in bursts (several dig processes at once, each loading its libraries), and at 200m the CFS
// quota stretched a 60 ms burst into most of a second. The pod lives for seconds.
const RESOURCES = {requests: {cpu: '10m', memory: '16Mi'}, limits: {cpu: '1', memory: '128Mi'}}

function metadata(options: Omit<DebugPodOptions, 'image'>, role: string) {
  const expires = new Date((options.now ?? new Date()).getTime() + options.deadlineSeconds * 1000)
  return {
    generateName: `netdiag-${options.sessionId}-`,
    namespace: options.namespace,
    labels: {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ROLE_LABEL]: role, [SESSION_LABEL]: options.sessionId},
    annotations: {[EXPIRES_ANNOTATION]: expires.toISOString(), [COMMAND_ANNOTATION]: options.command},
    // Not a controller reference: the Job controller must neither adopt nor count (and so delete) our pods.
    ...(options.owner ? {ownerReferences: [{apiVersion: 'batch/v1', kind: 'Job', name: options.owner.name, uid: options.owner.uid}]} : {}),
  }
}

const RESTRICTED_POD_SECURITY = {runAsNonRoot: true, runAsUser: NOBODY_UID, runAsGroup: NOBODY_UID, seccompProfile: {type: 'RuntimeDefault'}}
const RESTRICTED_CONTAINER_SECURITY = {allowPrivilegeEscalation: false, privileged: false, capabilities: {drop: ['ALL']}}

/**
 * The Job that makes our pods go away when netdiag cannot delete them itself (kill -9, a lost connection).
 * It never runs a pod (parallelism 0); the Job controller fails it at activeDeadlineSeconds, the TTL-after-
 * finished controller then deletes it at once (ttlSecondsAfterFinished 0), and the garbage collector deletes
 * every pod whose ownerReferences name it. Pods stay ours to create, so a create refused by Pod Security,
 * quota or a webhook is still one synchronous error, and no controller sits between us and a running pod.
 */
export function anchorJobManifest(options: Omit<DebugPodOptions, 'owner' | 'nodeName' | 'rawSockets'>): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(options, ANCHOR_ROLE),
    spec: {
      parallelism: 0,
      completions: 1,
      backoffLimit: 0,
      activeDeadlineSeconds: options.deadlineSeconds,
      ttlSecondsAfterFinished: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
          securityContext: RESTRICTED_POD_SECURITY,
          containers: [{name: PROBE_CONTAINER, image: options.image, imagePullPolicy: 'IfNotPresent', command: ['true'], resources: RESOURCES, securityContext: RESTRICTED_CONTAINER_SECURITY}],
        },
      },
    },
  }
}


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
      ...(options.rawSockets ? {} : {securityContext: RESTRICTED_POD_SECURITY}),
      containers: [
        {
          name: PROBE_CONTAINER,
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: probeCommand(options.deadlineSeconds, options.startupScript),
          resources: RESOURCES,
          securityContext: options.rawSockets ? {allowPrivilegeEscalation: false, privileged: false} : RESTRICTED_CONTAINER_SECURITY,
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

/**
 * The probe container sleeps until its deadline. With a startup script it first runs the script (tool detection:
 * read back from the log, it saves an exec) and then becomes the sleep, so it still exits at the deadline.
 */
export function probeCommand(deadlineSeconds: number, startupScript?: string): string[] {
  return startupScript ? ['sh', '-c', `${startupScript}\nexec sleep ${deadlineSeconds}`] : ['sleep', String(deadlineSeconds)]
}

/** The strategic-merge patch body that adds an ephemeral container, as kubectl debug builds it. */
export function ephemeralContainerPatch(name: string, image: string, deadlineSeconds: number, targetContainerName?: string, startupScript?: string) {
  return {
    spec: {
      ephemeralContainers: [
        {
          name,
          image,
          imagePullPolicy: 'IfNotPresent',
          command: probeCommand(deadlineSeconds, startupScript),
          ...(targetContainerName ? {targetContainerName} : {}),
          stdin: false,
          tty: false,
        },
      ],
    },
  }
}
