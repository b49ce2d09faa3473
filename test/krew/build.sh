#!/usr/bin/env bash
# Builds krew and its manifest validator (sigs.k8s.io/krew, from the Go module proxy) once, into a cache outside
# the repo, and prints the directory holding `krew` and `validate-krew-manifest`.
set -euo pipefail
KREW_VERSION=v0.4.3
cache="${NETDIAG_DIST_CACHE:-$HOME/.cache/kubectl-netdiag/dist}/krew-$KREW_VERSION"
if [ -x "$cache/bin/krew" ] && [ -x "$cache/bin/validate-krew-manifest" ]; then
  echo "$cache/bin"
  exit 0
fi
command -v go >/dev/null || { echo "go is needed to build krew $KREW_VERSION (apt-get install golang-go)" >&2; exit 1; }
# Old module versions: no toolchain switch, no checksum-database lookup (krew's own go.sum pins them).
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" GOSUMDB=off CGO_ENABLED=0
mkdir -p "$cache"
GOBIN="$cache/bin.tmp" go install -trimpath -ldflags "-s -w" \
  "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION" >&2
rm -rf "$cache/bin" && mv "$cache/bin.tmp" "$cache/bin"
echo "$cache/bin"
