// Gateway API wire shapes (gateway.networking.k8s.io v1/v1beta1), the fields netdiag reads. client-node has no
// types for CRDs; these follow apis/v1/*_types.go of kubernetes-sigs/gateway-api. Type-only.
import type {V1LabelSelector as LabelSelector, V1ObjectMeta as ObjectMeta} from '@kubernetes/client-node'

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown' | string
  reason?: string
  message?: string
  observedGeneration?: number
  lastTransitionTime?: string
}

interface GatewayObject<Spec, Status> {
  apiVersion?: string
  kind?: string
  metadata?: V1Meta
  spec?: Spec
  status?: Status
}
type V1Meta = ObjectMeta

export type GatewayClass = GatewayObject<{controllerName?: string; description?: string}, {conditions?: Condition[]}>

export interface RouteGroupKind {
  group?: string
  kind: string
}

export interface GatewayListener {
  name: string
  hostname?: string
  port: number
  protocol: string
  tls?: {mode?: string; certificateRefs?: Array<{group?: string; kind?: string; name: string; namespace?: string}>}
  allowedRoutes?: {
    namespaces?: {from?: 'Same' | 'All' | 'Selector' | string; selector?: LabelSelector}
    kinds?: RouteGroupKind[]
  }
}

export interface ListenerStatus {
  name: string
  attachedRoutes?: number
  supportedKinds?: RouteGroupKind[]
  conditions?: Condition[]
}

export type Gateway = GatewayObject<
  {gatewayClassName?: string; listeners?: GatewayListener[]; addresses?: Array<{type?: string; value: string}>},
  {addresses?: Array<{type?: string; value: string}>; conditions?: Condition[]; listeners?: ListenerStatus[]}
>

export interface ParentReference {
  group?: string
  kind?: string
  namespace?: string
  name: string
  sectionName?: string
  port?: number
}

export interface BackendRef {
  group?: string
  kind?: string
  name: string
  namespace?: string
  port?: number
  weight?: number
}

export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression' | string
  value?: string
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch
  headers?: Array<{type?: string; name: string; value: string}>
  queryParams?: Array<{type?: string; name: string; value: string}>
  method?: string
}

export interface GRPCMethodMatch {
  type?: 'Exact' | 'RegularExpression' | string
  service?: string
  method?: string
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch
  headers?: Array<{type?: string; name: string; value: string}>
}

export interface RouteRule<M> {
  name?: string
  matches?: M[]
  filters?: Array<{type: string; [field: string]: unknown}>
  backendRefs?: BackendRef[]
}

export interface RouteParentStatus {
  parentRef: ParentReference
  controllerName?: string
  conditions?: Condition[]
}

interface RouteObject<K extends string, M> extends GatewayObject<{parentRefs?: ParentReference[]; hostnames?: string[]; rules?: Array<RouteRule<M>>}, {parents?: RouteParentStatus[]}> {
  kind?: K
}

export type HTTPRoute = RouteObject<'HTTPRoute', HTTPRouteMatch>
export type GRPCRoute = RouteObject<'GRPCRoute', GRPCRouteMatch>
export type Route = HTTPRoute | GRPCRoute
export type RouteKind = 'HTTPRoute' | 'GRPCRoute'

export type ReferenceGrant = GatewayObject<
  {from?: Array<{group?: string; kind: string; namespace: string}>; to?: Array<{group?: string; kind: string; name?: string}>},
  never
>
