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

# Cluster modes (README "Modes"); the defaults are the cluster everyone else's e2e expects.
# pod network: bridge (CNI bridge plugin, host routes) or flannel (flanneld, VXLAN between the nodes)
NETDIAG_CNI=${NETDIAG_CNI:-bridge}
# kube-proxy mode: iptables, nftables; ipvs is refused when the kernel has no IP_VS
NETDIAG_PROXY_MODE=${NETDIAG_PROXY_MODE:-iptables}
# NodeLocal DNSCache: 1 runs it (hostNetwork DaemonSet node-local-dns on $NODELOCAL_IP) and points the kubelets' clusterDNS at it
NETDIAG_NODELOCAL=${NETDIAG_NODELOCAL:-0}
# ipv4, or dual: IPv4/IPv6 dual-stack (IPv4 primary) node addresses, pod and Service ranges (README, Modes)
NETDIAG_IP_FAMILY=${NETDIAG_IP_FAMILY:-ipv4}
# dual-stack's IPv6 side (unique local addresses; none of them leaves the machine, see NETDIAG-GUARD):
# node 1's address sits on lo beside NODE_IP, node 2's on its veth (node.sh); per-node pod /64s in CLUSTER_CIDR6
NODE_IP6=fd10:250::1
NODE_NET6=fd10:250::/48
CLUSTER_CIDR6=fd10:244::/56
POD_CIDR6=fd10:244::/64
# a /112: the 1.32 Service IP allocator (a bitmap) takes at most 20 host bits
SERVICE_CIDR6=fd10:96::/112
dual() { [[ $NETDIAG_IP_FAMILY == dual ]]; }
# "V4" or "V4,V6" as the dual-stack flags (--node-ip, --cluster-cidr, --service-cluster-ip-range) take them
families() { if dual; then echo "$1,$2"; else echo "$1"; fi; }
FLANNEL_VERSION=v0.28.10
# the module zip's hash (go mod download -json): GOSUMDB is off, so this is the check
FLANNEL_SUM=h1:jt+uW6XVV01MBb3YFahG7Ue9UE3W6zlNlJMf3JtdcXI=
FLANNEL_IMAGE=localhost/flannel:dev
# flannel's VXLAN port on Linux and its device
FLANNEL_VXLAN_DEV=flannel.1
# NodeLocal DNSCache's address: not the upstream's default 169.254.20.10 (the stub upstream resolver holds it
# here), kubespray's default instead
NODELOCAL_IP=169.254.25.10

mode_string() { echo "cni=$NETDIAG_CNI proxy=$NETDIAG_PROXY_MODE nodelocal=$NETDIAG_NODELOCAL family=$NETDIAG_IP_FAMILY netpol=$NETDIAG_NETPOL nodes=$NETDIAG_NODES"; }

kernel_has() { # CONFIG_X: y or m in the running kernel's config (unknown config: assume present)
  [[ -r /proc/config.gz ]] || return 0
  zgrep -qE "^$1=(y|m)$" /proc/config.gz
}

