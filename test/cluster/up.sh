#!/usr/bin/env bash
# Brings up the local netdiag e2e cluster: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd and kubelet as host
# processes; kube-proxy (DaemonSet, hostNetwork) and CoreDNS (Deployment)
# as pods. Idempotent: components already running are left alone.
# Usage: test/cluster/up.sh            (state in ${NETDIAG_CLUSTER_DIR:-/var/tmp/netdiag-cluster})
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_SRC/images.sh"
source "$CLUSTER_SRC/pki.sh"
source "$CLUSTER_SRC/node.sh"

[[ $(id -u) -eq 0 ]] || die "up.sh must run as root"
trap 'log "ERROR: up.sh failed at line $LINENO (phase ${PHASE:-start}): $BASH_COMMAND"' ERR
T0=$(date +%s)
declare -A TIMES
phase_start() { PHASE=$1; PHASE_T=$(date +%s); log "== $1"; }
phase_end() { TIMES[$PHASE]=$(( $(date +%s) - PHASE_T )); log "== $PHASE done in ${TIMES[$PHASE]}s"; }

mkdir -p "$CACHE" "$RUN/pids" "$LOGS" "$PKI"
check_modes
# one mode per cluster life: switching needs down.sh (the CNI, kubelet DNS and kube-proxy state differ)
if [[ -f $RUN/mode && $(cat "$RUN/mode") != "$(mode_string)" ]] && is_running etcd; then
  die "the cluster is up in mode '$(cat "$RUN/mode")', not '$(mode_string)': run test/cluster/down.sh first"
fi
mode_string >"$RUN/mode"
log "mode: $(mode_string)"

# --- packages ---------------------------------------------------------------
phase_start packages
APT_PKGS=(containerd runc containernetworking-plugins iptables conntrack iproute2 openssl
  bind9-dnsutils netcat-openbsd iputils-ping iputils-tracepath traceroute curl busybox
  procps ca-certificates socat ethtool nftables ipset)
missing=()
for p in "${APT_PKGS[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    >>"$LOGS/apt.log" 2>&1 || { tail_log apt; die "apt-get install failed"; }
fi
command -v go >/dev/null || die "go toolchain not found (needed to build Kubernetes from the Go module proxy)"
phase_end

# --- build --------------------------------------------------------------------
phase_start build
build_all
[[ $NETDIAG_CNI != flannel ]] || build_flannel
phase_end

phase_start images
build_images
phase_end

phase_start bring-up

# --- host network -------------------------------------------------------------
# remember sysctls we change, for down.sh
if [[ ! -f $RUN/sysctl.orig ]]; then
  for s in net/ipv4/ip_forward net/ipv6/conf/all/forwarding net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables; do
    if [[ -f /proc/sys/$s ]]; then echo "$s $(cat /proc/sys/$s)"; fi
  done >"$RUN/sysctl.orig"
fi
echo 1 >/proc/sys/net/ipv4/ip_forward
# (the host's own IPv6 routes are static: forwarding, which stops it accepting router advertisements, changes none)
if dual; then echo 1 >/proc/sys/net/ipv6/conf/all/forwarding; fi
for s in bridge-nf-call-iptables bridge-nf-call-ip6tables; do
  if [[ -f /proc/sys/net/bridge/$s ]]; then echo 1 >"/proc/sys/net/bridge/$s"; fi
done
# node IP and the stub upstream resolver live on lo (no dummy links here)
lo_addrs=$(ip -o addr show dev lo)
for a in "$NODE_IP/32" "$UPSTREAM_DNS_IP/32"; do
  grep -qF " $a " <<<"$lo_addrs" || ip addr add "$a" dev lo
