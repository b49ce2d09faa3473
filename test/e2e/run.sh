#!/usr/bin/env bash
# e2e: the built CLI against a real local cluster (test/cluster). Brings the cluster up unless
# NETDIAG_E2E_KUBECONFIG points at one already, and tears it down afterwards unless NETDIAG_KEEP_CLUSTER=1.
# When it owns the cluster (neither of those), a second pass follows the default suite: the cluster is rebuilt
# in the combined mode (flannel VXLAN + kube-network-policies, kube-proxy nftables, NodeLocal DNSCache) and the
# mode suite (test/e2e/modes) runs there, after a pass in dual-stack mode (NETDIAG_IP_FAMILY=dual, which cannot
# combine with flannel). NETDIAG_E2E_MODE_PASS=0 skips both, NETDIAG_E2E_DUAL_PASS=0 the dual-stack one; the other
# modes, one at a time: npm run test:e2e:matrix.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
times=()
timed() { # name command...
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  "$@" || rc=$?
  times+=("$(printf 'e2e %-22s %5ss%s' "$name" "$(( $(date +%s) - t0 ))" "$([[ $rc == 0 ]] || echo " (exit $rc)")")")
  return $rc
}
owned=0
if [ -z "${NETDIAG_E2E_KUBECONFIG:-}" ]; then
  if [ "${NETDIAG_KEEP_CLUSTER:-}" != "1" ]; then
    owned=1
    # A clean slate: what a killed earlier run left (mounts, netns, iptables chains, pid files) is removed first.
    bash test/cluster/down.sh || true
    trap 'bash test/cluster/down.sh || true' EXIT
  fi
  timed up bash test/cluster/up.sh
  export NETDIAG_E2E_KUBECONFIG="${NETDIAG_CLUSTER_DIR:-/var/tmp/netdiag-cluster}/kubeconfig"
fi
rc=0
timed suite node test/run-tests.js e2e || rc=$?
if [ "$owned" = 1 ] && [ "${NETDIAG_E2E_MODE_PASS:-1}" = 1 ] && [ "${NETDIAG_E2E_DUAL_PASS:-1}" = 1 ]; then
  # dual-stack first: it uses the default mode's images (cached), the combined mode rebuilds them
  bash test/cluster/down.sh
  if timed "up (dual-stack)" env NETDIAG_IP_FAMILY=dual bash test/cluster/up.sh; then
    timed "mode suite (dual)" node test/run-tests.js e2e/modes || rc=$?
  else
    rc=1
  fi
fi
if [ "$owned" = 1 ] && [ "${NETDIAG_E2E_MODE_PASS:-1}" = 1 ]; then
  bash test/cluster/down.sh
  if timed "up (combined mode)" env NETDIAG_CNI=flannel NETDIAG_PROXY_MODE=nftables NETDIAG_NODELOCAL=1 bash test/cluster/up.sh; then
    timed "mode suite" node test/run-tests.js e2e/modes || rc=$?
  else
    rc=1
  fi
fi
printf '\n=== e2e phase times ===\n'
printf '%s\n' "${times[@]}"
printf 'e2e %-22s %5ss\n' total "$(( $(date +%s) - started ))"
exit $rc
