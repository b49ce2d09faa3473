import type {Deployment, ObjectRef, Pod} from '../../cluster/types.js'

export interface CorednsPodState {
  name: string
  node?: string
  phase?: string
  ready: boolean
  restarts: number
  /** state.waiting.reason of the first not-running container: CrashLoopBackOff, ImagePullBackOff... */
  waitingReason?: string
  /** lastState.terminated.reason: OOMKilled, Error, Completed... */
  lastTerminationReason?: string
  lastExitCode?: number
  image?: string
}

export interface CorednsPodsVerdict {
  status: 'pass' | 'warn' | 'fail'
  summary: string
  objects: ObjectRef[]
  remediation?: string
  details: {
    desired: number
    ready: number
    pods: CorednsPodState[]
    nodes: string[]
    images: string[]
    problems: string[]
  }
}

export interface CorednsPodsInput {
  /** The Deployment (kube-system/coredns, or kube-dns on some distributions); optional. */
  deployment?: Deployment
  /** Pods labelled k8s-app=kube-dns. */
  pods: Pod[]
  /** Schedulable nodes in the cluster: spreading is only expected when there is more than one. */
  nodeCount?: number
  /** Restarts at or above this with an Error/OOMKilled last termination are a warning. Default 5. */
  restartWarnThreshold?: number
}

export function podState(pod: Pod): CorednsPodState {
  const statuses = pod.status?.containerStatuses ?? []
  const conditions = pod.status?.conditions ?? []
  const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r !== undefined)
  const terminated = statuses.map((s) => s.lastState?.terminated).find((t) => t !== undefined)
  const container = pod.spec?.containers?.find((c) => c.name === 'coredns') ?? pod.spec?.containers?.[0]
  return {
    name: pod.metadata?.name ?? '(unnamed)',
    node: pod.spec?.nodeName ?? undefined,
    phase: pod.status?.phase,
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    waitingReason: waiting,
    lastTerminationReason: terminated?.reason,
    lastExitCode: terminated?.exitCode,
    image: container?.image,
  }
}

/** "coredns-5d78c9869d-abcde CrashLoopBackOff (OOMKilled, 14 restarts)". */
export function describePod(p: CorednsPodState): string {
  const state = p.waitingReason ?? (p.phase === 'Running' ? (p.ready ? 'Running' : 'Running, not ready') : p.phase ?? 'Unknown')
  const extra = [
    p.lastTerminationReason && p.lastTerminationReason !== 'Completed' ? p.lastTerminationReason : undefined,
    p.restarts > 0 ? `${p.restarts} restart${p.restarts === 1 ? '' : 's'}` : undefined,
  ].filter((x) => x !== undefined)
  return `${p.name} ${state}${extra.length ? ` (${extra.join(', ')})` : ''}`
}

