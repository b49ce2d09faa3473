# shellcheck shell=bash
# Common settings and helpers for up.sh, down.sh and status.sh.
# Sourced, not run.

CLUSTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${NETDIAG_CLUSTER_DIR:-/var/tmp/netdiag-cluster}"
CACHE="$STATE/cache"          # kept by down.sh
RUN="$STATE/run"              # runtime state, removed by down.sh
LOGS="$STATE/logs"
PKI="$STATE/pki"
KUBECONFIG_ADMIN="$STATE/kubeconfig"

K8S_VERSION=v1.32.4
COREDNS_VERSION=v1.11.3
ETCD_VERSION=v3.5.16
NODE_NAME=netdiag-node1
# node InternalIP: an address on lo (this sandbox has no dummy links)
NODE_IP=10.250.0.1
POD_CIDR=10.244.0.0/24
# node IPs (node 1 on lo, node 2 on a veth) are taken from this range
NODE_NET=10.250.0.0/16
# number of nodes: 1, or 2 (node 2 in its own network namespace)
NETDIAG_NODES=${NETDIAG_NODES:-2}
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
KUBE_SVC_IP=10.96.0.1
DNS_SVC_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
# The node's stub "upstream" resolver: a host CoreDNS on a dummy interface.
# It answers a few fixed names and never forwards off the machine.
UPSTREAM_DNS_IP=169.254.20.10
UPSTREAM_DNS_IF=netdiag-dns
CONTAINERD_SOCK="$RUN/containerd/containerd.sock"

PAUSE_IMAGE=registry.k8s.io/pause:3.10
PROBE_IMAGE=localhost/netdiag-probe:dev
PROBE_ALIAS=docker.io/nicolaka/netshoot:latest
WEB_IMAGE=localhost/netdiag-web:dev
COREDNS_IMAGE=localhost/coredns:dev
KUBE_IMAGE=localhost/netdiag-kube:dev
# read-only local registry serving the images above; containerd uses it as
# the only endpoint for these registries, so pulls (imagePullPolicy: Always,
# the default for :latest) work offline and unknown images fail at once
REGISTRY_ADDR=$NODE_IP:5000
MIRRORED_REGISTRIES=(docker.io registry.k8s.io localhost)
NETPOL_IMAGE=localhost/kube-network-policies:dev
KNP_VERSION=v0.7.0
# NetworkPolicy enforcement (kube-network-policies DaemonSet); 0 disables it
NETDIAG_NETPOL=${NETDIAG_NETPOL:-1}

export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod -buildvcs=false"
# go.sum (committed) pins every module; some old versions are absent from
# the public checksum database mirror here, so go.sum is the only check.
export GOSUMDB=off
export CGO_ENABLED=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Pod-to-pod traffic between nodes keeps its pod source IP (as with flannel
# and friends): the bridge CNI plugin's ipMasq would otherwise SNAT it, and
# NetworkPolicy peers could not be recognised. Packets kube-proxy marked for
# masquerade (0x4000, e.g. hairpin) are left to kube-proxy.
nomasq_rules() { # [command prefix, e.g. n2]
  local ipt=("$@" iptables -w 5 -t nat)
  "${ipt[@]}" -N NETDIAG-NOMASQ 2>/dev/null || true
  "${ipt[@]}" -F NETDIAG-NOMASQ
  "${ipt[@]}" -A NETDIAG-NOMASQ -s "$CLUSTER_CIDR" -d "$CLUSTER_CIDR" -m mark ! --mark 0x4000/0x4000 -j ACCEPT
  "${ipt[@]}" -C POSTROUTING -j NETDIAG-NOMASQ 2>/dev/null || "${ipt[@]}" -I POSTROUTING 1 -j NETDIAG-NOMASQ
}

# pid file helpers ---------------------------------------------------------
pidfile() { echo "$RUN/pids/$1.pid"; }
# a pid is ours only if its command line mentions the state dir (all our
# processes get paths under it), so a pid reused after a reboot is not
pid_is_ours() {
  local c
  c=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $c == *"$STATE/"* ]]
}
is_running() {
  local f; f="$(pidfile "$1")"
  [[ -f $f ]] && pid_is_ours "$(cat "$f")"
}

tail_log() {
  local c=$1
  if [[ -f $LOGS/$c.log ]]; then
    log "---- last 40 lines of $LOGS/$c.log ----"
    tail -n 40 "$LOGS/$c.log" >&2 || true
  fi
}

# build ---------------------------------------------------------------------
# The Kubernetes components, etcd, CoreDNS and the small helpers live in one
# module (kube/), so they share one module graph and Go's build cache;
# kube-network-policies has its own module (netpol/) so its newer
# dependencies don't move the Kubernetes ones. Outputs are cached in
# $CACHE/bin/<key>/ where key hashes go.mod, go.sum and every .go file.
build_key() {
  (cd "$CLUSTER_SRC" && { find kube netpol -name '*.go' -o -name 'go.mod' -o -name 'go.sum'; } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
}

build_all() {
  local key out
  key="$(build_key)"
  out="$CACHE/bin/$key"
  if [[ -x $out/kube && -x $out/coredns && -x $out/web && -x $out/pause && -x $out/ociimage && -x $out/netpol && -x $out/registry ]]; then
    log "build: cached ($out)"
  else
    command -v go >/dev/null || die "go is not installed"
    mkdir -p "$out.tmp"
    local ld="-s -w"
    local v
    for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld+=" -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=32 -X $v.gitTreeState=clean"
    done
    log "build: compiling (cold build takes a long time on 2 cores; log: $LOGS/build.log)"
    (
      cd "$CLUSTER_SRC/kube"
      set -x
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/pause" ./pause
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/web" ./web
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/ociimage" ./ociimage
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/registry" ./registry
      go build -trimpath -ldflags "$ld" -o "$out.tmp/kube" .
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/coredns" ./coredns
      cd ../netpol
      go build -trimpath -ldflags "-s -w" -o "$out.tmp/netpol" sigs.k8s.io/kube-network-policies/cmd
    ) >>"$LOGS/build.log" 2>&1 || { tail_log build; die "build failed (see $LOGS/build.log)"; }
    rm -rf "$out"; mv "$out.tmp" "$out"
  fi
  ln -sfn "$out" "$CACHE/bin/current"
  # keep only the current build
  find "$CACHE/bin" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name current -exec rm -rf {} +
  BIN="$out"
}
