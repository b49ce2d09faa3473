/** What `kubectl netdiag path PODA PODB` diagnoses: can pod `from` talk to pod `to`, on these ports. */
export interface PathTarget {
  /** PODA as NAMESPACE/NAME. */
  from: string
  /** PODB as NAMESPACE/NAME. */
  to: string
  /** `8080/TCP`, `53/UDP`: from --port, else PODB's declared container ports; absent: ICMP only. */
  ports?: string[]
  /** Where the ports came from. */
  portsFrom: 'flag' | 'declared' | 'none'
  /** ephemeral: a container in PODA's network namespace; pod: a debug pod on PODA's node. */
  probeMode: 'ephemeral' | 'pod'
  /** --ip-family: probe over this family (PODB's address of it); else the family of PODA's primary address. */
  ipFamily?: 'IPv4' | 'IPv6'
}

export const SOURCE_CHECK = 'path.probe.source'
