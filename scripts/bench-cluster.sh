#!/usr/bin/env bash
# Scale-out figure (docs/scale-out.md, docs/benchmarks.md "Scale-out"): the same run with 1, 2 and 3 signal+broker
# nodes over the Kafka broker of scripts/services.sh, from the built distribution. Prints, per layout, the messages
# per second end to end (raw messages of the feed / wall time from the harvest node's start to the sinks node's end),
# each node's CPU seconds and CPU share of the wall time, and the decisions in the sinks. Asserts nothing.
#
# Usage: scripts/bench-cluster.sh [nodes...]        default: 1 2 3
#   build first:  mvn -B -ntp -o -q package -pl dist -am -DskipTests
#   broker:       scripts/services.sh start          (SOAK_KAFKA_BOOTSTRAP in target/services.env)
#   knobs:        PACE (default 200x: the feed is never the limit), MINUTES (of the recording, default 10),
#                 SYMBOLS (default 6: BTC, ETH and four aliases), SOAK_DATA (dir holding binance-usdm/)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" "$ROOT/pom.xml" | head -1)"
tarball="$ROOT/dist/target/soak-$version.tar.gz"
[[ -f "$tarball" ]] || { echo "bench-cluster: build first (no $tarball)" >&2; exit 2; }
kafka="$(sed -n 's/^SOAK_KAFKA_BOOTSTRAP=//p' "$ROOT/target/services.env" 2>/dev/null || true)"
[[ -n "$kafka" ]] || { echo "bench-cluster: no Kafka (run scripts/services.sh start)" >&2; exit 2; }
data="${SOAK_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}"
PACE="${PACE:-200x}"
MINUTES="${MINUTES:-10}"
layouts=("$@")
[[ ${#layouts[@]} -gt 0 ]] || layouts=(1 2 3)

bench="$ROOT/target/bench-cluster"
rm -rf "$bench"; mkdir -p "$bench"
tar -xzf "$tarball" -C "$bench"
home="$bench/soak-$version"
cat >"$bench/cluster.groovy" <<GROOVY
soak {
  name 'bench-cluster'
  mode 'replay'
  pace '$PACE'
  duration $MINUTES.minutes
  source {
    type 'capture'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    symbols 'BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'
    alias 'BNBUSDT', from: 'BTCUSDT'
    alias 'SOLUSDT', from: 'ETHUSDT'
    alias 'XRPUSDT', from: 'BTCUSDT'
    alias 'DOGEUSDT', from: 'ETHUSDT'
    streams 'trade', 'bookTicker', 'depth@0ms'
    loop true
  }
  stages 'harvest', 'signal', 'broker', 'report'
  sink 'dual'
  timeseries { type 'none' }
  alerts { none() }
  cluster {
    kafka '$kafka'
    partitions 6
    role 'harvest', stages: ['harvest']
    role 'signal', stages: ['signal', 'broker']
    role 'sinks', stages: ['report'], sinks: true
  }
}
GROOVY

cpu_ticks() { # utime + stime of a live pid, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo ""
}
hz="$(getconf CLK_TCK)"

echo "bench-cluster: $(nproc) cores (shared with whatever else runs), Kafka $kafka, pace $PACE, $MINUTES min of recording, 6 symbols"
for n in "${layouts[@]}"; do
  run="bench-$n-$(date +%s)"
  declare -A pids=() last=()
  names=(sinks)
  for ((i = 1; i <= n; i++)); do names+=("s$i"); done
  names+=(harvest)
  start=$(date +%s.%N)
  for name in "${names[@]}"; do
    role=signal; [[ $name == sinks ]] && role=sinks; [[ $name == harvest ]] && role=harvest
    JAVA_OPTS="-Dsoak.log.level=WARN -Dsoak.shared.data=$data" "$home/bin/soak" run "$bench/cluster.groovy" \
      --role "$role" --node "$name" --run-id "$run" --runs-dir "$bench/nodes/$run/$name" --progress none --control none \
      >"$bench/$run-$name.out" 2>&1 &
    pids[$name]=$!
  done
  # poll CPU until every node exited (the last sample before exit is within 0.2 s of the end)
  while :; do
    alive=0
    for name in "${names[@]}"; do
      p=${pids[$name]}
      # bin/soak execs java: the pid is the JVM
      t="$(cpu_ticks "$p")"
      if [[ -n "$t" ]]; then last[$name]=$t; alive=1; fi
    done
    [[ $alive -eq 1 ]] || break
    sleep 0.2
  done
  end=$(date +%s.%N)
  for name in "${names[@]}"; do wait "${pids[$name]}" || echo "  node $name exited $?"; done
  wall=$(echo "$end - $start" | bc -l)
  raw=$(python3 -c "import json;m=json.load(open('$bench/nodes/$run/harvest/$run/run_manifest.json'));print(m['bus']['topics']['raw']['published'])")
  dec=$(python3 -c "import json;m=json.load(open('$bench/nodes/$run/sinks/$run/run_manifest.json'));print(m['cluster']['delivered'].get('decision',0))")
  printf "signal nodes %d: %d raw messages in %.1f s wall = %.0f msg/s end to end; %d decisions in the sinks\n" \
    "$n" "$raw" "$wall" "$(echo "$raw / $wall" | bc -l)" "$dec"
  for name in "${names[@]}"; do
    cpu=$(echo "${last[$name]:-0} / $hz" | bc -l)
    printf "    %-8s cpu %6.1f s  (%3.0f %% of one core over the run)\n" "$name" "$cpu" "$(echo "100 * $cpu / $wall" | bc -l)"
  done
  unset pids last
done
