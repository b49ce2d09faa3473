#!/usr/bin/env bash
# Installs the Gateway API CRDs (standard channel: GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant)
# from the sigs.k8s.io/gateway-api Go module, fetched through the Go module proxy into the kept cache. No
# controller is installed: the e2e tests assert only what the API decides. Idempotent (server-side apply).
#   flock /tmp/netdiag-cluster.lock bash test/cluster/gateway-crds.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GATEWAY_API_VERSION=${GATEWAY_API_VERSION:-v1.4.0}
export GOMODCACHE="$CACHE/gomod" GOFLAGS=-modcacherw
# The module's directory from `go mod download -json` (no jq: a fresh machine does not have it).
dir=$(cd "$CLUSTER_SRC" && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[ -d "$dir/config/crd/standard" ] || { echo "gateway-crds: no config/crd/standard in $dir" >&2; exit 1; }
export KUBECONFIG="${KUBECONFIG:-$KUBECONFIG_ADMIN}"
kubectl apply --server-side --force-conflicts -f "$dir/config/crd/standard/" >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/gatewayclasses.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io crd/grpcroutes.gateway.networking.k8s.io crd/referencegrants.gateway.networking.k8s.io >/dev/null
echo "gateway-crds: Gateway API $GATEWAY_API_VERSION standard CRDs installed"