done
# dual-stack: node 1's IPv6 address on lo too (nodad: usable at once)
if dual; then grep -qF " $NODE_IP6/128 " <<<"$lo_addrs" || ip addr add "$NODE_IP6/128" dev lo nodad; fi
# guard: pods may reach each other, services and this node, never the
# outside world (the sandbox forbids traffic to foreign addresses).
EXT_IF=$(ip -o route show default | awk '{for(i=1;i<=NF;i++) if($i=="dev") print $(i+1)}' | head -1)
iptables -N NETDIAG-GUARD 2>/dev/null || true
iptables -F NETDIAG-GUARD
if [[ -n $EXT_IF ]]; then
  iptables -A NETDIAG-GUARD -o "$EXT_IF" -s "$CLUSTER_CIDR" -j REJECT --reject-with icmp-net-prohibited
  iptables -A NETDIAG-GUARD -o "$EXT_IF" -s "$NODE_NET" -j REJECT --reject-with icmp-net-prohibited
fi
iptables -C FORWARD -j NETDIAG-GUARD 2>/dev/null || iptables -I FORWARD 1 -j NETDIAG-GUARD
if dual; then # the same guard for IPv6 (this host has an IPv6 default route)
  EXT_IF6=$(ip -6 -o route show default | awk '{for(i=1;i<=NF;i++) if($i=="dev") print $(i+1)}' | head -1)
  ip6tables -N NETDIAG-GUARD 2>/dev/null || true
  ip6tables -F NETDIAG-GUARD
  for ext in $(printf '%s\n' "$EXT_IF" "$EXT_IF6" | sort -u); do
    ip6tables -A NETDIAG-GUARD -o "$ext" -s "$CLUSTER_CIDR6" -j REJECT --reject-with icmp6-adm-prohibited
    ip6tables -A NETDIAG-GUARD -o "$ext" -s "$NODE_NET6" -j REJECT --reject-with icmp6-adm-prohibited
  done
  ip6tables -C FORWARD -j NETDIAG-GUARD 2>/dev/null || ip6tables -I FORWARD 1 -j NETDIAG-GUARD
fi
nomasq_rules

# --- pki ----------------------------------------------------------------------
make_pki
cp "$KUBECONFIG_ADMIN" "$RUN/admin.kubeconfig" 2>/dev/null || true
export KUBECONFIG="$KUBECONFIG_ADMIN"
K() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# --- process helpers ----------------------------------------------------------
start_proc() { # name cmd...
  local name=$1; shift
  if is_running "$name"; then log "$name: already running (pid $(cat "$(pidfile "$name")"))"; return; fi
  log "$name: starting"
  [[ -f $LOGS/$name.log ]] && mv -f "$LOGS/$name.log" "$LOGS/$name.log.prev"
  echo "+ $*" >"$LOGS/$name.log"
  # A daemon must not inherit our descriptors beyond stdio: under `flock /tmp/netdiag-cluster.lock up.sh` it
  # would otherwise hold the cluster lock for as long as it runs.
  local fd close=""
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [[ $fd =~ ^[0-9]+$ ]] && (( fd > 2 )); then close+=" $fd>&-"; fi
  done
  eval "setsid nohup \"\$@\" >>\"\$LOGS/\$name.log\" 2>&1 </dev/null$close &"
  echo $! >"$(pidfile "$name")"
  # until it has exec'd, the child's command line is still bash's (not "ours"): wait_for would call it exited
  local pid=$! _
  for _ in $(seq 40); do
    pid_is_ours "$pid" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
}
wait_for() { # name timeout-seconds description cmd...
  local name=$1 timeout=$2 what=$3; shift 3
  local end=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if [[ -f $(pidfile "$name") ]] && ! is_running "$name"; then
      tail_log "$name"; die "$name exited while waiting for: $what"
    fi
    if (( $(date +%s) > end )); then
      tail_log "$name"; die "$name: timed out after ${timeout}s waiting for: $what"
    fi
    sleep 1
  done
  log "$name: $what"
}
KUBE="$BIN/kube"

# --- etcd ---------------------------------------------------------------------
mkdir -p "$RUN/etcd"
start_proc etcd "$KUBE" etcd --name netdiag --data-dir "$RUN/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster netdiag=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
  --unsafe-no-fsync --log-level warn
