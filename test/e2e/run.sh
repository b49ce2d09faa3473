#!/usr/bin/env bash
# e2e: the built CLI against a real local cluster (test/cluster). Brings the cluster up unless
# NETDIAG_E2E_KUBECONFIG points at one already, and tears it down afterwards unless NETDIAG_KEEP_CLUSTER=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${NETDIAG_E2E_KUBECONFIG:-}" ]; then
  if [ "${NETDIAG_KEEP_CLUSTER:-}" != "1" ]; then
    # A clean slate: what a killed earlier run left (mounts, netns, iptables chains, pid files) is removed first.
    bash test/cluster/down.sh || true
    trap 'bash test/cluster/down.sh || true' EXIT
  fi
  bash test/cluster/up.sh
  export NETDIAG_E2E_KUBECONFIG="${NETDIAG_CLUSTER_DIR:-/var/tmp/netdiag-cluster}/kubeconfig"
fi
node test/run-tests.js e2e
