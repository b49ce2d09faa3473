// The finding codes of `kubectl netdiag scan`: stable (CI configs and --ignore lists name them), documented in
// the README (test/unit/scan/catalogue.test.ts keeps the two in step), one entry per code. A code says what is
// wrong; the finding's severity (fail or warn) comes from the check that proved it, within `severities`.

export type Severity = 'fail' | 'warn'
export type ScanArea = 'services' | 'dns' | 'policies' | 'nodes' | 'routing' | 'scan'

export interface CatalogueEntry {
  code: string
  area: ScanArea
  severities: readonly Severity[]
  title: string
  meaning: string
  fix: string
}

const entry = (code: string, area: ScanArea, severities: Severity[], title: string, meaning: string, fix: string): CatalogueEntry => ({code, area, severities, title, meaning, fix})

export const CATALOGUE: readonly CatalogueEntry[] = [
  // --- Services (the svc checks, per Service) ---
  entry('svc-selector-no-match', 'services', ['fail'], 'Service selector matches no pod', 'The Service selects pods by labels no pod in its namespace carries, so it has no backend; the finding names the nearest pods and the label difference.', 'Fix the selector or the pod template labels (the finding gives the patch).'),
  entry('svc-pods-not-running', 'services', ['fail', 'warn'], 'Service pods not running', 'The selector matches pods, but none (fail) or not all (warn) of them are Running.', 'kubectl describe pod / kubectl logs --previous on the pod named.'),
  entry('svc-no-ports', 'services', ['fail'], 'Service declares no port', 'The Service has a selector but no port: nothing can connect through it.', 'Add the port to spec.ports.'),
  entry('svc-targetport-unresolved', 'services', ['fail'], 'targetPort resolves on no backend', 'A Service port names a targetPort (or protocol) the backend pods do not declare, so those pods get no endpoint for it.', "Point targetPort at the container port's name or number, or name the container port."),
  entry('svc-targetport-undeclared', 'services', ['warn'], 'targetPort not declared by the container', 'A numeric targetPort no container declares: traffic flows only if the process listens there anyway.', 'Declare the port in the pod template, or correct targetPort.'),
  entry('svc-no-ready-endpoints', 'services', ['fail'], 'Service has no ready endpoint', 'A Service port has no ready endpoint (pods failing readiness, terminating, or no EndpointSlice at all): connections to it fail or hang.', 'kubectl describe pod on the endpoints named: the Events show the failing readiness probe.'),
  entry('svc-endpoints-not-ready', 'services', ['warn'], 'Some endpoints not ready', 'Part of the endpoints are not ready: the Service works at reduced capacity (a rollout in progress, or pods failing readiness).', 'Look at the not-ready pods named in the evidence.'),
  entry('svc-publish-not-ready', 'services', ['fail', 'warn'], 'publishNotReadyAddresses sends traffic to failing pods', 'publishNotReadyAddresses makes every endpoint ready whatever its readiness probe says; some or all backends fail readiness.', 'Fix the failing pods, or drop publishNotReadyAddresses (meant for StatefulSet peer discovery).'),
  entry('svc-ip-family-no-endpoints', 'services', ['fail'], 'A family of a dual-stack Service has no ready endpoint', 'The Service has a ClusterIP (or, headless, DNS records) in a family for which no endpoint is ready while the other family has some: clients of that family are refused or get no address.', 'kubectl get endpointslices -l kubernetes.io/service-name=NAME -o wide shows that family\'s slice: give the pods addresses of the family (a dual-stack pod network), or make the Service SingleStack.'),
  entry('svc-externalname-invalid', 'services', ['fail'], 'ExternalName is empty or an IP', 'spec.externalName must be a DNS name: an empty one or an IP address gives clients no usable CNAME.', 'Set spec.externalName to a DNS name, or use a selector-less Service with an EndpointSlice for an IP.'),
  entry('svc-selectorless-no-endpoints', 'services', ['fail'], 'Selector-less Service without endpoints', 'The Service has no selector and no EndpointSlice: nothing receives its traffic.', 'Create an EndpointSlice labelled kubernetes.io/service-name=NAME, or add a selector.'),
  entry('svc-headless-publish-not-ready', 'services', ['warn'], 'Headless Service publishes not-ready pods', 'DNS of this headless Service also returns pods that are not ready.', 'Drop publishNotReadyAddresses unless the pods need peer discovery before they are ready.'),
  entry('svc-statefulset-service-name', 'services', ['warn'], "StatefulSet's serviceName is not this headless Service", 'Pods of the StatefulSet do not get per-pod DNS names under this Service.', "Set the StatefulSet's spec.serviceName to the headless Service."),
  entry('svc-nodeport-range', 'services', ['warn'], 'NodePort outside the usual range', 'A nodePort outside 30000-32767 (the default --service-node-port-range) is refused or collides with host ports.', 'Use a nodePort inside the cluster range, or let the API server allocate one.'),
  entry('svc-loadbalancer-pending', 'services', ['warn'], 'LoadBalancer without an address', 'The LoadBalancer Service has no ingress address: no cloud controller or load-balancer implementation has served it (yet).', 'Check the cloud controller manager or MetalLB; or use a NodePort.'),
  entry('svc-traffic-policy-local', 'services', ['fail', 'warn'], 'Traffic policy Local leaves nodes without endpoints', 'With internal/externalTrafficPolicy Local, traffic arriving on a node without a ready endpoint is dropped.', 'Run a backend on every node that receives traffic (a DaemonSet, topology spread), or use Cluster.'),
  entry('svc-type-problem', 'services', ['fail', 'warn'], 'Service type pitfall', 'Another pitfall of the Service type (the evidence carries the svc.type code).', 'See the summary and kubectl netdiag svc NAME for the full runbook.'),
  // --- DNS ---
  entry('dns-egress-blocked', 'dns', ['fail', 'warn'], 'NetworkPolicy blocks DNS', 'For a group of pods with the same labels, policies deny 53/UDP or 53/TCP to CoreDNS (egress from the namespace, or ingress to kube-system); warn when nothing enforces them.', 'Allow DNS egress for the pods (the finding gives the NetworkPolicy to apply).'),
  entry('dns-policy-unknown', 'dns', ['warn'], 'DNS reachability cannot be told statically', 'A policy in the way of DNS is L7, FQDN-based or otherwise not decidable without a probe.', 'kubectl netdiag dns -n NS (with probes) settles it.'),
  entry('dns-server-unhealthy', 'dns', ['fail', 'warn'], 'CoreDNS pods unhealthy', 'The cluster DNS pods are missing, not ready or restarting.', 'kubectl -n kube-system describe pods -l k8s-app=kube-dns; kubectl netdiag dns.'),
  entry('dns-service-broken', 'dns', ['fail', 'warn'], 'kube-dns Service broken', 'The kube-dns Service is missing, has the wrong selector or ClusterIP, or lacks ports 53/UDP and 53/TCP.', 'kubectl netdiag dns names the field to fix.'),
  entry('dns-endpoints-missing', 'dns', ['fail', 'warn'], 'kube-dns has no ready endpoint', 'kube-dns endpoints are missing or not ready for a DNS port.', 'Fix the CoreDNS pods (see dns-server-unhealthy).'),
  entry('dns-corefile-problem', 'dns', ['fail', 'warn'], 'Corefile problem', 'The CoreDNS Corefile does not parse or has a known pitfall (forward loop, missing kubernetes plugin...).', 'Edit ConfigMap kube-system/coredns as the finding says.'),
  entry('dns-log-errors', 'dns', ['fail', 'warn'], 'CoreDNS logs errors', 'CoreDNS logs upstream timeouts, loops or plugin errors (live only).', 'Read the log lines in the evidence.'),
  entry('dns-nodelocal-problem', 'dns', ['fail', 'warn'], 'NodeLocal DNSCache problem', 'NodeLocal DNSCache is configured but not running everywhere, or pods bypass it.', 'kubectl -n kube-system get ds node-local-dns; kubectl netdiag dns.'),
  entry('dns-pod-config-problem', 'dns', ['fail', 'warn'], 'Pod DNS configuration pitfall', "Pods of the namespace use a dnsPolicy or dnsConfig that bypasses cluster DNS or costs lookups (ndots).", 'See the pods and fields named in the evidence.'),
  // --- policies ---
  entry('policy-not-enforced', 'policies', ['warn'], 'Policies that nothing enforces', 'Policy objects exist but the CNI or policy engine that would enforce their kind does not run: they are decorative.', 'Install an engine that enforces the kind, or do not rely on the policy.'),
  entry('policy-selects-no-pod', 'policies', ['warn'], 'Policy selects no pod', "The policy's podSelector matches no pod of its namespace (which has pods): it protects nothing, often a label typo.", "Fix spec.podSelector to the pods' labels, or delete the policy."),
  entry('policy-peer-matches-nothing', 'policies', ['warn'], 'Policy rule peer matches nothing', 'A from/to peer (podSelector, namespaceSelector) matches no pod or namespace: the rule allows nothing, often a label typo.', "Fix the peer's selector to labels the intended pods or namespaces carry."),
  // --- nodes ---
  entry('node-not-ready', 'nodes', ['fail', 'warn'], 'Node not ready or under pressure', 'A node is NotReady, NetworkUnavailable, or under memory/disk/PID pressure.', 'kubectl describe node NODE; journalctl -u kubelet on the node.'),
  entry('node-cni-problem', 'nodes', ['fail', 'warn'], 'CNI agent problem on a node', "The CNI's agent pod is missing or unhealthy on a node: pods there get no network.", 'kubectl -n kube-system describe pod on the agent named.'),
  entry('node-kube-proxy-missing', 'nodes', ['fail', 'warn'], 'kube-proxy missing or unhealthy on a node', 'No healthy kube-proxy on a node (and nothing replaces it): Service IPs are not programmed there.', 'kubectl -n kube-system describe daemonset kube-proxy (nodeSelector, tolerations).'),
  entry('node-cidr-problem', 'nodes', ['fail', 'warn'], 'Pod CIDR problem', 'Node pod CIDRs are missing, overlap, or collide with the Service range.', 'Fix the cluster CIDR configuration (kube-controller-manager --cluster-cidr, the CNI IPAM).'),
  entry('node-ipam-exhausted', 'nodes', ['fail', 'warn'], 'Pod IPs running out on a node', "A node's pod CIDR is (nearly) full.", 'Larger per-node CIDRs, or fewer pods per node.'),
  entry('node-sandbox-errors', 'nodes', ['fail', 'warn'], 'Pod sandboxes fail to start', 'FailedCreatePodSandBox events: the CNI cannot set up pod networking (live only).', 'Read the event messages in the evidence; check the CNI on that node.'),
  // --- Ingress and Gateway API (the ingress and route checks, API only, per Ingress and per route) ---
  entry('ingress-class-problem', 'routing', ['fail', 'warn'], 'IngressClass missing or ambiguous', 'The Ingress names no IngressClass and there is no default, names one that does not exist, or several are marked default.', 'Set spec.ingressClassName to an existing IngressClass (kubectl get ingressclass).'),
  entry('ingress-controller-missing', 'routing', ['fail', 'warn'], 'Ingress controller not running', "No pod of the controller the IngressClass names runs, or none is ready.", 'Install or fix the ingress controller named in the evidence.'),
  entry('ingress-no-address', 'routing', ['fail', 'warn'], 'Ingress has no address', 'No controller has written status.loadBalancer for the Ingress: nothing serves it (yet).', "Check the controller's logs for this Ingress."),
  entry('ingress-rule-problem', 'routing', ['fail', 'warn'], 'Ingress rule pitfall', 'A rule or path of the Ingress cannot match as intended (pathType, overlapping hosts, a backend port that does not exist).', 'kubectl netdiag ingress NAME walks the rule and names the field.'),
  entry('ingress-annotation-problem', 'routing', ['fail', 'warn'], 'Ingress annotation pitfall', 'An annotation the controller does not read, or one known to break routing (rewrite-target without a capture...).', 'See the annotation named in the evidence.'),
  entry('ingress-tls-problem', 'routing', ['fail', 'warn'], 'Ingress TLS problem', 'A host is not covered by spec.tls, or its Secret is missing.', 'Add the host to spec.tls with an existing Secret.'),
  entry('route-gateway-class-problem', 'routing', ['fail', 'warn'], 'GatewayClass missing or not accepted', 'The GatewayClass of the parent Gateway does not exist or its controller has not accepted it.', 'kubectl get gatewayclass; install the Gateway controller.'),
  entry('route-gateway-problem', 'routing', ['fail', 'warn'], 'Parent Gateway missing or not programmed', 'A parentRef names a Gateway that does not exist, or one that is not Accepted/Programmed.', 'kubectl describe gateway on the parent named.'),
  entry('route-controller-missing', 'routing', ['fail', 'warn'], 'Gateway controller not running', 'No pod of the controller the GatewayClass names runs.', 'Install or fix the Gateway controller.'),
  entry('route-not-attached', 'routing', ['fail', 'warn'], 'Route does not attach to its Gateway', "No listener of the parent Gateway accepts the route (hostname, allowedRoutes namespaces or kinds, sectionName, port).", 'Fix the parentRef or the listener as the evidence says.'),
  entry('route-not-accepted', 'routing', ['fail', 'warn'], 'Route not accepted or refs unresolved', "The route's status says Accepted=False or ResolvedRefs=False for a parent.", 'Read the condition reason in the evidence.'),
  entry('route-match-problem', 'routing', ['fail', 'warn'], 'Route rule pitfall', 'A match of the route cannot select requests as intended.', 'kubectl netdiag route NAME walks the rules.'),
  entry('route-backend-refs-problem', 'routing', ['fail', 'warn'], 'Route backendRef unresolved', 'A backendRef names a Service that does not exist, a port it lacks, or another namespace without a ReferenceGrant.', 'Fix the backendRef or add the ReferenceGrant.'),
  // --- the scan itself ---
  entry('unknown-missing-data', 'scan', ['warn'], 'Unknown: the input lacks data', 'A question could not be answered because the input lacks a kind or a namespace (a partial snapshot); the finding says what would settle it. Never read as healthy.', 'A fuller snapshot (kubectl netdiag snapshot captures everything) or a live run.'),
  entry('check-error', 'scan', ['fail'], 'A check could not run', 'A check errored (a refused read, a timeout): its question has no answer.', 'Read the summary; grant the access named, or raise --timeout.'),
]

const BY_CODE = new Map(CATALOGUE.map((e) => [e.code, e]))

export function catalogueEntry(code: string): CatalogueEntry | undefined {
  return BY_CODE.get(code)
}