wait_for etcd 60 "healthy" curl -fsS http://127.0.0.1:2381/health

# --- kube-apiserver -----------------------------------------------------------
start_proc kube-apiserver "$KUBE" kube-apiserver \
  --etcd-servers=http://127.0.0.1:2379 \
  --bind-address=0.0.0.0 --advertise-address="$NODE_IP" --secure-port=6443 \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP,Hostname \
  --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$(families "$SERVICE_CIDR" "$SERVICE_CIDR6")" \
  --authorization-mode=Node,RBAC --allow-privileged=true \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
  --requestheader-username-headers=X-Remote-User \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --enable-admission-plugins=NodeRestriction \
  --profiling=false --v=1
wait_for kube-apiserver 120 "ready" curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" https://127.0.0.1:6443/readyz

# --- controller-manager, scheduler --------------------------------------------
start_proc kube-controller-manager "$KUBE" kube-controller-manager \
  --kubeconfig="$RUN/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$RUN/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$RUN/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false \
  --allocate-node-cidrs=false --cluster-cidr="$(families "$CLUSTER_CIDR" "$CLUSTER_CIDR6")" \
  --service-cluster-ip-range="$(families "$SERVICE_CIDR" "$SERVICE_CIDR6")" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --use-service-account-credentials=true --controllers='*,bootstrapsigner,tokencleaner' \
  --profiling=false --v=1
start_proc kube-scheduler "$KUBE" kube-scheduler \
  --kubeconfig="$RUN/scheduler.kubeconfig" \
  --authentication-kubeconfig="$RUN/scheduler.kubeconfig" \
  --authorization-kubeconfig="$RUN/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --profiling=false --v=1

# --- local registry -------------------------------------------------------------
# (restarted when the images changed)
if is_running registry && [[ $(cat "$RUN/registry.key" 2>/dev/null) != "$IMAGES_DIR" ]]; then
  pid=$(cat "$(pidfile registry)")
  kill "$pid"
  for _ in $(seq 50); do pid_is_ours "$pid" || break; sleep 0.1; done
  rm -f "$(pidfile registry)"
  rm -rf "$RUN/registry"
fi
start_proc registry "$BIN/registry" -addr "$REGISTRY_ADDR" -dir "$RUN/registry" \
  $(image_archives | sed "s|.*|$IMAGES_DIR/&.tar|")
echo "$IMAGES_DIR" >"$RUN/registry.key"
wait_for registry 60 "serving" curl -fsS -m 2 "http://$REGISTRY_ADDR/v2/"
write_registry_hosts

# --- containerd ---------------------------------------------------------------
write_cni_conf "$RUN/cni" "$POD_CIDR" "$POD_CIDR6"  # (flannel mode: its DaemonSet writes the conflist instead)
write_containerd_conf "$RUN/containerd" "$RUN/cni" "$CONTAINERD_SOCK"
start_proc containerd containerd --config "$RUN/containerd/config.toml"
wait_for containerd 60 "socket up" ctr -a "$CONTAINERD_SOCK" version

log "importing images"
import_images

# --- stub upstream resolver (host CoreDNS on $UPSTREAM_DNS_IP) -----------------
cat >"$RUN/upstream.Corefile" <<EOF
# The node's "upstream" DNS server for pods with dnsPolicy Default (and so for
# CoreDNS's forward . /etc/resolv.conf). No network here: it answers
# *.netdiag.test with $UPSTREAM_DNS_IP and NXDOMAIN for anything else.
.:53 {
    bind $UPSTREAM_DNS_IP
    errors
    template IN A netdiag.test {
        answer "{{ .Name }} 60 IN A $UPSTREAM_DNS_IP"
    }
$(dual && printf '    # dual-stack: the names exist, with no IPv6 address (NODATA, not NXDOMAIN)\n    template IN AAAA netdiag.test {\n        rcode NOERROR\n    }\n')
    template ANY ANY {
        rcode NXDOMAIN
    }
}
EOF
echo "nameserver $UPSTREAM_DNS_IP" >"$RUN/resolv.conf"
start_proc upstream-dns "$BIN/coredns" -conf "$RUN/upstream.Corefile"
wait_for upstream-dns 30 "answering" dig +time=1 +tries=1 @"$UPSTREAM_DNS_IP" probe.netdiag.test +short

