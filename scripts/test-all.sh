#!/usr/bin/env bash
# npm run test:all: the unit and command tests, the packaged executables and krew, then end to end on the local
# cluster; each phase's wall time is printed so a slow CI run shows where its time went.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
summary=()
phase() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  printf '\n=== test:all: %s (t+%ss) ===\n' "$name" "$((t0 - started))"
  "$@"
  summary+=("$(printf '%-16s %5ss' "$name" "$(($(date +%s) - t0))")")
}

phase "unit+commands" npm test
phase "dist" npm run test:dist
phase "e2e" npm run test:e2e

printf '\n=== test:all: phase times ===\n'
printf '%s\n' "${summary[@]}"
printf 'total            %5ss\n' "$(($(date +%s) - started))"
