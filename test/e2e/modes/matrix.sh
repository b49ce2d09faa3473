#!/usr/bin/env bash
# npm run test:e2e:matrix: each cluster mode alone (test/cluster/README.md, Modes), with the mode suite
# (test/e2e/modes) on it; then the cluster is torn down. Prints per mode: bring-up time, suite time, tests.
# NETDIAG_MATRIX="name:ENV=V,ENV=V ..." overrides the list. Like run.sh, it owns the cluster: never run it on a
# cluster someone else uses.
set -uo pipefail
cd "$(dirname "$0")/../../.."

MATRIX=${NETDIAG_MATRIX:-"flannel:NETDIAG_CNI=flannel flannel-no-enforcer:NETDIAG_CNI=flannel,NETDIAG_NETPOL=0 nftables:NETDIAG_PROXY_MODE=nftables nodelocal:NETDIAG_NODELOCAL=1 ipvs:NETDIAG_PROXY_MODE=ipvs dual-stack:NETDIAG_IP_FAMILY=dual"}
STATE=${NETDIAG_CLUSTER_DIR:-/var/tmp/netdiag-cluster}
export NETDIAG_E2E_KUBECONFIG="$STATE/kubeconfig"
trap 'bash test/cluster/down.sh >/dev/null 2>&1 || true' EXIT
results=()
rc=0
for entry in $MATRIX; do
  name=${entry%%:*}
  IFS=, read -r -a envs <<<"${entry#*:}"
  printf '\n=== matrix: %s (%s) ===\n' "$name" "${envs[*]}"
  bash test/cluster/down.sh >/dev/null 2>&1 || true
  log="$STATE/logs/matrix-$name-up.log"
  mkdir -p "$STATE/logs"
  t0=$(date +%s)
  if ! env "${envs[@]}" bash test/cluster/up.sh >"$log" 2>&1; then
    reason=$(grep -m1 -o 'ERROR: .*' "$log" || tail -n 1 "$log")
    # a mode this machine cannot run (ipvs without IP_VS) or that is not built is refused up front: reported, not failed
    if grep -qE 'NETDIAG_(PROXY_MODE|IP_FAMILY|CNI)=.*: (this kernel|not built)' "$log"; then
      results+=("$(printf '%-20s blocked: %s' "$name" "${reason#ERROR: }")")
    else
      results+=("$(printf '%-20s bring-up FAILED after %ss: %s (%s)' "$name" "$(( $(date +%s) - t0 ))" "${reason#ERROR: }" "$log")")
      rc=1
    fi
    continue
  fi
  up=$(( $(date +%s) - t0 ))
  build=$(grep -o 'build [0-9]*s' "$log" | head -1)
  t1=$(date +%s)
  out="$STATE/logs/matrix-$name-suite.log"
  node test/run-tests.js e2e/modes 2>&1 | tee "$out" | grep -E '^(not ok|# (pass|fail|skipped))' || true
  suite=$(( $(date +%s) - t1 ))
  count() { grep -m1 -E "^# $1 " "$out" | awk '{print $3}'; }
  # node:test counts tests inside a skipped describe nowhere; count the "# SKIP" lines (suites and tests) instead
  skipped=$(grep -cE '^\s*ok .* # SKIP' "$out" || true)
  [[ $(count fail) == 0 ]] || rc=1
  results+=("$(printf '%-20s up %4ss (%s)  suite %4ss  pass %s fail %s skips %s' "$name" "$up" "$build" "$suite" "$(count pass)" "$(count fail)" "$skipped")")
done
printf '\n=== matrix: results ===\n'
printf '%s\n' "${results[@]}"
exit $rc
