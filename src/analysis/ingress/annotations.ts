// Controller annotations that change where or how a request is routed, so the report names them when present.
// Meanings from each controller's annotation reference (ingress-nginx docs/user-guide/nginx-configuration/
// annotations.md, Traefik routing/providers/kubernetes-ingress, HAProxy, Kong, Contour).
import type {Ingress} from '../../cluster/types.js'

interface RoutingAnnotation {
  key: string
  effect: string
  /** ingress-nginx reads every path of the host as a regular expression (docs: use-regex, rewrite-target). */
  regexPaths?: boolean
}

const ROUTING_ANNOTATIONS: RoutingAnnotation[] = [
  {key: 'nginx.ingress.kubernetes.io/rewrite-target', effect: 'rewrites the path before it reaches the backend; implies use-regex for every path of the host', regexPaths: true},
  {key: 'nginx.ingress.kubernetes.io/use-regex', effect: 'paths are regular expressions (case-insensitive), for every Ingress of the host', regexPaths: true},
  {key: 'nginx.ingress.kubernetes.io/backend-protocol', effect: 'protocol spoken to the backend (HTTP, HTTPS, GRPC, GRPCS, FCGI)'},
  {key: 'nginx.ingress.kubernetes.io/app-root', effect: 'redirects / to this path'},
  {key: 'nginx.ingress.kubernetes.io/ssl-redirect', effect: 'redirects HTTP to HTTPS when TLS is configured'},
  {key: 'nginx.ingress.kubernetes.io/force-ssl-redirect', effect: 'redirects HTTP to HTTPS even without TLS on the Ingress'},
  {key: 'nginx.ingress.kubernetes.io/permanent-redirect', effect: 'answers every request with a 301 to this URL'},
  {key: 'nginx.ingress.kubernetes.io/temporal-redirect', effect: 'answers every request with a 302 to this URL'},
  {key: 'nginx.ingress.kubernetes.io/canary', effect: 'this Ingress is a canary: it takes a share of another Ingress’s traffic for the same host/path'},
  {key: 'nginx.ingress.kubernetes.io/whitelist-source-range', effect: 'only these client CIDRs are allowed (others get 403)'},
  {key: 'nginx.ingress.kubernetes.io/allowlist-source-range', effect: 'only these client CIDRs are allowed (others get 403)'},
  {key: 'nginx.ingress.kubernetes.io/service-upstream', effect: 'sends to the Service ClusterIP instead of the endpoints'},
  {key: 'nginx.ingress.kubernetes.io/upstream-vhost', effect: 'rewrites the Host header sent to the backend'},
  {key: 'traefik.ingress.kubernetes.io/router.middlewares', effect: 'Traefik middlewares (may rewrite, redirect or deny)'},
  {key: 'traefik.ingress.kubernetes.io/router.entrypoints', effect: 'only these Traefik entrypoints (ports) serve the Ingress'},
  {key: 'traefik.ingress.kubernetes.io/router.tls', effect: 'the router serves only TLS'},
  {key: 'traefik.ingress.kubernetes.io/service.serversscheme', effect: 'scheme spoken to the backend (http, https, h2c)'},
  {key: 'haproxy.org/path-rewrite', effect: 'rewrites the path before it reaches the backend'},
  {key: 'haproxy.org/server-ssl', effect: 'HAProxy speaks TLS to the backend'},
  {key: 'konghq.com/strip-path', effect: 'strips the matched path prefix before the backend'},
  {key: 'konghq.com/protocols', effect: 'protocols the route accepts'},
  {key: 'projectcontour.io/upstream-protocol.tls', effect: 'Contour speaks TLS to these Service ports'},
]

export interface FoundAnnotation {
  key: string
  value: string
  effect: string
  regexPaths: boolean
}

export function routingAnnotations(ingress: Ingress): FoundAnnotation[] {
  const annotations = ingress.metadata?.annotations ?? {}
  return ROUTING_ANNOTATIONS.filter((a) => a.key in annotations).map((a) => ({
    key: a.key,
    value: annotations[a.key]!,
    effect: a.effect,
    // use-regex: "false" turns it off; rewrite-target implies regex whatever its value.
    regexPaths: Boolean(a.regexPaths) && !(a.key.endsWith('/use-regex') && annotations[a.key] !== 'true'),
  }))
}

/** The annotation that makes ingress-nginx read this Ingress's paths as regular expressions, if any. */
export function regexPathAnnotation(ingress: Ingress, controllerName: string | undefined): string | undefined {
  // Unknown controller (no class): the annotation only means something to ingress-nginx, but it may be it.
  if (controllerName !== undefined && controllerName !== 'k8s.io/ingress-nginx') return undefined
  return routingAnnotations(ingress).find((a) => a.regexPaths)?.key
}
