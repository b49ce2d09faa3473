#!/usr/bin/env bash
# Prints per-component up/down and the cluster's nodes and pods.
# Exit 0 only if every component is up and every node is Ready.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rc=0
# host processes: probed only while their pid file says they run (the
# addresses some of them listen on exist only while the cluster is up, and a
# probe must never leave the machine)
check() { # name ok-command...
  local name=$1; shift
  local state=up
  if [[ ! -f $(pidfile "$name") ]]; then state="down (not started)"
  elif ! is_running "$name"; then state="down (process exited; log: $LOGS/$name.log)"
  elif ! "$@" >/dev/null 2>&1; then state="down (not answering; log: $LOGS/$name.log)"; fi
  [[ $state == up ]] || rc=1
  printf '%-26s %s\n' "$name" "$state"
}
kc() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=5s "$@"; }
check etcd curl -fsS -m 3 http://127.0.0.1:2381/health
check kube-apiserver curl -fsS -m 3 -k https://127.0.0.1:6443/livez
check kube-controller-manager curl -fsS -m 3 -k https://127.0.0.1:10257/healthz
check kube-scheduler curl -fsS -m 3 -k https://127.0.0.1:10259/healthz
check containerd ctr -a "$CONTAINERD_SOCK" version
check registry curl -fsS -m 3 "http://$REGISTRY_ADDR/v2/"
check upstream-dns dig +time=1 +tries=1 @"$UPSTREAM_DNS_IP" probe.netdiag.test +short
check kubelet curl -fsS -m 3 http://127.0.0.1:10248/healthz
if [[ -f $(pidfile node2-kubelet) || -f $(pidfile node2-containerd) ]]; then
  check node2-containerd ctr -a "$RUN/node2/containerd/containerd.sock" version
  check node2-kubelet nsenter --net=/run/netns/netdiag-node2 curl -fsS -m 3 http://127.0.0.1:10248/healthz
fi
# DaemonSet/Deployment pods: all desired replicas ready
# in-cluster components (no pid file)
kcheck() { # name ok-command...
  local name=$1; shift
  local state=up
  "$@" >/dev/null 2>&1 || state=down
  [[ $state == up ]] || rc=1
  printf '%-26s %s\n' "$name" "$state"
}
ready_all() { # kind/name
  local got
  got=$(kc -n kube-system get "$1" -o jsonpath='{.status.numberReady}{.status.readyReplicas} {.status.desiredNumberScheduled}{.spec.replicas}' 2>/dev/null) || return 1
  read -r r d <<<"$got"
  [[ -n $r && $r -ge 1 && $r -ge $d ]]
}
if [[ -f $KUBECONFIG_ADMIN ]]; then
  kcheck kube-proxy ready_all ds/kube-proxy
  kcheck coredns ready_all deploy/coredns
  if kc -n kube-system get ds kube-network-policies >/dev/null 2>&1; then
    kcheck kube-network-policies ready_all ds/kube-network-policies
  fi
  if kc -n kube-system get ds node-local-dns >/dev/null 2>&1; then
    kcheck node-local-dns ready_all ds/node-local-dns
  fi
  if kc -n kube-flannel get ds kube-flannel-ds >/dev/null 2>&1; then
    kcheck kube-flannel-ds kc -n kube-flannel wait --for=jsonpath='{.status.numberReady}'="$(kc -n kube-flannel get ds kube-flannel-ds -o jsonpath='{.status.desiredNumberScheduled}')" ds/kube-flannel-ds --timeout=1s
  fi
fi
[[ -f $RUN/mode ]] && echo "mode: $(cat "$RUN/mode")"
echo
echo "kubeconfig: $KUBECONFIG_ADMIN"
if [[ -f $KUBECONFIG_ADMIN ]]; then
  kc get nodes,pods -A -o wide || rc=1
  notready=$(kc get nodes --no-headers 2>/dev/null | awk '$2 != "Ready"' | wc -l)
  [[ $notready -eq 0 ]] || rc=1
else
  echo "(no kubeconfig: cluster is down)"
  rc=1
fi
exit $rc
