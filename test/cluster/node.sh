# shellcheck shell=bash
# Node pieces (containerd + CNI config + kubelet), parameterised so that the
# second node can reuse them. Sourced by up.sh after lib.sh; uses up.sh's
# start_proc/wait_for.

# install_file DEST: stdin to DEST, atomically and only if it changed (the
# running containerd watches the CNI dir; a half-written file upsets it)
install_file() {
  local dest=$1 tmp
  tmp="$dest.tmp.$$"
  cat >"$tmp"
  if cmp -s "$tmp" "$dest"; then rm -f "$tmp"; else mv -f "$tmp" "$dest"; fi
}

# write_cni_conf DIR SUBNET SUBNET6 (flannel mode: only removes the bridge conflist; kube-flannel-ds writes its own).
# Dual-stack: host-local gets one range per family (IPv4 first: the pods' primary address, as the cluster's),
# and a default route of each family.
write_cni_conf() {
  local dir=$1 subnet=$2 subnet6=$3
  local ranges="[{\"subnet\": \"$subnet\"}]" routes='{"dst": "0.0.0.0/0"}'
  if dual; then
    ranges+=", [{\"subnet\": \"$subnet6\"}]"
    routes+=', {"dst": "::/0"}'
  fi
  mkdir -p "$dir/net.d"
  if [[ $NETDIAG_CNI == flannel ]]; then rm -f "$dir/net.d/10-netdiag-bridge.conflist"; return; fi
  rm -f "$dir/net.d/10-flannel.conflist"
  install_file "$dir/net.d/10-netdiag-bridge.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "netdiag",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [$ranges],
        "routes": [$routes],
        "dataDir": "$dir/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# write_containerd_conf DIR CNI_DIR SOCKET
write_containerd_conf() {
  local dir=$1 cni=$2 sock=$3
  mkdir -p "$dir"
  install_file "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
# the sandbox lacks CAP_SYS_RESOURCE: negative oom_score_adj is refused
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = "$dir/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  tolerate_missing_hugetlb_controller = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$RUN/registry-hosts"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$cni/net.d"
    max_conf_num = 1
EOF
}

# containerd hosts dirs: the local registry is the only endpoint
write_registry_hosts() {
  local r
  for r in "${MIRRORED_REGISTRIES[@]}"; do
    mkdir -p "$RUN/registry-hosts/$r"
    install_file "$RUN/registry-hosts/$r/hosts.toml" <<EOF
server = "http://$REGISTRY_ADDR"
[host."http://$REGISTRY_ADDR"]
  capabilities = ["pull", "resolve"]
EOF
  done
}

# write_kubelet_conf FILE SOCKET CGROUP_ROOT POD_LOGS_DIR
write_kubelet_conf() {
  local file=$1 sock=$2 cgroot=$3 logs=$4
  install_file "$file" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
cgroupRoot: $cgroot
# cgroup v1 host (no systemd): allowed with this in 1.32
failCgroupV1: false
clusterDomain: $CLUSTER_DOMAIN
clusterDNS: [$([[ $NETDIAG_NODELOCAL == 1 ]] && echo "$NODELOCAL_IP" || echo "$DNS_SVC_IP")]
containerRuntimeEndpoint: unix://$sock
resolvConf: $RUN/resolv.conf
podLogsDir: $logs
# the sandbox lacks CAP_SYS_RESOURCE: a negative oom_score_adj is refused
oomScoreAdj: 0
failSwapOn: false
hairpinMode: hairpin-veth
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
rotateCertificates: false
serverTLSBootstrap: false
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
EOF
}

# ---------------------------------------------------------------------------
# Second node: its own network namespace (veth to the host), containerd,
# kubelet; kube-proxy, kube-network-policies and pods come from the
# DaemonSets/scheduler as on node 1. Processes enter only the network
# namespace (nsenter --net), so mounts stay shared with the host, as kubelet
# and containerd need.
NODE2_NAME=netdiag-node2
NODE2_NS=netdiag-node2
NODE2_IP=10.250.2.2
NODE2_GW=10.250.2.1
NODE2_POD_CIDR=10.244.1.0/24
# dual-stack (NETDIAG_IP_FAMILY=dual): the veth's IPv6 side and node 2's pod /64
NODE2_IP6=fd10:250:0:2::2
NODE2_GW6=fd10:250:0:2::1
NODE2_POD_CIDR6=fd10:244:0:1::/64
NODE2_VETH=netdiag-n2
NODE2_DIR="$RUN/node2"
NODE2_SOCK="$NODE2_DIR/containerd/containerd.sock"

# pin_pod_cidrs NODE V4 V6: sets the node's spec.podCIDR(s) to the range its CNI config and host routes were
# written for. kube-controller-manager does not allocate them (--allocate-node-cidrs=false): its range allocator
# moves to the next /24 when a node update fails and is retried, which on a busy machine left node 2 with
# 10.244.2.0/24 while its bridge conflist handed out 10.244.1.0/24.
pin_pod_cidrs() {
  local node=$1 v4=$2 v6=$3 cidrs
  cidrs="\"$v4\""
  if dual; then cidrs+=",\"$v6\""; fi
  K patch node "$node" --type=merge -p "{\"spec\":{\"podCIDR\":\"$v4\",\"podCIDRs\":[$cidrs]}}" >/dev/null
}

n2() { nsenter --net="/run/netns/$NODE2_NS" "$@"; }

node2_network() {
  if ! ip netns list | grep -qw "$NODE2_NS"; then ip netns add "$NODE2_NS"; fi
  if ! ip link show "$NODE2_VETH" >/dev/null 2>&1; then
    ip link add "$NODE2_VETH" type veth peer name eth0 netns "$NODE2_NS"
  fi
  ip addr replace "$NODE2_GW/24" dev "$NODE2_VETH"
  ip link set "$NODE2_VETH" up
  n2 ip link set lo up
  n2 ip addr replace "$NODE2_IP/24" dev eth0
  n2 ip link set eth0 up
  n2 ip route replace default via "$NODE2_GW"
  if dual; then # nodad: the addresses are usable at once (no duplicate address detection on a private veth)
    ip addr replace "$NODE2_GW6/64" dev "$NODE2_VETH" nodad
    n2 ip addr replace "$NODE2_IP6/64" dev eth0 nodad
    n2 ip -6 route replace default via "$NODE2_GW6"
    ip -6 route replace "$NODE2_POD_CIDR6" via "$NODE2_IP6"
    n2 sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding'
  fi
  # flannel routes the pod subnets over its VXLAN device itself
  if [[ $NETDIAG_CNI == flannel ]]; then ip route del "$NODE2_POD_CIDR" via "$NODE2_IP" 2>/dev/null || true
  else ip route replace "$NODE2_POD_CIDR" via "$NODE2_IP"; fi
  n2 sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
  n2 sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables; do [ -f $f ] && echo 1 >$f; done; true'
  nomasq_rules n2
}

node2_pki() {
  [[ -f $PKI/kubelet-$NODE2_NAME.crt ]] || _sign "kubelet-$NODE2_NAME" "/O=system:nodes/CN=system:node:$NODE2_NAME" ""
  _kubeconfig "$NODE2_DIR/kubelet.kubeconfig" "system:node:$NODE2_NAME" "kubelet-$NODE2_NAME"
  # node 2 cannot use the host's 127.0.0.1
  sed -i "s|https://127.0.0.1:6443|https://$NODE_IP:6443|" "$NODE2_DIR/kubelet.kubeconfig"
}

start_node2() {
  mkdir -p "$NODE2_DIR"
  node2_network
  node2_pki
  write_cni_conf "$NODE2_DIR/cni" "$NODE2_POD_CIDR" "$NODE2_POD_CIDR6"
  write_containerd_conf "$NODE2_DIR/containerd" "$NODE2_DIR/cni" "$NODE2_SOCK"
  start_proc node2-containerd nsenter --net="/run/netns/$NODE2_NS" containerd --config "$NODE2_DIR/containerd/config.toml"
  wait_for node2-containerd 60 "socket up" ctr -a "$NODE2_SOCK" version
  CONTAINERD_SOCK=$NODE2_SOCK RUN=$NODE2_DIR import_images
  # its own cgroup root, so the two kubelets' kubepods trees don't collide
  local sub
  for sub in /sys/fs/cgroup/*/; do
    [[ -e ${sub}cgroup.procs && ! -L ${sub%/} ]] || continue
    mkdir -p "${sub}$NODE2_NAME"
    if [[ -f ${sub}cpuset.cpus ]]; then # v1 cpuset children start empty
      cat "${sub}cpuset.cpus" >"${sub}$NODE2_NAME/cpuset.cpus"
      cat "${sub}cpuset.mems" >"${sub}$NODE2_NAME/cpuset.mems"
    fi
  done
  write_kubelet_conf "$NODE2_DIR/kubelet-config.yaml" "$NODE2_SOCK" "/$NODE2_NAME" "$NODE2_DIR/pod-logs"
  start_proc node2-kubelet nsenter --net="/run/netns/$NODE2_NS" "$KUBE" kubelet \
    --config="$NODE2_DIR/kubelet-config.yaml" --kubeconfig="$NODE2_DIR/kubelet.kubeconfig" \
    --hostname-override="$NODE2_NAME" --node-ip="$(families "$NODE2_IP" "$NODE2_IP6")" \
    --root-dir="$NODE2_DIR/kubelet" --cert-dir="$NODE2_DIR/kubelet/pki" --v=1
  wait_for node2-kubelet 90 "node registered" K get node "$NODE2_NAME"
  pin_pod_cidrs "$NODE2_NAME" "$NODE2_POD_CIDR" "$NODE2_POD_CIDR6"
}
