#!/usr/bin/env bash
# End-to-end replay benchmark from the built distribution (builds nothing; prints figures, asserts nothing).
# Unpacks dist/target/soak-<version>.tar.gz into target/bench and runs `soak bench` there: the shared
# Binance captures looped to a 60-minute, six-symbol session (about 5.3 M messages) through the whole
# runtime at max pace (Felix host, harvest, signal, broker, report, JSONL + SQLite sinks, file exporter,
# standard alerts), then, in the same JVM, the same plan reduced to harvest + signal (the ceiling of
# reading + parsing + features). Prints messages/s, wall time, peak RSS (VmHWM), the ceiling and the ratio.
# See docs/benchmarks.md.
#
# Usage: scripts/bench-e2e.sh [soak bench options...]     e.g. --data /work/shared/data --warmup-minutes 0
#   build first:  mvn -q -B install -DskipTests   (or at least -pl runtime/launcher and -pl dist)
#   data:         --data <dir>, else SOAK_DATA, else ../shared/data next to the project
#   JVM options:  JAVA_OPTS (appended to bin/soak's defaults), e.g. JAVA_OPTS=-XX:StartFlightRecording=...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" "$ROOT/pom.xml" | head -1)"
tarball="$ROOT/dist/target/soak-$version.tar.gz"
[[ -f "$tarball" ]] || { echo "bench-e2e: build first (no $tarball)" >&2; exit 2; }

bench="$ROOT/target/bench"
rm -rf "$bench"
mkdir -p "$bench"
tar -xzf "$tarball" -C "$bench"
home="$bench/soak-$version"

data_args=()
if [[ " $* " != *" --data "* && -z "${SOAK_DATA:-}" ]]; then
  data_args=(--data "$(cd "$ROOT/.." && pwd)/shared/data")
fi

cd "$bench"
echo "bench-e2e: $home/bin/soak bench ${data_args[*]} $*  (in $bench; run directories under runs/ unless --runs-dir)"
JAVA_OPTS="-Dsoak.log.level=WARN ${JAVA_OPTS:-}" exec "$home/bin/soak" bench "${data_args[@]}" "$@"