# Refuses a mode this machine cannot run, with the reason.
check_modes() {
  case $NETDIAG_CNI in bridge | flannel) ;; *) die "NETDIAG_CNI=$NETDIAG_CNI: bridge or flannel" ;; esac
  case $NETDIAG_PROXY_MODE in
    iptables) ;;
    nftables) kernel_has CONFIG_NF_TABLES || die "NETDIAG_PROXY_MODE=nftables: this kernel has no CONFIG_NF_TABLES" ;;
    ipvs) kernel_has CONFIG_IP_VS || die "NETDIAG_PROXY_MODE=ipvs: this kernel has no IPVS (CONFIG_IP_VS is not set in /proc/config.gz and modules cannot be loaded), so kube-proxy's ipvs mode cannot run here" ;;
    *) die "NETDIAG_PROXY_MODE=$NETDIAG_PROXY_MODE: iptables, nftables or ipvs" ;;
  esac
  [[ $NETDIAG_CNI != flannel ]] || kernel_has CONFIG_VXLAN || die "NETDIAG_CNI=flannel: this kernel has no CONFIG_VXLAN"
  case $NETDIAG_NODELOCAL in 0 | 1) ;; *) die "NETDIAG_NODELOCAL=$NETDIAG_NODELOCAL: 0 or 1" ;; esac
  case $NETDIAG_IP_FAMILY in
    ipv4) ;;
    dual)
      [[ $(cat /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null) == 0 ]] || die "NETDIAG_IP_FAMILY=dual: IPv6 is disabled on this machine (net.ipv6.conf.all.disable_ipv6)"
      # dual-stack is built for the bridge CNI only (flannel would need its EnableIPv6 network and IPv6 VXLAN)
      [[ $NETDIAG_CNI == bridge ]] || die "NETDIAG_IP_FAMILY=dual with NETDIAG_CNI=$NETDIAG_CNI: not built (dual-stack runs on the bridge CNI only)"
      ;;
    *) die "NETDIAG_IP_FAMILY=$NETDIAG_IP_FAMILY: ipv4 or dual" ;;
  esac
}

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
  _nomasq "$CLUSTER_CIDR" "$@" iptables
  if dual; then _nomasq "$CLUSTER_CIDR6" "$@" ip6tables; fi
}
_nomasq() { # cidr command...
  local cidr=$1; shift
  local ipt=("$@" -w 5 -t nat)
  "${ipt[@]}" -N NETDIAG-NOMASQ 2>/dev/null || true
  "${ipt[@]}" -F NETDIAG-NOMASQ
  "${ipt[@]}" -A NETDIAG-NOMASQ -s "$cidr" -d "$cidr" -m mark ! --mark 0x4000/0x4000 -j ACCEPT
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

# flanneld from the Go module proxy, built in its own module (its client-go is newer than Kubernetes 1.32's).
# Two backends are left out of its main.go: tencentvpc (the proxy refuses its tencentcloud SDK: 403) and udp
# (needs cgo). VXLAN, host-gw, ipip, wireguard, ipsec and extension stay. No flannel CNI plugin either
# (github.com/flannel-io/cni-plugin: 403): the DaemonSet writes the bridge conflist that plugin would delegate
# to, from flanneld's subnet.env (see manifests/flannel.yaml).
build_flannel() {
  local key out src info
  key="$FLANNEL_VERSION"
  out="$CACHE/flannel/$key"
  if [[ -x $out/flanneld ]]; then
    log "build: flanneld cached ($out)"
  else
    log "build: flanneld $FLANNEL_VERSION (log: $LOGS/build.log)"
    info=$(cd /tmp && go mod download -json "github.com/flannel-io/flannel@$FLANNEL_VERSION" 2>>"$LOGS/build.log") \
      || { tail_log build; die "go mod download flannel failed"; }
    grep -qF "\"Sum\": \"$FLANNEL_SUM\"" <<<"$info" || die "flannel $FLANNEL_VERSION: module hash is not $FLANNEL_SUM"
    src="$out.src"
    rm -rf "$src" "$out"; mkdir -p "$out"
    cp -r "$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$info")" "$src"
    chmod -R u+w "$src"
    sed -i -e '/pkg\/backend\/tencentvpc"/d' -e '/pkg\/backend\/udp"/d' "$src/main.go"
    (cd "$src" && set -x && go build -trimpath -ldflags "-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$FLANNEL_VERSION" -o "$out/flanneld.tmp" .) \
      >>"$LOGS/build.log" 2>&1 || { tail_log build; die "flanneld build failed (see $LOGS/build.log)"; }
    mv "$out/flanneld.tmp" "$out/flanneld"
    rm -rf "$src"
  fi
  find "$CACHE/flannel" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +
  FLANNEL_BIN="$out/flanneld"
}
