// Which hop of an Ingress or Gateway request fails, from two probes: the request through the controller (its
// Service or the Gateway's address, with the Host header) and the same request straight to a backend pod.
// Status codes as controllers use them: 404 when no route matches the Host and path (Traefik, ingress-nginx,
// Envoy: Gateway API conformance tests/httproute-hostname-intersection.go expects 404 for hosts no route
// serves), 502/503/504 when a route matched but no backend answered (Traefik: 503 "no available server" for a
// Service without endpoints, 502/504 when the dial fails or times out).
import {describeOutcome, type HttpOutcome} from '../../probes/http.js'

export interface HopProbe {
  /** What was asked, for the report: "Service traefik/traefik 10.96.0.80:80". */
  target: string
  outcome: HttpOutcome
}

export interface HopInput {
  /** The request as the user would make it: "http://shop.example.com/cart". */
  request: string
  /** Undefined when no in-cluster address of the controller or Gateway was found. */
  through?: HopProbe
  /** The same request to backend pods (at most a few). */
  direct: HopProbe[]
  /** The backends in scope have no ready endpoint, so there was no pod to ask. */
  noReadyBackend: boolean
  /** The static policy check says NetworkPolicy stops the controller's traffic to the backends. */
  policyBlocks: boolean
  /** Through a Gateway: the spec makes 500 the answer for invalid backendRefs (HTTPRouteRule.backendRefs). */
  gatewayApi?: boolean
}

export type Hop = 'controller' | 'routing' | 'controller-to-backend' | 'backend' | 'none'

export interface HopVerdict {
  status: 'pass' | 'warn' | 'fail'
  hop: Hop
  summary: string
  remediation?: string
}

const isGatewayError = (s: number) => s === 502 || s === 503 || s === 504

function directText(direct: HopProbe[]): string {
  return direct.map((d) => `${d.target}: ${describeOutcome(d.outcome)}`).join('; ')
}

export function interpretHops(input: HopInput): HopVerdict {
  const {request, through, direct} = input
  const answered = direct.find((d) => d.outcome.kind === 'response')
  const d = answered?.outcome.kind === 'response' ? answered.outcome.status : undefined
  const directNote = direct.length > 0 ? ` (straight to the backend: ${directText(direct)})` : input.noReadyBackend ? ' (no ready backend pod to ask directly)' : ''
  if (!through) {
    return {status: 'warn', hop: 'none', summary: `no in-cluster address of the controller was found, so ${request} was not sent through it${directNote}`}
  }
  const t = through.outcome
  if (t.kind === 'unsupported') return {status: 'warn', hop: 'none', summary: `${t.message}: the request was not made; use --image with an image that has curl`}
  if (t.kind === 'error') {
    return {
      status: 'fail',
      hop: 'controller',
      summary: `${request} through ${through.target} failed: ${describeOutcome(t)}; the controller's address does not answer${directNote}`,
      remediation: "check the controller's pods and Service: kubectl get pods,svc,endpointslices -A -l app.kubernetes.io/name=<controller>",
    }
  }
  const s = t.status
  const via = `${request} through ${through.target} answered ${s}`
  if (s < 400) return {status: 'pass', hop: 'none', summary: `${via}${directNote}`}
  if (d !== undefined && d === s) {
    return {status: 'warn', hop: 'backend', summary: `${via}, as the backend pod does directly: the route works and the application answers ${s} for this request${directNote}`}
  }
  if (s === 404 || s === 421) {
    return {
      status: 'fail',
      hop: 'routing',
      summary: `${via}: the controller has no route for this Host and path (no rule matches, the class or Gateway is not its, or it rejected the configuration)${directNote}`,
      remediation: "compare the host and path with the rules; check the controller's logs for the object it skipped",
    }
  }
  if (s === 500 && input.gatewayApi) {
    return {
      status: 'fail',
      hop: 'routing',
      summary: `${via}: a Gateway API controller answers 500 for a rule whose backendRefs are all invalid (not found, not permitted, unsupported kind)${directNote}`,
      remediation: 'see the route status condition ResolvedRefs and the backendRefs check',
    }
  }
  if (isGatewayError(s)) {
    if (input.noReadyBackend) return {status: 'fail', hop: 'backend', summary: `${via}: the route matched but the backend has no ready pod${directNote}`}
    if (d !== undefined && d < 500) {
      return {
        status: 'fail',
        hop: 'controller-to-backend',
        summary: `${via}, but the backend pod answers ${d} directly: traffic from the controller's pods to the backends is stopped${input.policyBlocks ? ', as the NetworkPolicy check says' : ''}${directNote}`,
        remediation: input.policyBlocks ? "allow the controller's pods in the NetworkPolicy (see the policy check)" : "check NetworkPolicy and the node path from the controller's pods to the backend pods (kubectl netdiag path CONTROLLER-POD BACKEND-POD)",
      }
    }
    if (direct.length > 0) return {status: 'fail', hop: 'backend', summary: `${via}: the route matched but the backend does not answer${directNote}`}
    return {status: 'fail', hop: 'controller-to-backend', summary: `${via}: the route matched but the controller got no answer from the backends${directNote}`}
  }
  return {status: 'fail', hop: 'controller', summary: `${via}${d !== undefined ? `, while the backend pod answers ${d}` : ''}${directNote}`}
}

export interface StaticFinding {
  id: string
  summary: string
}

/**
 * Whether the probe and the static analysis tell the same story. A contradiction is a finding: either the
 * static model misses something (a policy the enforcer applies differently, a controller that skipped the
 * object), or the cluster changed during the run.
 */
export function probeAgreement(probe: {failed: boolean; summary: string}, staticFailures: StaticFinding[]): {status: 'pass' | 'warn'; summary: string} {
  const first = staticFailures[0]
  if (!probe.failed && !first) return {status: 'pass', summary: 'the request and the static analysis agree: the route works'}
  if (probe.failed && first) return {status: 'pass', summary: `the request fails as the static analysis says (${staticFailures.map((f) => f.id).join(', ')})`}
  if (first) {
    return {
      status: 'warn',
      summary: `contradiction: the request succeeded, yet ${first.id} says: ${first.summary}${staticFailures.length > 1 ? ` (and ${staticFailures.length - 1} more)` : ''}; the static model differs from what the cluster does (an enforcer that ignores the policy, a controller with other defaults)`,
    }
  }
  return {
    status: 'warn',
    summary: `contradiction: the static analysis finds nothing wrong, yet the request fails (${probe.summary}); look at the controller's logs for this object, and at what netdiag does not model (controller configuration, L7 policy, node firewall)`,
  }
}
