// ReferenceGrant (apis/v1beta1/referencegrant_types.go): a reference to an object in another namespace is
// allowed only by a grant in the *target* namespace whose from (group, kind, namespace) and to (group, kind,
// optional name) match. Every mismatch in conformance/tests/httproute-invalid-reference-grant.yaml (grant in the
// wrong namespace, wrong from group/kind/namespace, wrong to group/kind/name) leaves the reference not permitted.
import type {ReferenceGrant} from '../../cluster/types.js'

export interface ReferenceFrom {
  group: string
  kind: string
  namespace: string
}

export interface ReferenceTo {
  group: string
  kind: string
  namespace: string
  name: string
}

export function permittingGrant(grants: ReferenceGrant[], from: ReferenceFrom, to: ReferenceTo): ReferenceGrant | undefined {
  return grants.find(
    (g) =>
      g.metadata?.namespace === to.namespace &&
      (g.spec?.from ?? []).some((f) => (f.group ?? '') === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      (g.spec?.to ?? []).some((t) => (t.group ?? '') === to.group && t.kind === to.kind && (t.name === undefined || t.name === '' || t.name === to.name)),
  )
}
