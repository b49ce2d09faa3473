// A read-only API server for command tests of `ingress` and `route`, which read many kinds: nock answers every GET
// from a set of objects the way the API server does (lists without kind on items, label and field selectors,
// 404 Status for a missing object, discovery for the Gateway API group), and records each request so tests pin
// the calls made. SelfSubjectAccessReviews are answered allowed unless `deny` says otherwise.
import nock from 'nock'

import {matchesSelector, parseLabelSelector} from '../../src/analysis/labels.js'
import {notFoundStatus} from './api-status.js'
import {TEST_SERVER, TEST_TOKEN} from './kubeconfig.js'

type Json = Record<string, any>

const PLURALS: Record<string, {kind: string; group: string; namespaced: boolean}> = {
  namespaces: {kind: 'Namespace', group: '', namespaced: false},
  pods: {kind: 'Pod', group: '', namespaced: true},
  services: {kind: 'Service', group: '', namespaced: true},
  secrets: {kind: 'Secret', group: '', namespaced: true},
  endpointslices: {kind: 'EndpointSlice', group: 'discovery.k8s.io', namespaced: true},
  networkpolicies: {kind: 'NetworkPolicy', group: 'networking.k8s.io', namespaced: true},
  ingresses: {kind: 'Ingress', group: 'networking.k8s.io', namespaced: true},
  ingressclasses: {kind: 'IngressClass', group: 'networking.k8s.io', namespaced: false},
  gatewayclasses: {kind: 'GatewayClass', group: 'gateway.networking.k8s.io', namespaced: false},
  gateways: {kind: 'Gateway', group: 'gateway.networking.k8s.io', namespaced: true},
  httproutes: {kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', namespaced: true},
  grpcroutes: {kind: 'GRPCRoute', group: 'gateway.networking.k8s.io', namespaced: true},
  referencegrants: {kind: 'ReferenceGrant', group: 'gateway.networking.k8s.io', namespaced: true},
}

const GATEWAY_V1 = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants']

export interface FakeApiOptions {
  /** The cluster has no Gateway API CRDs: discovery of the group answers 404. */
  gatewayApi?: boolean
  deny?: (attributes: {verb: string; resource: string; namespace?: string}) => boolean
}

export interface FakeApi {
  requests: Array<{path: string; query: string; accept?: string}>
  /** GET paths with their query, in request order. */
  paths(): string[]
}

function groupOf(object: Json): string {
  const apiVersion = String(object.apiVersion ?? 'v1')
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : ''
}

export function fakeApi(objects: Json[], options: FakeApiOptions = {}): FakeApi {
  const requests: FakeApi['requests'] = []
  const scope = nock(TEST_SERVER).persist()
  scope.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').reply(201, (_uri, body) => {
    const attributes = (body as {spec: {resourceAttributes: {verb: string; resource: string; namespace?: string}}}).spec.resourceAttributes
    return {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: {resourceAttributes: attributes}, status: {allowed: !options.deny?.(attributes)}}
  })
  scope
    .get(() => true)
    .query(true)
    .reply(function (uri) {
      const url = new URL(uri, TEST_SERVER)
      const accept = this.req.headers.accept as string | undefined
      // As the API server does: a request without the kubeconfig's credentials is refused.
      if (this.req.headers.authorization !== `Bearer ${TEST_TOKEN}`) return [401, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401}]
      requests.push({path: url.pathname, query: url.search, ...(accept ? {accept} : {})})
      return answer(url, objects, options, accept)
    })
  return {requests, paths: () => requests.map((r) => `${r.path}${r.query ? decodeURIComponent(r.query) : ''}`)}
}

function answer(url: URL, objects: Json[], options: FakeApiOptions, accept: string | undefined): [number, Json] {
  const path = url.pathname
  if (path === '/version') return [200, {major: '1', minor: '32', gitVersion: 'v1.32.2'}]
  const discovery = /^\/apis\/gateway\.networking\.k8s\.io\/(v1|v1beta1)$/.exec(path)
  if (discovery) {
    if (options.gatewayApi === false) return [404, {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404}]
    const served = discovery[1] === 'v1' ? GATEWAY_V1 : ['referencegrants']
    return [200, {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `gateway.networking.k8s.io/${discovery[1]}`, resources: served.map((name) => ({name, singularName: '', namespaced: PLURALS[name]!.namespaced, kind: PLURALS[name]!.kind, verbs: ['get', 'list', 'watch']}))}]
  }
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path)
  if (!m) return [404, notFoundStatus('unknown', path)]
  const [, group = '', , namespace, plural, name] = m
  // /api/v1/namespaces/NAME is a get of a namespace, not a list in it.
  const resource = namespace && !plural ? 'namespaces' : plural!
  const info = PLURALS[resource]
  if (!info || info.group !== group) return [404, notFoundStatus(resource, name ?? '')]
  if (options.gatewayApi === false && group === 'gateway.networking.k8s.io') return [404, notFoundStatus(resource, name ?? '')]
  const inScope = objects.filter((o) => o.kind === info.kind && groupOf(o) === group && (!info.namespaced || namespace === undefined || o.metadata?.namespace === namespace))
  if (name !== undefined) {
    const found = inScope.find((o) => o.metadata?.name === name)
    if (!found) return [404, notFoundStatus(resource, name)]
    if (info.kind === 'Secret') {
      // Only metadata may ever be asked for; anything else is a test failure.
      if (!accept?.includes('as=PartialObjectMetadata')) throw new Error(`Secret ${name} requested without PartialObjectMetadata: ${accept}`)
      return [200, {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: found.metadata}]
    }
    return [200, found]
  }
  const labelSelector = url.searchParams.get('labelSelector')
  const fieldSelector = url.searchParams.get('fieldSelector')
  const selector = labelSelector ? parseLabelSelector(labelSelector) : undefined
  const byName = fieldSelector ? /^metadata\.name=(.*)$/.exec(fieldSelector)?.[1] : undefined
  const items = inScope
    .filter((o) => (!selector || matchesSelector(selector, o.metadata?.labels ?? {})) && (byName === undefined || o.metadata?.name === byName))
    .map(({kind: _kind, apiVersion: _apiVersion, ...rest}) => rest)
  return [200, {kind: `${info.kind}List`, apiVersion: group ? `${group}/${path.split('/')[3]}` : 'v1', metadata: {resourceVersion: '48300'}, items}]
}
