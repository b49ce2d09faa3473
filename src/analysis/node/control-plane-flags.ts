import type {Pod} from '../../cluster/types.js'

/** The value of `--flag=value` or `--flag value` in a container's command and args. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.startsWith(`--${flag}=`)) return a.slice(flag.length + 3)
    if (a === `--${flag}` && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) return args[i + 1]
  }
  return undefined
}

function containerArgs(pod: Pod): string[] {
  return (pod.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
}

function flagCidrs(pods: readonly Pod[], flag: string): string[] {
  for (const pod of pods) {
    const value = flagValue(containerArgs(pod), flag)
    if (value) return value.split(',').map((c) => c.trim()).filter(Boolean)
  }
  return []
}

/**
 * The Service CIDR(s) from kube-apiserver's --service-cluster-ip-range, visible when the control plane runs as
 * static pods (kubeadm, kind); managed control planes hide it and this returns [].
 */
export function serviceCidrsFromApiServer(apiServerPods: readonly Pod[]): string[] {
  return flagCidrs(apiServerPods, 'service-cluster-ip-range')
}

/** The cluster's pod CIDR(s) from kube-controller-manager --cluster-cidr (static pods only). */
export function clusterCidrsFromControllerManager(controllerManagerPods: readonly Pod[]): string[] {
  return flagCidrs(controllerManagerPods, 'cluster-cidr')
}
