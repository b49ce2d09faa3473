#!/usr/bin/env bash
# Stops everything up.sh started and removes its state (build and image
# caches in $STATE/cache are kept; logs are kept until the next up.sh).
# Safe to run when nothing is up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $(id -u) -eq 0 ]] || die "down.sh must run as root"
T0=$(date +%s)

# stop processes by pid file, all at once: TERM, then KILL after $1 seconds
stop_pidfiles() { # grace name...
  local grace=$1 f pid i n alive
  shift
  local pids=() names=()
  for n in "$@"; do
    f="$(pidfile "$n")"
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    if pid_is_ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$n")
    fi
    rm -f "$f"
  done
  ((${#pids[@]})) || return 0
  for ((i = 0; i < grace * 10; i++)); do
    alive=0
    for pid in "${pids[@]}"; do pid_is_ours "$pid" && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if pid_is_ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  log "stopped ${names[*]}"
}

# pids whose command line mentions our containerd socket (the shims) or that
# live in the kubelet's pod cgroups
our_container_pids() {
  local p
  for p in /proc/[0-9]*; do
    [[ $(cat "$p/comm" 2>/dev/null) == containerd-shim* ]] || continue
    pid_is_ours "${p#/proc/}" && echo "${p#/proc/}"
  done
  find /sys/fs/cgroup/*/kubepods* /sys/fs/cgroup/*/netdiag-node2 -name cgroup.procs -exec cat {} + 2>/dev/null || true
}

# 1. node agents first, so nothing restarts pods
stop_pidfiles 3 node2-kubelet kubelet

# 2. all pod processes and shims
cpids=$(our_container_pids | sort -un || true)
if [[ -n $cpids ]]; then
  # shellcheck disable=SC2086
  kill -KILL $cpids 2>/dev/null || true
  log "killed $(wc -w <<<"$cpids") container/shim processes"
fi

# 3. the rest
stop_pidfiles 5 node2-containerd containerd kube-scheduler kube-controller-manager upstream-dns registry
stop_pidfiles 5 kube-apiserver
stop_pidfiles 5 etcd
# anything else we recorded
if [[ -d $RUN/pids ]]; then
  rest=()
  for f in "$RUN"/pids/*.pid; do [[ -e $f ]] && rest+=("$(basename "$f" .pid)"); done
  ((${#rest[@]})) && stop_pidfiles 3 "${rest[@]}"
fi

# 4. mounts under the state dir (kubelet volumes, container rootfs, shm)
if [[ -d $RUN ]]; then
  awk -v r="$RUN/" 'index($5, r) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
fi
# pod network namespaces made by our containerd (cni-<uuid>), node2's netns
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^(cni-[0-9a-f-]+|netdiag-node2)$' || true); do
  ip netns delete "$ns" 2>/dev/null || true
done

# 5. links
for l in cni0 netdiag-n2 "$FLANNEL_VXLAN_DEV"; do ip link delete "$l" 2>/dev/null || true; done
for l in $(ip -o link show master cni0 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  ip link delete "$l" 2>/dev/null || true
done
for a in "$NODE_IP/32" "$UPSTREAM_DNS_IP/32" "$NODELOCAL_IP/32" "$NODE_IP6/128"; do ip addr del "$a" dev lo 2>/dev/null || true; done

# 6. iptables: drop every chain and rule of kube-proxy, kubelet, CNI,
# kube-router and our guard; keep everything else
clean_tables() { # iptables|ip6tables
  command -v "$1-save" >/dev/null || return 0
  local saved
  saved=$("$1-save" 2>/dev/null) || return 0
  grep -qE "KUBE-|CNI-|NETDIAG-|FLANNEL-|$NODELOCAL_IP" <<<"$saved" || return 0
  # (FLANNEL-: flannel mode's chains; rules naming the NodeLocal DNSCache address: its NOTRACK/ACCEPT rules)
  awk -v nodelocal="$NODELOCAL_IP" '
    /^:(KUBE-|CNI-|NETDIAG-|FLANNEL-)/ {next}
    /^-A (KUBE-|CNI-|NETDIAG-|FLANNEL-)/ {next}
    /^-A / && /-[jg] (KUBE-|CNI-|NETDIAG-|FLANNEL-)/ {next}
    /^-A / && index($0, nodelocal "/32") {next}
    {print}' <<<"$saved" | "$1-restore" 2>/dev/null || log "warning: $1-restore failed"
  log "removed $1 rules"
}
clean_tables iptables
clean_tables ip6tables
if command -v ipset >/dev/null; then
  for s in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router)' || true); do ipset destroy "$s" 2>/dev/null || true; done
fi
if command -v nft >/dev/null; then
  nft delete table ip kube-proxy 2>/dev/null || true
  nft delete table ip6 kube-proxy 2>/dev/null || true
fi

# 7. sysctls back to what they were
if [[ -f $RUN/sysctl.orig ]]; then
  while read -r s v; do echo "$v" >"/proc/sys/$s" 2>/dev/null || true; done <"$RUN/sysctl.orig"
fi

# 8. pod cgroups (deepest first)
for sub in /sys/fs/cgroup/*/; do
  for d in kubepods netdiag-node2; do
    [[ -d $sub$d ]] || continue
    find "$sub$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
done

# 9. state, except caches and logs
rm -rf "$RUN" "$KUBECONFIG_ADMIN" "$PKI"
log "down in $(( $(date +%s) - T0 ))s"
