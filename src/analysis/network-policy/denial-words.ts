/**
 * The subject of a denial sentence. One isolating policy blocks; several block only together, because each
 * selects the pod and none of them has a rule that allows the traffic: "X and Y block" would blame an
 * allow-only policy such as allow-dns for what it was meant to permit.
 */
export function denialSubject(policyNames: readonly string[]): string {
  if (policyNames.length === 1) return `NetworkPolicy ${policyNames[0]} blocks`
  return `NetworkPolicies ${policyNames.join(', ')} isolate the pods and none of them allows`
}
