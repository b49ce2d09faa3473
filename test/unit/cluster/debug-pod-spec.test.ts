import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {anchorJobManifest, debugPodManifest, nodeDebugPodManifest} from '../../../src/cluster/debug-pod-spec.js'
import {podSecurityRejection} from '../../../src/cluster/debug-session.js'
import type {Pod} from '../../../src/cluster/types.js'

const base = {namespace: 'shop', image: 'nicolaka/netshoot:latest', sessionId: 'ab12cd34', deadlineSeconds: 160, command: 'kubectl netdiag dns', now: new Date('2026-12-01T08:00:00Z')}

/**
 * The parts of Pod Security "restricted" (v1.32) a probe pod can violate: what the admission plugin's checks
 * look at, written down independently of the manifest builder so a regression in either shows.
 */
function restrictedViolations(pod: Pod): string[] {
  const spec = pod.spec!
  const out: string[] = []
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces')
  if (spec.volumes?.some((v) => v.hostPath)) out.push('hostPath volumes')
  for (const c of spec.containers) {
    const sc = c.securityContext ?? {}
    if (sc.privileged) out.push('privileged')
    if (sc.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation != false')
    const drop = sc.capabilities?.drop ?? []
    const add = sc.capabilities?.add ?? []
    if (!drop.includes('ALL') || add.some((a) => a !== 'NET_BIND_SERVICE')) out.push('unrestricted capabilities')
    if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true) out.push('runAsNonRoot != true')
    if ((sc.runAsUser ?? spec.securityContext?.runAsUser) === 0) out.push('runAsUser=0')
    const seccomp = sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('seccompProfile')
  }
  return out
}

describe('debug pod manifests', () => {
  it('the DNS/Service probe pod meets Pod Security "restricted"', () => {
    const pod = debugPodManifest(base)
    assert.deepEqual(restrictedViolations(pod), [])
    assert.equal(pod.spec!.automountServiceAccountToken, false)
    assert.equal(pod.spec!.activeDeadlineSeconds, 160)
    assert.equal(pod.spec!.terminationGracePeriodSeconds, 0)
    assert.equal(pod.spec!.containers[0]!.imagePullPolicy, 'IfNotPresent')
    assert.deepEqual(pod.metadata!.labels, {'app.kubernetes.io/managed-by': 'kubectl-netdiag', 'app.kubernetes.io/name': 'netdiag-probe', 'kubectl-netdiag.io/session': 'ab12cd34'})
    assert.equal(pod.metadata!.annotations!['kubectl-netdiag.io/expires-at'], '2026-12-01T08:02:40.000Z')
  })

  it('with raw sockets (ping, traceroute) it keeps root and the default capabilities, still unprivileged', () => {
    const pod = debugPodManifest({...base, rawSockets: true, nodeName: 'node-1'})
    assert.deepEqual(restrictedViolations(pod), ['unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile'])
    assert.equal(pod.spec!.containers[0]!.securityContext!.privileged, false)
    assert.equal(pod.spec!.containers[0]!.securityContext!.allowPrivilegeEscalation, false)
    assert.equal(pod.spec!.nodeName, 'node-1')
  })

  it('the node pod is privileged with host namespaces, and the check above sees it', () => {
    const pod = nodeDebugPodManifest({...base, namespace: 'kube-system', nodeName: 'node-1'})
    assert.ok(restrictedViolations(pod).includes('host namespaces'))
    assert.ok(restrictedViolations(pod).includes('privileged'))
  })
})

describe('the anchor Job that owns the debug pods', () => {
  // Job semantics from https://kubernetes.io/docs/concepts/workloads/controllers/job/ ("Job termination and
  // cleanup": activeDeadlineSeconds fails the Job with reason DeadlineExceeded; "TTL mechanism for finished
  // Jobs": ttlSecondsAfterFinished 0 deletes it as soon as it finishes, cascading to its dependents).
  const job = anchorJobManifest(base)

  it('never runs a pod, fails at the deadline and is deleted at once by the TTL controller', () => {
    assert.equal(job.spec!.parallelism, 0)
    assert.equal(job.spec!.activeDeadlineSeconds, 160)
    assert.equal(job.spec!.ttlSecondsAfterFinished, 0)
    assert.equal(job.spec!.backoffLimit, 0)
  })

  it('carries our labels, and its template would pass Pod Security "restricted" (warn/audit check Job templates)', () => {
    assert.deepEqual(job.metadata!.labels, {'app.kubernetes.io/managed-by': 'kubectl-netdiag', 'app.kubernetes.io/name': 'netdiag-anchor', 'kubectl-netdiag.io/session': 'ab12cd34'})
    assert.deepEqual(restrictedViolations({spec: job.spec!.template.spec!}), [])
  })

  it('pods name it as owner without being its controller (the Job controller would count and delete them)', () => {
    for (const pod of [debugPodManifest({...base, owner: {name: 'netdiag-ab12cd34-j', uid: 'u-1'}}), nodeDebugPodManifest({...base, nodeName: 'n1', owner: {name: 'netdiag-ab12cd34-j', uid: 'u-1'}})]) {
      assert.deepEqual(pod.metadata!.ownerReferences, [{apiVersion: 'batch/v1', kind: 'Job', name: 'netdiag-ab12cd34-j', uid: 'u-1'}])
    }
    assert.equal(debugPodManifest(base).metadata!.ownerReferences, undefined)
  })
})

describe('podSecurityRejection', () => {
  it('reads the level and the violation names, also from a message cut short', () => {
    const text =
      'forbidden: cannot create pods in namespace trypsa (403): pods "netdiag-a0980fba-54t9x" is forbidden: violates PodSecurity "restricted:latest": unrestricted capabilities (container "probe" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "probe" must set securityContext.runAsNonRoot=true), seccompProfile (pod or c'
    assert.deepEqual(podSecurityRejection(text), {level: 'restricted:latest', violations: ['unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']})
  })
  it('baseline rejecting a node pod', () => {
    const text = 'pods "x" is forbidden: violates PodSecurity "baseline:v1.32": host namespaces (hostNetwork=true, hostPID=true), privileged (container "probe" must not set securityContext.privileged=true)'
    assert.deepEqual(podSecurityRejection(text), {level: 'baseline:v1.32', violations: ['host namespaces', 'privileged']})
  })
  it('anything else is not a Pod Security rejection', () => {
    assert.equal(podSecurityRejection('pods "x" is forbidden: exceeded quota: compute'), undefined)
  })
})
