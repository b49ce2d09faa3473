// Ingress and Gateway API fixtures: shapes trimmed from `kubectl get -o json` (networking.k8s.io/v1 and
// gateway.networking.k8s.io/v1 as the v1.2 CRDs serve them), around the svc fixtures' shop/backend.
import {namespace, pod, service} from './svc-fixtures.js'

type Json = Record<string, any>

export function ingressClass(name: string, controller: string, isDefault = false): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {name, uid: `ic-${name}-uid`, resourceVersion: '1022', creationTimestamp: '2026-11-18T08:00:00Z', labels: {'app.kubernetes.io/name': name}, ...(isDefault ? {annotations: {'ingressclass.kubernetes.io/is-default-class': 'true'}} : {})},
    spec: {controller},
  }
}

export function ingress(options: {name?: string; className?: string | null; rules?: Json[]; tls?: Json[]; defaultBackend?: Json; annotations?: Record<string, string>; address?: string | null} = {}): Json {
  const name = options.name ?? 'web'
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name, namespace: 'shop', uid: `ing-${name}-uid`, generation: 1, resourceVersion: '48410', creationTimestamp: '2026-11-20T09:30:00Z', ...(options.annotations ? {annotations: options.annotations} : {})},
    spec: {
      ...(options.className === null ? {} : {ingressClassName: options.className ?? 'nginx'}),
      ...(options.defaultBackend ? {defaultBackend: options.defaultBackend} : {}),
      ...(options.tls ? {tls: options.tls} : {}),
      rules: options.rules ?? [
        {host: 'shop.example.com', http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: 'backend', port: {number: 80}}}}]}},
      ],
    },
    status: {loadBalancer: options.address === null ? {} : {ingress: [{ip: options.address ?? '172.18.0.240'}]}},
  }
}

export function controllerPod(options: {name: string; namespace: string; labels: Record<string, string>; deployment: string; state?: 'ready' | 'crash-loop'}): Json {
  return pod({name: options.name, namespace: options.namespace, labels: options.labels, deployment: options.deployment, ip: '10.244.1.5', state: options.state ?? 'ready', ports: [{name: 'http', containerPort: 80, protocol: 'TCP'}]}) as Json
}

export const NGINX_LABELS = {'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ingress-nginx'}
export const TRAEFIK_LABELS = {'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-traefik'}

export function nginxController(state: 'ready' | 'crash-loop' = 'ready'): Json[] {
  return [namespace('ingress-nginx'), controllerPod({name: 'ingress-nginx-controller-7c9f8d6b5-qk2lz', namespace: 'ingress-nginx', labels: NGINX_LABELS, deployment: 'ingress-nginx-controller', state})]
}

export function traefikController(): Json[] {
  return [namespace('traefik'), controllerPod({name: 'traefik-5f6d8c7b9-m4x2n', namespace: 'traefik', labels: TRAEFIK_LABELS, deployment: 'traefik'})]
}

export function backendService(spec: Json = {}): Json {
  return service({spec}) as Json
}

const condition = (type: string, status: string, reason: string, generation = 1) => ({type, status, reason, message: '', observedGeneration: generation, lastTransitionTime: '2026-11-20T09:31:00Z'})

export function gatewayClass(name = 'traefik', controllerName = 'traefik.io/gateway-controller', accepted: string | null = 'True'): Json {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: {name, uid: `gc-${name}-uid`, generation: 1, creationTimestamp: '2026-11-18T08:00:00Z'},
    spec: {controllerName},
    status: {conditions: accepted === null ? [{type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', observedGeneration: 1, lastTransitionTime: '1970-01-01T00:00:00Z'}] : [condition('Accepted', accepted, accepted === 'True' ? 'Accepted' : 'InvalidParameters')]},
  }
}

export function gateway(options: {name?: string; namespace?: string; listeners?: Json[]; programmed?: boolean} = {}): Json {
  const listeners = options.listeners ?? [{name: 'web', port: 80, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'Same'}}}]
  const programmed = options.programmed ?? true
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {name: options.name ?? 'public', namespace: options.namespace ?? 'shop', uid: 'gw-uid', generation: 1, creationTimestamp: '2026-11-20T09:00:00Z'},
    spec: {gatewayClassName: 'traefik', listeners},
    status: programmed
      ? {
          addresses: [{type: 'IPAddress', value: '172.18.0.241'}],
          conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'True', 'Programmed')],
          listeners: listeners.map((l) => ({name: l.name, attachedRoutes: 1, supportedKinds: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute'}, {group: 'gateway.networking.k8s.io', kind: 'GRPCRoute'}], conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'True', 'Programmed'), condition('ResolvedRefs', 'True', 'ResolvedRefs')]})),
        }
      : {conditions: [{type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', observedGeneration: 1, lastTransitionTime: '1970-01-01T00:00:00Z'}, {type: 'Programmed', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', observedGeneration: 1, lastTransitionTime: '1970-01-01T00:00:00Z'}]},
  }
}

export function httpRoute(options: {name?: string; namespace?: string; parentRefs?: Json[]; hostnames?: string[]; rules?: Json[]; status?: Json[] | null} = {}): Json {
  const ns = options.namespace ?? 'shop'
  const parentRefs = options.parentRefs ?? [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public'}]
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {name: options.name ?? 'store', namespace: ns, uid: 'hr-uid', generation: 1, creationTimestamp: '2026-11-20T09:32:00Z'},
    spec: {
      parentRefs,
      ...(options.hostnames ? {hostnames: options.hostnames} : {}),
      rules: options.rules ?? [{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRefs: [{group: '', kind: 'Service', name: 'backend', port: 80, weight: 1}]}],
    },
    status: {
      parents:
        options.status === null
          ? []
          : (options.status ?? [
              {parentRef: parentRefs[0], controllerName: 'traefik.io/gateway-controller', conditions: [condition('Accepted', 'True', 'Accepted'), condition('ResolvedRefs', 'True', 'ResolvedRefs')]},
            ]),
    },
  }
}

/** A GRPCRoute as `kubectl get grpcroute -o json` shows it (gateway.networking.k8s.io/v1, standard channel). */
export function grpcRoute(options: {name?: string; rules?: Json[]; hostnames?: string[]} = {}): Json {
  const route = httpRoute({name: options.name ?? 'echo', ...(options.hostnames ? {hostnames: options.hostnames} : {})})
  return {
    ...route,
    kind: 'GRPCRoute',
    metadata: {...route.metadata, uid: 'gr-uid'},
    spec: {
      ...route.spec,
      rules: options.rules ?? [{matches: [{method: {type: 'Exact', service: 'echo.Echo', method: 'Say'}}], backendRefs: [{group: '', kind: 'Service', name: 'backend', port: 80, weight: 1}]}],
    },
  }
}

export function referenceGrant(namespace: string, fromNamespace: string, serviceName?: string): Json {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: {name: `allow-${fromNamespace}`, namespace, uid: 'rg-uid', generation: 1},
    spec: {from: [{group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: fromNamespace}], to: [{group: '', kind: 'Service', ...(serviceName ? {name: serviceName} : {})}]},
  }
}

export {condition as gatewayCondition}
