#!/usr/bin/env bash
# Proves the cluster works as the e2e tests need it: cluster DNS, a ClusterIP
# Service, kubectl debug (ephemeral container), a hostNetwork+privileged pod,
# pulls with imagePullPolicy Always, NetworkPolicy enforcement and (with two
# nodes) cross-node traffic. Uses namespace netdiag-smoke, deleted at the end.
# Prints "N passed, N failed"; exit 0 if all passed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export KUBECONFIG="$KUBECONFIG_ADMIN"
NS=netdiag-smoke
pass=0 fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
ko() { echo "FAIL - $1${2:+: $2}"; fail=$((fail + 1)); }
check() { # description expected-substring command...
  local d=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ $out == *"$want"* ]]; then ok "$d"; else ko "$d" "$(tail -n 3 <<<"$out" | tr '\n' ' ')"; fi
}
x() { kubectl -n $NS exec "$1" -c probe -- "${@:2}"; }

kubectl delete ns $NS --ignore-not-found --wait=true >/dev/null 2>&1
kubectl create ns $NS >/dev/null
read -ra nodes <<<"$(kubectl get nodes -o jsonpath='{.items[*].metadata.name}')"
last=${nodes[${#nodes[@]}-1]}
kubectl -n $NS apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: probe-a, labels: {role: allowed}}
spec:
  nodeName: ${nodes[0]}
  containers: [{name: probe, image: $PROBE_IMAGE, imagePullPolicy: IfNotPresent, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Pod
metadata: {name: probe-b}
spec:
  nodeName: $last
  containers: [{name: probe, image: $PROBE_ALIAS, imagePullPolicy: Always, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  nodeName: $last
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  containers: [{name: probe, image: $PROBE_IMAGE, command: [sleep, infinity], securityContext: {privileged: true}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${#nodes[@]}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]
      containers:
      - {name: web, image: $WEB_IMAGE, ports: [{containerPort: 8080}], readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
EOF
kubectl -n $NS wait --for=condition=Ready pod/probe-a pod/probe-b pod/hostnet --timeout=90s >/dev/null || ko "pods Ready"
kubectl -n $NS rollout status deploy/web --timeout=90s >/dev/null || ko "web Ready"
sleep 2 # kube-proxy sync

check "dig @10.96.0.10 kubernetes.default -> 10.96.0.1" "$KUBE_SVC_IP" x probe-a dig +time=2 +tries=2 +short @"$DNS_SVC_IP" kubernetes.default.svc.$CLUSTER_DOMAIN
check "nslookup web (search path)" "Address: " x probe-a nslookup web
check "upstream: *.netdiag.test via CoreDNS forward" "$UPSTREAM_DNS_IP" x probe-a dig +short +time=2 x.netdiag.test
check "curl ClusterIP service" "netdiag-web" x probe-a curl -sS -m 5 http://web/
check "curl service from $last (pull Always)" "netdiag-web" x probe-b curl -sS -m 5 http://web.$NS.svc.$CLUSTER_DOMAIN/
check "hostNetwork+privileged: iptables + DNS" "KUBE-SERVICES" x hostnet sh -c "iptables -t nat -S KUBE-SERVICES | head -1; dig +short +time=2 kubernetes.default.svc.$CLUSTER_DOMAIN"
kubectl -n $NS debug probe-a -q --image="$PROBE_ALIAS" --target=probe -c dbg -- sh -c "dig +short +time=2 kubernetes.default.svc.$CLUSTER_DOMAIN" >/dev/null 2>&1
for _ in $(seq 20); do
  st=$(kubectl -n $NS get pod probe-a -o jsonpath='{.status.ephemeralContainerStatuses[0].state.terminated.reason}')
  [[ -n $st ]] && break; sleep 1
done
check "kubectl debug (ephemeral container)" "$KUBE_SVC_IP" kubectl -n $NS logs probe-a -c dbg
if ((${#nodes[@]} > 1)); then
  ipb=$(kubectl -n $NS get pod probe-b -o jsonpath='{.status.podIP}')
  check "cross-node pod to pod (${nodes[0]} -> $last)" " 0% packet loss" x probe-a ping -c 2 -W 2 "$ipb"
fi
if kubectl -n kube-system get ds kube-network-policies >/dev/null 2>&1; then
  kubectl -n $NS apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-allowed}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {role: allowed}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress-b}
spec:
  podSelector: {matchExpressions: [{key: role, operator: DoesNotExist}]}
  policyTypes: [Egress]
EOF
  sleep 2
  check "netpol: allowed pod reaches web" "netdiag-web" x probe-a curl -sS -m 5 http://web/
  check "netpol: deny-all egress blocks DNS" "timed out" x probe-b dig +time=2 +tries=1 kubernetes.default.svc.$CLUSTER_DOMAIN
  kubectl -n $NS delete networkpolicy deny-egress-b >/dev/null
  sleep 1
  check "netpol: ingress policy blocks other pod" "timed out" x probe-b curl -sS -m 3 http://web/
  kubectl -n $NS delete networkpolicy web-from-allowed >/dev/null
  sleep 1
  check "netpol: removed policy allows again" "netdiag-web" x probe-b curl -sS -m 5 http://web/
fi
kubectl delete ns $NS --wait=false >/dev/null 2>&1
echo "$pass passed, $fail failed"
((fail == 0))