# --- kubelet ------------------------------------------------------------------
write_kubelet_conf "$RUN/kubelet-config.yaml" "$CONTAINERD_SOCK" / "$RUN/pod-logs"
start_proc kubelet "$KUBE" kubelet \
  --config="$RUN/kubelet-config.yaml" --kubeconfig="$RUN/kubelet-$NODE_NAME.kubeconfig" \
  --hostname-override="$NODE_NAME" --node-ip="$(families "$NODE_IP" "$NODE_IP6")" \
  --root-dir="$RUN/kubelet" --cert-dir="$RUN/kubelet/pki" --v=1
wait_for kubelet 90 "node registered" K get node "$NODE_NAME"
pin_pod_cidrs "$NODE_NAME" "$POD_CIDR" "$POD_CIDR6"
# as kubeadm does (the kubelet may not set node-role labels itself); no taint
K label node "$NODE_NAME" node-role.kubernetes.io/control-plane= --overwrite >/dev/null

# --- second node ----------------------------------------------------------------
if [[ $NETDIAG_NODES -ge 2 ]]; then
  start_node2
fi

# --- in-cluster objects -------------------------------------------------------
render() {
  sed -e "s|@CLUSTER_DOMAIN@|$CLUSTER_DOMAIN|g" -e "s|@DNS_SVC_IP@|$DNS_SVC_IP|g" \
      -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@KUBE_IMAGE@|$KUBE_IMAGE|g" \
      -e "s|@CLUSTER_CIDR@|$CLUSTER_CIDR|g" -e "s|@CLUSTER_CIDRS@|$(families "$CLUSTER_CIDR" "$CLUSTER_CIDR6")|g" \
      -e "s|@CLUSTER_CIDR6@|$(dual && echo "$CLUSTER_CIDR6")|g" -e "s|@NETPOL_IMAGE@|$NETPOL_IMAGE|g" \
      -e "s|@NODE_IP@|$NODE_IP|g" -e "s|@PROXY_MODE@|$NETDIAG_PROXY_MODE|g" -e "s|@FLANNEL_IMAGE@|$FLANNEL_IMAGE|g" \
      -e "s|@NODELOCAL_IP@|$NODELOCAL_IP|g" -e "s|@UPSTREAM_DNS_IP@|$UPSTREAM_DNS_IP|g" -e "s|@STATE_RUN@|$RUN|g" \
      -e "s|@NODE2_NAME@|$NODE2_NAME|g" "$CLUSTER_SRC/manifests/$1"
}
# AdminNetworkPolicy / BaselineAdminNetworkPolicy CRDs for kube-network-policies, from the
# sigs.k8s.io/network-policy-api module its build already pins (Go module cache).
if [[ $NETDIAG_NETPOL == 1 ]]; then
  NPAPI_DIR="$(cd "$CLUSTER_SRC/netpol" && go list -m -f '{{.Dir}}' sigs.k8s.io/network-policy-api)" \
    || die "cannot locate the sigs.k8s.io/network-policy-api module"
  for crd in adminnetworkpolicies baselineadminnetworkpolicies; do
    K apply -f "$NPAPI_DIR/config/crd/standard/policy.networking.k8s.io_$crd.yaml" >>"$LOGS/apply.log" 2>&1 \
      || { tail_log apply; die "kubectl apply CRD $crd failed"; }
  done
  K wait --for=condition=Established --timeout=60s \
    crd/adminnetworkpolicies.policy.networking.k8s.io crd/baselineadminnetworkpolicies.policy.networking.k8s.io >>"$LOGS/apply.log" 2>&1 \
    || { tail_log apply; die "policy CRDs not established"; }
