#!/usr/bin/env bash
# Startup and memory figures of the runtime from the built distribution (no assertions: it prints figures).
#   1. idle: `soak bundles` boots the host with every bundle and prints host start time and RSS after a GC
#   2. time from `soak run` to the first event handled, for a scenario (default: a counter feed at 1x)
#   3. start to first event of scenarios/demo.groovy three times: compiled (writing the class-data archive), then
#      its classes from the scenario class cache with the archive, and without it (SOAK_CDS=off); then the idle
#      RSS with that archive (the manifest's startup section: docs/benchmarks.md, "Start to first event")
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
scenario="${1:-$work/bench-1x.groovy}"
# default: the counter feed paced at 1x through five test stages, stopped by SIGTERM after 30 s
cat > "$work/bench-1x.groovy" <<'GROOVY'
soak {
  name 'bench-1x'
  mode 'replay'
  pace '1x'
  duration 10.minutes
  source { type 'counter'; symbols 'BTCUSDT'; set 'rate', 1000 }
  stages 'pass1', 'pass2', 'pass3', 'pass4', 'count'
  sink 'none'
  timeseries { type 'none' }
  alerts { none() }
}
GROOVY

export SOAK_CDS_DIR="$work/cds" # the class-data archive of this script's runs, not the user's
echo "== idle runtime, all bundles started (soak bundles; no class-data archive yet)"
start=$(date +%s%N)
JAVA_OPTS="-Dsoak.log.level=WARN" "$home/bin/soak" bundles --settle 2 > "$work/bundles.out" 2>&1 || true
end=$(date +%s%N)
grep -E "^host started|^rss_mb|^problems" "$work/bundles.out" || cat "$work/bundles.out"
echo "bundles: $(grep -cE '^  .* (ACTIVE|RESOLVED|INSTALLED)$' "$work/bundles.out" || true); process wall $(( (end - start) / 1000000 )) ms (includes the 2 s settle)"

echo "== soak run to first event ($scenario)"
cd "$work"
start=$(date +%s%N)
timeout -s TERM 30 "$home/bin/soak" run "$scenario" --run-id bench > "$work/run.out" 2>&1 || true
end=$(date +%s%N)
grep -E "scenario .* loaded|first event handled|host started" "$work/runs/bench/logs/soak.log" 2>/dev/null | sed 's/^.* - //' || true
tail -n 3 "$work/run.out"
grep -oE '"max_rss_mb" : [0-9.]+|"max_threads" : [0-9]+|"max_open_files" : [0-9]+' "$work/runs/bench/run_manifest.json" 2>/dev/null | tr '\n' ' ' || true
echo
echo "soak run wall time: $(( (end - start) / 1000000 )) ms"

startup() { # the startup section of a run manifest, one line
  sed -n '/"startup" : {/,/}/p' "$1" | grep -oE '"[a-z_]+" : ("[a-z]+"|[0-9-]+)' | tr -d '"' | sed 's/ : /=/' | tr '\n' ' '
}
echo "== start to first event, demo.groovy (load average $(cut -d' ' -f1-3 /proc/loadavg))"
# compiled: the scenario compiled, this run writes the class-data archive (bin/soak, DIST.md "bin/soak");
# cached: its classes from the scenario cache, the JVM's from the archive; cached-no-archive: SOAK_CDS=off
export SOAK_CDS_DIR="$work/cds-demo"
for pass in compiled cached cached-no-archive; do
  cds=on
  [[ $pass == *no-archive ]] && cds=off
  SOAK_CDS=$cds JAVA_OPTS="-Dsoak.dsl.cache_dir=$work/scenario-cache" "$home/bin/soak" run "$home/scenarios/demo.groovy" \
    --run-id "demo-$pass" --progress none --control none > "$work/demo-$pass.out" 2>&1 || true
  echo "$pass: $(startup "$work/runs/demo-$pass/run_manifest.json")"
  grep -E '^  startup' "$work/demo-$pass.out" || tail -n 3 "$work/demo-$pass.out"
done
echo "== idle runtime with the demo's class-data archive mapped (soak bundles)"
JAVA_OPTS="-Dsoak.log.level=WARN" "$home/bin/soak" bundles --settle 2 2>&1 | grep -E "^host started|^rss_mb" || true
