#!/usr/bin/env bash
# Scale-out figure (docs/scale-out.md, docs/benchmarks.md "Scale-out"): the same paced run with 1, 2 and 3
# signal+broker nodes over the Kafka broker of scripts/services.sh, from the built distribution. Prints, per layout:
# the raw messages the harvest node fed and its run's wall time, how long the sinks node needed after it (the backlog
# the layout built up: a few seconds means it kept up), each node's CPU seconds from the start of its run (JVM, host
# and scenario start-up excluded) per 1000 raw messages, and for the signal nodes the market events each handled per
# CPU second (the capacity of one signal node on a free core). Asserts
# nothing. A paced replay far above what the machine sustains is not a throughput test: engine-time heartbeats
# then see starved stages as stalled and restart them.
#
# Usage: scripts/bench-cluster.sh [nodes...]        default: 1 2 3
#   build first:  mvn -B -ntp -o -q package -pl dist -am -DskipTests
#   broker:       scripts/services.sh start          (SOAK_KAFKA_BOOTSTRAP in target/services.env)
#   knobs:        PACE (default 10x), MINUTES (of the recording, default 4), SOAK_DATA (dir holding binance-usdm/)
#                 six symbols: BTC, ETH and four aliases of them (one per partition of 6)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" "$ROOT/pom.xml" | head -1)"
tarball="$ROOT/dist/target/soak-$version.tar.gz"
[[ -f "$tarball" ]] || { echo "bench-cluster: build first (no $tarball)" >&2; exit 2; }
kafka="$(sed -n 's/^SOAK_KAFKA_BOOTSTRAP=//p' "$ROOT/target/services.env" 2>/dev/null || true)"
[[ -n "$kafka" ]] || { echo "bench-cluster: no Kafka (run scripts/services.sh start)" >&2; exit 2; }
data="${SOAK_DATA:-$(cd "$ROOT/.." && pwd)/shared/data}"
PACE="${PACE:-10x}"
MINUTES="${MINUTES:-4}"
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
  declare -A pids=() last=() ended=() base=()
  names=(sinks)
  for ((i = 1; i <= n; i++)); do names+=("s$i"); done
  names+=(harvest)
  start=$(date +%s.%N)
  for name in "${names[@]}"; do
    role=signal; [[ $name == sinks ]] && role=sinks; [[ $name == harvest ]] && role=harvest
    JAVA_OPTS="-Dsoak.log.level=WARN -Dsoak.shared.data=$data -Dsoak.dsl.compile_timeout_s=300" "$home/bin/soak" run "$bench/cluster.groovy" \
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
      if [[ -n "$t" ]]; then
        last[$name]=$t; alive=1
        # the run of this node started (its manifest is written at the start): CPU from here on is the run's
        if [[ -z "${base[$name]:-}" && -f "$bench/nodes/$run/$name/$run/run_manifest.json" ]]; then base[$name]=$t; fi
      elif [[ -z "${ended[$name]:-}" ]]; then ended[$name]=$(date +%s.%N); fi
    done
    [[ $alive -eq 1 ]] || break
    sleep 0.2
  done
  end=$(date +%s.%N)
  for name in "${names[@]}"; do wait "${pids[$name]}" || echo "  node $name exited $?"; done
  raw=$(python3 -c "import json;m=json.load(open('$bench/nodes/$run/harvest/$run/run_manifest.json'));print(m['bus']['topics']['raw']['published'])")
  dec=$(python3 -c "import json;m=json.load(open('$bench/nodes/$run/sinks/$run/run_manifest.json'));print(m['cluster']['delivered'].get('decision',0))")
  feed=$(python3 -c "import json;m=json.load(open('$bench/nodes/$run/harvest/$run/run_manifest.json'));print(m['wall_time_s'])")
  drain=$(echo "${ended[sinks]} - ${ended[harvest]}" | bc -l)
  printf "signal nodes %d: %d raw messages in the harvest node's %.1f s run (%.0f msg/s); the sinks node ended %.1f s after it; %d decisions in the sinks\n" \
    "$n" "$raw" "$feed" "$(echo "$raw / $feed" | bc -l)" "$drain" "$dec"
  for name in "${names[@]}"; do
    cpu=$(echo "(${last[$name]:-0} - ${base[$name]:-0}) / $hz" | bc -l)
    m="$bench/nodes/$run/$name/$run/run_manifest.json"
    extra=""
    if [[ $name == s* && $name != sinks ]]; then
      ev=$(python3 -c "import json;m=json.load(open('$m'));print(m['cluster']['delivered'].get('market',0))" 2>/dev/null || echo 0)
      extra=$(printf "  %d market events, %.0f per CPU second" "$ev" "$(echo "$ev / ($cpu + 0.001)" | bc -l)")
    fi
    printf "    %-8s run cpu %6.1f s = %5.1f ms per 1000 raw messages%s\n" "$name" "$cpu" \
      "$(echo "1000000 * $cpu / ($raw + 1)" | bc -l)" "$extra"
  done
  unset pids last ended base
done