fi
# Gateway API CRDs (no controller), so the route e2e suite meets a real API server that serves them.
if [[ ${NETDIAG_GATEWAY_API:-1} == 1 ]]; then
  KUBECONFIG="$KUBECONFIG_ADMIN" bash "$CLUSTER_SRC/gateway-crds.sh" >>"$LOGS/apply.log" 2>&1 || { tail_log apply; die "Gateway API CRDs failed"; }
fi
MANIFESTS=(kube-proxy.yaml coredns.yaml)
[[ $NETDIAG_NETPOL == 1 ]] && MANIFESTS+=(kube-network-policies.yaml)
[[ $NETDIAG_CNI == flannel ]] && MANIFESTS+=(flannel.yaml)
[[ $NETDIAG_NODELOCAL == 1 ]] && MANIFESTS+=(nodelocaldns.yaml)
for m in "${MANIFESTS[@]}"; do
  render "$m" | K apply -f - >>"$LOGS/apply.log" 2>&1 || { tail_log apply; die "kubectl apply $m failed"; }
done

if [[ $NETDIAG_CNI == flannel ]]; then
  wait_for kubelet 180 "flannel on every node" \
    bash -c "[[ \$(kubectl --kubeconfig '$KUBECONFIG_ADMIN' -n kube-flannel get ds kube-flannel-ds -o jsonpath='{.status.numberReady}') -ge $NETDIAG_NODES ]]"
fi
wait_for kubelet 120 "node Ready" K wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s
if [[ $NETDIAG_NODES -ge 2 ]]; then
  wait_for node2-kubelet 120 "node Ready" K wait --for=condition=Ready "node/$NODE2_NAME" --timeout=5s
fi
wait_for kubelet 120 "kube-proxy healthy" curl -fsS -m 2 http://127.0.0.1:10256/healthz
wait_for kubelet 180 "kube-proxy on every node" \
  bash -c "[[ \$(kubectl --kubeconfig '$KUBECONFIG_ADMIN' -n kube-system get ds kube-proxy -o jsonpath='{.status.numberReady}') -ge $NETDIAG_NODES ]]"
wait_for kubelet 180 "CoreDNS Ready" K -n kube-system rollout status deploy/coredns --timeout=5s
if [[ $NETDIAG_NETPOL == 1 ]]; then
  wait_for kubelet 120 "kube-network-policies Ready" \
    bash -c "[[ \$(kubectl --kubeconfig '$KUBECONFIG_ADMIN' -n kube-system get ds kube-network-policies -o jsonpath='{.status.numberReady}') -ge $NETDIAG_NODES ]]"
fi
if [[ $NETDIAG_NODELOCAL == 1 ]]; then
  wait_for kubelet 120 "NodeLocal DNSCache on every node" \
    bash -c "[[ \$(kubectl --kubeconfig '$KUBECONFIG_ADMIN' -n kube-system get ds node-local-dns -o jsonpath='{.status.numberReady}') -ge $NETDIAG_NODES ]]"
fi
phase_end

# Traefik v3, a real Ingress and Gateway API controller (test/cluster/traefik.sh; NETDIAG_TRAEFIK=0 skips it).
if [[ ${NETDIAG_TRAEFIK:-1} == 1 && ${NETDIAG_GATEWAY_API:-1} == 1 ]]; then
  phase_start traefik
  KUBECONFIG="$KUBECONFIG_ADMIN" bash "$CLUSTER_SRC/traefik.sh" >>"$LOGS/traefik.log" 2>&1 || { tail_log traefik; die "Traefik failed"; }
  phase_end
fi

log "timings: packages ${TIMES[packages]}s, build ${TIMES[build]}s, images ${TIMES[images]}s, bring-up ${TIMES[bring-up]}s, total $(( $(date +%s) - T0 ))s"
echo "$KUBECONFIG_ADMIN"
