/** What `kubectl netdiag node [NODE]` diagnoses: one node, or every node (most suspicious first). */
export interface NodeTarget {
  /** The nodes, most suspicious first. */
  nodes: string[]
  /** Where the privileged node debug pods go (--node-namespace). */
  nodeNamespace: string
}
