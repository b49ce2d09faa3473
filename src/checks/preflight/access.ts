import {type AccessVerdict, describeAccess} from '../../cluster/access.js'
import type {Check} from '../../engine/types.js'

/** Reports the pre-flight SelfSubjectAccessReviews: what we may not do, which checks that skips, and the RBAC to grant. */
export function accessCheck(verdicts: AccessVerdict[], denied: Map<string, string>): Check {
  return {
    id: 'preflight.access',
    title: 'Permissions (RBAC)',
    layer: 'preflight',
    async run() {
      const refused = verdicts.filter((v) => !v.allowed)
      if (refused.length === 0) {
        return {status: 'pass', summary: `allowed to do all ${verdicts.length} things this command needs`, details: {reviewed: verdicts.length}}
      }
      const rules = refused.map((v) => `- apiGroups: ["${v.group ?? ''}"]\n  resources: ["${v.subresource ? `${v.resource}/${v.subresource}` : v.resource}"]\n  verbs: ["${v.verb}"]`)
      return {
        status: 'warn',
        summary: `not allowed to ${refused.map(describeAccess).join('; ')}: ${denied.size} check(s) skipped (${[...denied.keys()].join(', ')})`,
        details: {refused: refused.map(describeAccess), skipped: Object.fromEntries(denied)},
        remediation: `grant these rules in a Role/ClusterRole bound to you (see README "Required RBAC"):\n${rules.join('\n')}`,
      }
    },
  }
}
