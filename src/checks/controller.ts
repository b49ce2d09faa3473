// The controller behind an IngressClass or GatewayClass, found by its controller name among the well-known
// controllers (analysis/controllers.ts) and its pods by their usual labels, in any namespace.
import {type ControllerPods, firstFound, type KnownController, knownController} from '../analysis/controllers.js'
import {podNotReadyReason} from '../analysis/svc/pod-readiness.js'
import type {ObjectRef} from '../cluster/types.js'
import type {ClusterView} from '../cluster/view.js'
import type {Check, CheckContext, CheckResult} from '../engine/types.js'

export interface ControllerFacts {
  controllerName?: string
  /** Which object names it: "IngressClass nginx", "GatewayClass traefik". */
  namedBy?: string
  known?: KnownController
  pods?: ControllerPods
  /** The pods that send traffic to the backends (the controller's own unless the product has a separate data plane). */
  dataPlane?: ControllerPods
}

const memo = new WeakMap<ClusterView, Map<string, Promise<{pods?: ControllerPods; dataPlane?: ControllerPods}>>>()

async function findBySelectors(view: ClusterView, selectors: string[]): Promise<ControllerPods | undefined> {
  const results = []
  for (const selector of selectors) {
    const pods = await view.listPods(undefined, {labelSelector: selector})
    results.push({selector, pods})
    if (pods.length > 0) break
  }
  return firstFound(results)
}

/** The known controller's pods and data-plane pods (cached per view). */
export function controllerPods(view: ClusterView, known: KnownController): Promise<{pods?: ControllerPods; dataPlane?: ControllerPods}> {
  let cache = memo.get(view)
  if (!cache) memo.set(view, (cache = new Map()))
  let found = cache.get(known.product)
  if (!found) {
    found = (async () => {
      const pods = await findBySelectors(view, known.podSelectors)
      const dataPlane = known.dataPlaneSelectors ? await findBySelectors(view, known.dataPlaneSelectors) : pods
      return {...(pods ? {pods} : {}), ...(dataPlane ? {dataPlane} : {})}
    })()
    cache.set(known.product, found)
  }
  return found
}

export async function controllerFacts(view: ClusterView, controllerName: string | undefined, namedBy: string | undefined): Promise<ControllerFacts> {
  const known = knownController(controllerName)
  if (!known) return {...(controllerName ? {controllerName} : {}), ...(namedBy ? {namedBy} : {})}
  return {controllerName, namedBy, known, ...(await controllerPods(view, known))}
}

function podRefs(pods: ControllerPods): ObjectRef[] {
  return pods.pods.slice(0, 5).map((p) => ({kind: 'Pod', namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? ''}))
}

/** The verdict on a controller: found and ready (pass), found but nothing ready (fail), not found (warn: unknown). */
export function judgeController(facts: ControllerFacts, serves: string): CheckResult {
  const {controllerName, namedBy, known, pods} = facts
  if (!controllerName) {
    return {status: 'warn', summary: `no controller name is recorded for ${serves}: which controller serves it is not visible in the API`, details: {}}
  }
  const details = {controllerName, namedBy: namedBy ?? null, product: known?.product ?? null}
  if (!known) {
    return {
      status: 'warn',
      summary: `${namedBy} names controller ${controllerName}, which netdiag does not know: whether it runs is unknown`,
      details,
      remediation: `find its pods by hand: kubectl get pods -A | grep -i ${controllerName.split('/')[0]?.split('.')[0] ?? controllerName}`,
    }
  }
  const selectors = known.podSelectors.join(' or ')
  if (!pods) {
    return {
      status: 'warn',
      summary: `controller ${controllerName} (${known.product}) not found: no pod in any namespace carries its usual labels (${selectors}); if it is not installed, nothing serves ${serves}`,
      details: {...details, selectors: known.podSelectors},
      remediation: `check whether ${known.product} runs: kubectl get pods -A -l '${known.podSelectors[0]}'; install it, or point ${namedBy ?? 'the class'} at the controller that runs`,
    }
  }
  const where = [...new Set(pods.pods.map((p) => p.metadata?.namespace))].join(', ')
  const podDetails = {...details, selector: pods.selector, namespaces: where, pods: pods.pods.map((p) => ({name: `${p.metadata?.namespace}/${p.metadata?.name}`, ready: pods.ready.includes(p), node: p.spec?.nodeName ?? null}))}
  if (pods.ready.length === 0) {
    const why = pods.pods.slice(0, 3).map((p) => `${p.metadata?.name}: ${podNotReadyReason(p)?.message ?? 'not ready'}`).join('; ')
    const first = pods.pods[0]!
    return {
      status: 'fail',
      summary: `controller ${known.product} (${controllerName}) has no ready pod in ${where}: ${why}`,
      objects: podRefs(pods),
      details: podDetails,
      remediation: `kubectl -n ${first.metadata?.namespace} describe pod ${first.metadata?.name}; kubectl -n ${first.metadata?.namespace} logs ${first.metadata?.name}`,
    }
  }
  return {
    status: 'pass',
    summary: `controller ${known.product} (${controllerName}) runs: ${pods.ready.length}/${pods.pods.length} pod(s) ready in ${where}${known.external ? '; it programs a load balancer outside the cluster' : ''}`,
    objects: podRefs(pods),
    details: podDetails,
  }
}

/** A controller check for an area: `facts` says which controller the target's class names. */
export function controllerCheck<T>(id: string, dependsOn: string[], facts: (ctx: CheckContext<T>) => Promise<ControllerFacts & {serves: string}>): Check<T> {
  return {
    id,
    title: 'Controller running',
    layer: 'service',
    dependsOn,
    requires: () => [{verb: 'list', resource: 'pods'}],
    async run(ctx) {
      const f = await facts(ctx)
      return judgeController(f, f.serves)
    },
  }
}
