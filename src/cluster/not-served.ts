import {ExitCode, NetdiagError} from '../errors.js'

/** The cluster does not serve this API kind (its CRDs are not installed): what depends on it is unknown, not absent. */
export class NotServedError extends NetdiagError {
  constructor(readonly groupKind: string) {
    super(`the cluster does not serve ${groupKind} (its CRD is not installed)`, ExitCode.badInput, 'not-found')
  }
}

export const GATEWAY_GROUP = 'gateway.networking.k8s.io'
export const INGRESS_GROUP = 'networking.k8s.io'
