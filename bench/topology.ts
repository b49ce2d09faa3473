// Names and addresses of the generated cluster: node i owns podCIDR 10.(244+i/256).(i%256).0/24 and IP 172.20.x.y,
// Services take ClusterIPs from 10.96.1.0 up.
import type {SnapshotScale} from './snapshot-generator.js'

const WORDS = ['web', 'api', 'auth', 'cart', 'checkout', 'catalog', 'search', 'orders', 'payments', 'inventory', 'shipping', 'notifications', 'recommendations', 'reviews', 'users', 'sessions', 'gateway', 'billing', 'reports', 'media', 'postgres', 'redis', 'kafka', 'worker', 'scheduler']
const FRONTEND = new Set(['web', 'gateway'])
const DATABASE = new Set(['postgres', 'redis', 'kafka'])

export function namespaceName(index: number): string {
  return `team-${String(index).padStart(3, '0')}`
}

export function serviceName(index: number): string {
  const word = WORDS[index % WORDS.length]!
  return index < WORDS.length ? word : `${word}-${Math.floor(index / WORDS.length)}`
}

export function tierOf(name: string): 'frontend' | 'backend' | 'db' {
  const word = name.replace(/-\d+$/, '')
  return FRONTEND.has(word) ? 'frontend' : DATABASE.has(word) ? 'db' : 'backend'
}

export function nodeName(index: number, scale: SnapshotScale): string {
  const controlPlanes = controlPlaneCount(scale)
  return index < controlPlanes ? `cp-${index + 1}` : `worker-${String(index - controlPlanes + 1).padStart(3, '0')}`
}

export function controlPlaneCount(scale: SnapshotScale): number {
  return scale.nodes >= 10 ? 3 : 1
}

export function nodeIp(index: number): string {
  const host = index + 10
  return `172.20.${host >> 8}.${host & 255}`
}

export function podCidr(index: number): string {
  return `10.${244 + (index >> 8)}.${index & 255}.0/24`
}

export function serviceIp(index: number): string {
  const host = index + 256
  return `10.${96 + (host >> 16)}.${(host >> 8) & 255}.${host & 255}`
}
