#!/usr/bin/env bash
# Traefik v3, a real Ingress and Gateway API controller for the e2e tests: built from the Go module proxy
# (github.com/traefik/traefik/v3, cached in $CACHE/traefik/<version>), packed as localhost/netdiag-traefik:dev
# with kube/ociimage, imported into every node's containerd, and deployed from manifests/traefik.yaml (namespace
# traefik: RBAC, Deployment, Service 10.96.0.80, IngressClass traefik, GatewayClass traefik, Gateway
# traefik/traefik-gateway). Traefik v3.6 watches Gateway API v1.4 objects (BackendTLSPolicy v1), so this
# installs the Gateway API CRDs of the version Traefik's go.mod pins. Idempotent.
#   flock /tmp/netdiag-cluster.lock bash test/cluster/traefik.sh      (after up.sh; as root)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TRAEFIK_VERSION=${TRAEFIK_VERSION:-v3.6.12}
TRAEFIK_IMAGE=localhost/netdiag-traefik:dev
export GOMODCACHE="$CACHE/gomod" GOFLAGS="$GOFLAGS -modcacherw"
export KUBECONFIG="${KUBECONFIG:-$KUBECONFIG_ADMIN}"
out="$CACHE/traefik/$TRAEFIK_VERSION"
T0=$(date +%s)

# The module's directory from `go mod download -json` (no jq on a fresh machine).
moddir() { (cd "$CLUSTER_SRC" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'); }

src=$(moddir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")
[[ -d $src/cmd/traefik ]] || die "traefik: no cmd/traefik in $src"
if [[ ! -x $out/traefik ]]; then
  log "traefik: building $TRAEFIK_VERSION (cold build: many minutes on 2 cores; log: $LOGS/traefik-build.log)"
  mkdir -p "$out"
  # Inside the module's own directory, so its go.mod replace directives apply.
  (cd "$src" && nice -n 10 go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
     -o "$out/traefik.tmp" ./cmd/traefik) >>"$LOGS/traefik-build.log" 2>&1 || { tail -n 30 "$LOGS/traefik-build.log" >&2; die "traefik build failed"; }
  mv "$out/traefik.tmp" "$out/traefik"
fi
find "$CACHE/traefik" -mindepth 1 -maxdepth 1 ! -name "$TRAEFIK_VERSION" -exec rm -rf {} +

if [[ ! -f $out/image.tar ]]; then
  oci="$CACHE/bin/current/ociimage"
  [[ -x $oci ]] || die "traefik: $oci missing (run up.sh first)"
  rootfs="$out/rootfs"; rm -rf "$rootfs"; mkdir -p "$rootfs/etc" "$rootfs/tmp"
  cp "$out/traefik" "$rootfs/traefik"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
  "$oci" --rootfs "$rootfs" --out "$out/image.tar.tmp" --name "$TRAEFIK_IMAGE" --entrypoint '["/traefik"]' >/dev/null
  rm -rf "$rootfs"; mv "$out/image.tar.tmp" "$out/image.tar"
fi

# Import into each node's containerd (down.sh removes their state, so up.sh re-imports).
socks=("$CONTAINERD_SOCK")
[[ -S $RUN/node2/containerd/containerd.sock ]] && socks+=("$RUN/node2/containerd/containerd.sock")
for sock in "${socks[@]}"; do
  if ! ctr -a "$sock" -n k8s.io images ls -q 2>/dev/null | grep -qxF "$TRAEFIK_IMAGE"; then
    ctr -a "$sock" -n k8s.io images import "$out/image.tar" >>"$LOGS/images.log" 2>&1 || die "traefik: importing the image into $sock failed"
  fi
done

# The Gateway API CRDs Traefik's informers expect (its go.mod's sigs.k8s.io/gateway-api).
gwapi=$(sed -n 's/^[[:space:]]*sigs.k8s.io\/gateway-api \(v[^ ]*\).*$/\1/p' "$src/go.mod" | head -n1)
[[ -n $gwapi ]] || die "traefik: no sigs.k8s.io/gateway-api in $src/go.mod"
GATEWAY_API_VERSION=$gwapi bash "$CLUSTER_SRC/gateway-crds.sh"
kubectl wait --for=condition=Established --timeout=60s crd/backendtlspolicies.gateway.networking.k8s.io >/dev/null

sed -e "s|@TRAEFIK_IMAGE@|$TRAEFIK_IMAGE|g" "$CLUSTER_SRC/manifests/traefik.yaml" | kubectl apply -f - >/dev/null
kubectl -n traefik rollout status deploy/traefik --timeout=180s >/dev/null || { kubectl -n traefik logs deploy/traefik --tail=30 >&2 || true; die "traefik not Ready"; }
for i in $(seq 60); do
  [[ $(kubectl -n traefik get gateway traefik-gateway -o jsonpath='{.status.conditions[?(@.type=="Programmed")].status}' 2>/dev/null) == True ]] && break
  [[ $i == 60 ]] && die "traefik: Gateway traefik/traefik-gateway not Programmed"
  sleep 1
done
echo "traefik: $TRAEFIK_VERSION ready (Gateway API $gwapi CRDs) in $(( $(date +%s) - T0 ))s"
