#!/usr/bin/env bash
# Builds soak and runs every test: unit tests (surefire) and integration tests (failsafe), with the real
# time-series services from scripts/services.sh when that script is there. Usage: scripts/test.sh [mvn args]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

services="$ROOT/scripts/services.sh"
started=""
if [[ -x "$services" ]]; then
  if "$services" start; then
    started=yes
  else
    echo "test.sh: WARNING: scripts/services.sh start failed; tests that need the services will skip" >&2
  fi
else
  echo "test.sh: no scripts/services.sh; tests that need the services will skip" >&2
fi
cleanup() { [[ -n "$started" ]] && "$services" stop || true; }
trap cleanup EXIT

# -Dsoak.services.env lets the tests find the URLs; the summary lines of surefire/failsafe end the output.
mvn -B -ntp verify -Dsoak.services.env="$ROOT/target/services.env" "$@"
