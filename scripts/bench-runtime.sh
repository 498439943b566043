#!/usr/bin/env bash
# Startup and memory figures of the runtime from the built distribution (no assertions: it prints figures).
#   1. idle: `soak bundles` boots the host with every bundle and prints host start time and RSS after a GC
#   2. time from `soak run` to the first event handled, for a scenario (default: the dist smoke scenario)
# Usage: scripts/bench-runtime.sh [scenario.groovy]   (build first: mvn -q -B install -DskipTests)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" "$ROOT/pom.xml" | head -1)"
tarball="$ROOT/dist/target/soak-$version.tar.gz"
[[ -f "$tarball" ]] || { echo "bench: build first (no $tarball)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
home="$work/soak-$version"
scenario="${1:-$ROOT/dist/src/test/resources/dist-smoke.groovy}"

echo "== idle runtime, all bundles started (soak bundles)"
start=$(date +%s%N)
JAVA_OPTS="-Dsoak.log.level=WARN" "$home/bin/soak" bundles --settle 2 > "$work/bundles.out" 2>&1 || true
end=$(date +%s%N)
grep -E "^host started|^rss_mb|^problems" "$work/bundles.out" || cat "$work/bundles.out"
echo "bundles listed: $(grep -cE '^  io\.soak\.' "$work/bundles.out" || true) soak bundles; process wall $(( (end - start) / 1000000 )) ms (includes the 2 s settle)"

echo "== soak run to first event ($scenario)"
cd "$work"
start=$(date +%s%N)
"$home/bin/soak" run "$scenario" --run-id bench > "$work/run.out" 2>&1 || true
end=$(date +%s%N)
grep -E "first event handled|host started" "$work/runs/bench/logs/soak.log" 2>/dev/null | sed 's/^.* - //' || true
tail -n 3 "$work/run.out"
echo "soak run wall time: $(( (end - start) / 1000000 )) ms"