export function analyzeCorednsPods(input: CorednsPodsInput): CorednsPodsVerdict {
  const deploymentName = input.deployment?.metadata?.name
  const namespace = input.deployment?.metadata?.namespace ?? input.pods[0]?.metadata?.namespace ?? 'kube-system'
  const label = deploymentName ? `CoreDNS (Deployment ${namespace}/${deploymentName})` : 'CoreDNS'
  const live = input.pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
  const pods = live.map(podState).sort((a, b) => a.name.localeCompare(b.name))
  const desired = input.deployment?.spec?.replicas ?? (input.deployment ? 1 : pods.length)
  const ready = pods.filter((p) => p.ready).length
  const nodes = [...new Set(pods.map((p) => p.node).filter((n): n is string => n !== undefined))].sort()
  const images = [...new Set(pods.map((p) => p.image).filter((i): i is string => i !== undefined))].sort()
  const objects: ObjectRef[] = [
    ...(deploymentName ? [{kind: 'Deployment', namespace, name: deploymentName}] : []),
    ...pods.map((p) => ({kind: 'Pod', namespace, name: p.name})),
  ]
  const problems: string[] = []
  const remediations: string[] = []
  const details = () => ({desired, ready, pods, nodes, images, problems})

  if (desired === 0) {
    return {
      status: 'fail',
      summary: `${label} is scaled to 0 replicas: nothing answers cluster DNS`,
      objects,
      remediation: `kubectl -n ${namespace} scale deployment ${deploymentName ?? 'coredns'} --replicas=2`,
      details: details(),
    }
  }
  if (pods.length === 0) {
    return {
      status: 'fail',
      summary: `No ${label} pods found (label k8s-app=kube-dns in ${namespace})`,
      objects,
      remediation: `kubectl -n ${namespace} describe deployment ${deploymentName ?? 'coredns'}; kubectl -n ${namespace} get events --sort-by=.lastTimestamp`,
      details: details(),
    }
  }

  const notReady = pods.filter((p) => !p.ready)
  const threshold = input.restartWarnThreshold ?? 5
  for (const p of pods) {
    if (p.lastTerminationReason === 'OOMKilled') {
      problems.push(`${p.name} was OOMKilled (${p.restarts} restarts)`)
      remediations.push(`raise the coredns memory limit (kubectl -n ${namespace} set resources deployment ${deploymentName ?? 'coredns'} --limits=memory=256Mi) and check for a forwarding loop or \`pods verified\` on a large cluster`)
    } else if (p.restarts >= threshold && p.lastTerminationReason === 'Error') {
      problems.push(`${p.name} restarted ${p.restarts} times (last exit: Error${p.lastExitCode !== undefined ? `, code ${p.lastExitCode}` : ''})`)
      remediations.push(`kubectl -n ${namespace} logs ${p.name} --previous`)
    }
    if (p.waitingReason === 'CrashLoopBackOff' && p.lastTerminationReason !== 'OOMKilled') {
      remediations.push(`kubectl -n ${namespace} logs ${p.name} --previous (a loop plugin exit or a Corefile error shows there)`)
    } else if (p.waitingReason && /ImagePull|ErrImage/.test(p.waitingReason)) {
      remediations.push(`check the image ${p.image ?? ''} and registry access from node ${p.node ?? '?'}`)
    } else if (p.phase === 'Pending' && !p.waitingReason) {
      remediations.push(`kubectl -n ${namespace} describe pod ${p.name} (scheduling: taints, resources)`)
    }
  }
  if (pods.length > 1 && nodes.length === 1 && (input.nodeCount ?? 1) > 1) {
    problems.push(`all ${pods.length} pods run on node ${nodes[0]}: losing that node takes cluster DNS down`)
    remediations.push('add podAntiAffinity on kubernetes.io/hostname (kubeadm sets a preferred one) or a topologySpreadConstraint, then kubectl rollout restart')
  }
  if (images.length > 1) {
    problems.push(`pods run different images (${images.join(', ')}): a rollout is in progress or stuck`)
    remediations.push(`kubectl -n ${namespace} rollout status deployment ${deploymentName ?? 'coredns'}`)
  }

  const notReadyText = notReady.map(describePod).join('; ')
  const remediation = [...new Set(remediations)].join('; ') || undefined
  if (ready === 0) {
    return {status: 'fail', summary: `${label} has 0 of ${desired} pods ready: ${notReadyText}`, objects, remediation, details: details()}
  }
  if (ready < desired || notReady.length > 0) {
    problems.unshift(`${ready} of ${desired} pods ready: ${notReadyText}`)
  }
  if (problems.length > 0) {
    return {status: 'warn', summary: `${label}: ${problems.join('; ')}`, objects, remediation, details: details()}
  }
  const restarts = pods.reduce((n, p) => n + p.restarts, 0)
  return {
    status: 'pass',
    summary: `${ready}/${desired} CoreDNS pods ready, ${restarts} restart${restarts === 1 ? '' : 's'}`,
    objects,
    details: details(),
  }
}
