// Well-known Ingress and Gateway API controllers, as data: the controller names their IngressClass
// (spec.controller) and GatewayClass (spec.controllerName) carry, and the labels their own manifests and Helm
// charts put on the pods. A controller installed with other labels is "not found by its usual labels": a warn,
// never a fail, because that is what we do not know. dataPlane: the pods that send traffic to the backends,
// when they are not the controller's own (Contour's Envoy, Envoy Gateway's proxies).
import type {Pod} from '../cluster/types.js'
import {isPodReady} from './svc/pod-readiness.js'

export interface KnownController {
  product: string
  controllerNames: string[]
  podSelectors: string[]
  dataPlaneSelectors?: string[]
  /** The data path does not run in pods of the cluster (a cloud load balancer): NetworkPolicy from it is not evaluable. */
  external?: boolean
  /** Why NetworkPolicy from its pods is not evaluable by pod labels, if it is not. */
  policyNote?: string
}

export const KNOWN_CONTROLLERS: KnownController[] = [
  {product: 'ingress-nginx', controllerNames: ['k8s.io/ingress-nginx'], podSelectors: ['app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller']},
  {product: 'Traefik', controllerNames: ['traefik.io/ingress-controller', 'traefik.io/gateway-controller'], podSelectors: ['app.kubernetes.io/name=traefik']},
  {product: 'HAProxy Kubernetes Ingress', controllerNames: ['haproxy.org/ingress-controller'], podSelectors: ['app.kubernetes.io/name=kubernetes-ingress']},
  {product: 'HAProxy Ingress', controllerNames: ['haproxy-ingress.github.io/controller'], podSelectors: ['app.kubernetes.io/name=haproxy-ingress']},
  {product: 'NGINX Ingress Controller (F5)', controllerNames: ['nginx.org/ingress-controller'], podSelectors: ['app.kubernetes.io/name=nginx-ingress']},
  {product: 'NGINX Gateway Fabric', controllerNames: ['gateway.nginx.org/nginx-gateway-controller'], podSelectors: ['app.kubernetes.io/name=nginx-gateway']},
  {
    product: 'Contour',
    controllerNames: ['projectcontour.io/ingress-controller', 'projectcontour.io/gateway-controller'],
    podSelectors: ['app=contour', 'app.kubernetes.io/component=contour'],
    dataPlaneSelectors: ['app=envoy', 'app.kubernetes.io/component=envoy'],
  },
  {product: 'Kong', controllerNames: ['ingress-controllers.konghq.com/kong', 'konghq.com/kic-gateway-controller'], podSelectors: ['app.kubernetes.io/name=kong']},
  {
    product: 'Envoy Gateway',
    controllerNames: ['gateway.envoyproxy.io/gatewayclass-controller'],
    podSelectors: ['control-plane=envoy-gateway'],
    dataPlaneSelectors: ['app.kubernetes.io/name=envoy,app.kubernetes.io/component=proxy'],
  },
  {product: 'Istio', controllerNames: ['istio.io/ingress-controller', 'istio.io/gateway-controller'], podSelectors: ['app=istiod'], dataPlaneSelectors: ['istio=ingressgateway', 'gateway.istio.io/managed=istio.io-gateway-controller']},
  {
    product: 'Cilium',
    controllerNames: ['cilium.io/ingress-controller', 'io.cilium/gateway-controller'],
    podSelectors: ['k8s-app=cilium'],
    policyNote: "Cilium's embedded Envoy sends to backends with the reserved ingress identity, which pod-label NetworkPolicy evaluation does not model",
  },
  {product: 'AWS Load Balancer Controller', controllerNames: ['ingress.k8s.aws/alb'], podSelectors: ['app.kubernetes.io/name=aws-load-balancer-controller'], external: true},
]

export function knownController(controllerName: string | undefined): KnownController | undefined {
  if (!controllerName) return undefined
  return KNOWN_CONTROLLERS.find((c) => c.controllerNames.includes(controllerName))
}

export interface ControllerPods {
  selector: string
  pods: Pod[]
  ready: Pod[]
}

/** The first selector that finds pods, with the ready ones; undefined when none does. */
export function firstFound(results: Array<{selector: string; pods: Pod[]}>): ControllerPods | undefined {
  const hit = results.find((r) => r.pods.length > 0)
  return hit ? {selector: hit.selector, pods: hit.pods, ready: hit.pods.filter(isPodReady)} : undefined
}
