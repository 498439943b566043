#!/usr/bin/env bash
# Real time-series services for the integration tests (SERVICES.md): Pushgateway, Prometheus (scraping the
# Pushgateway; the oracle for alert rules), VictoriaMetrics (InfluxDB v2 write target), influxd 1.6.7 (strict
# line-protocol oracle / failing v2 target), Alertmanager and a single-node Apache Kafka 4.x broker (KRaft mode,
# combined broker+controller; its jars resolved by Maven from scripts/kafka/pom.xml into the state dir, nothing
# committed), each on a free 127.0.0.1 port in a temp dir.
#
#   scripts/services.sh start    install missing Debian packages, start what is not running, wait until ready
#   scripts/services.sh stop     stop by PID (a zombie, state Z, counts as dead), remove the state dir
#   scripts/services.sh status   one line per service; exit 0 when all are up
#   scripts/services.sh env      print the env file
#   scripts/services.sh stop-kafka   stop the Kafka broker only (the others keep running)
#
# The URLs go to the env file $SOAK_SERVICES_ENV (default: <repo>/target/services.env), one KEY=VALUE a line:
#   SOAK_PUSHGATEWAY_URL SOAK_PROMETHEUS_URL SOAK_VICTORIAMETRICS_URL SOAK_INFLUXDB1_URL SOAK_ALERTMANAGER_URL
#   SOAK_PROMTOOL SOAK_SERVICES_DIR SOAK_PROMETHEUS_RULES_DIR SOAK_KAFKA_BOOTSTRAP (host:port) SOAK_KAFKA_LIBS
# Tests read that file (path from the system property or env soak.services.env / SOAK_SERVICES_ENV, else
# target/services.env of the reactor root); scripts may also pass each URL as -Dsoak.pushgateway.url=... etc.
# Idempotent: `start` twice leaves the running services alone; `stop` twice is harmless.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${SOAK_SERVICES_ENV:-$ROOT/target/services.env}"
STATE_DIR="${SOAK_SERVICES_DIR:-${TMPDIR:-/tmp}/soak-services-$(id -u)}"
PACKAGES=(prometheus-pushgateway prometheus prometheus-alertmanager victoria-metrics influxdb)
SERVICES=(pushgateway prometheus victoriametrics influxdb1 alertmanager kafka)
KAFKA_HEAP="${SOAK_KAFKA_HEAP:--Xmx256m -Xms64m}"

log() { echo "services: $*" >&2; }
die() { echo "services: ERROR: $*" >&2; exit 1; }

# ---------- install ----------
missing_packages() {
  local p out=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

install_packages() {
  local missing
  missing="$(missing_packages)"
  [[ -z "${missing// /}" ]] && return 0
  command -v apt-get >/dev/null || die "packages missing ($missing) and no apt-get to install them"
  local sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  # Never let the packages' daemons auto-start on their default (all-interface) ports.
  local guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    guard=yes
  fi
  log "installing:$missing (apt-get update once, then install)"
  local rc=0
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends "${PACKAGES[@]}"; } >&2 || rc=$?
  [[ -n "$guard" ]] && $sudo rm -f /usr/sbin/policy-rc.d
  [[ $rc -eq 0 ]] || die "apt-get install failed (rc=$rc)"
}

# ---------- processes ----------
pid_file() { echo "$STATE_DIR/$1.pid"; }
port_file() { echo "$STATE_DIR/$1.port"; }

alive() { # alive PID: running and not a zombie
  local pid="$1" state
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || echo Z)"
  [[ "$state" != "Z" && "$state" != "X" ]]
}

running() { # running NAME
  local f; f="$(pid_file "$1")"
  [[ -f "$f" ]] && alive "$(cat "$f")"
}

free_port() {
  python3 - <<'EOF' 2>/dev/null || shuf -i 20000-60000 -n 1
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

wait_http() { # wait_http NAME URL EXPECTED_CODE SECONDS
  local name="$1" url="$2" want="$3" secs="$4" i
  for ((i = 0; i < secs * 10; i++)); do
    [[ "$(http_code "$url")" == "$want" ]] && return 0
    running "$name" || die "$name exited during start; see $STATE_DIR/$name.log"
    sleep 0.1
  done
  die "$name not ready after ${secs}s at $url; see $STATE_DIR/$name.log"
}

launch() { # launch NAME CMD... (background, own process group, PID recorded)
  local name="$1"; shift
  # 9>&-: the daemon must not inherit the lock of this script (it would hold it for its whole life)
  setsid "$@" >"$STATE_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$(pid_file "$name")"
}

port_of() { cat "$(port_file "$1")"; }

start_pushgateway() {
  local p; p="$(free_port)"; echo "$p" >"$(port_file pushgateway)"
  launch pushgateway /usr/bin/prometheus-pushgateway --web.listen-address="127.0.0.1:$p" \
    --persistence.file= --web.enable-admin-api
  wait_http pushgateway "http://127.0.0.1:$p/-/ready" 200 20
}

start_prometheus() {
  local p d="$STATE_DIR/prometheus"; p="$(free_port)"; echo "$p" >"$(port_file prometheus)"
  mkdir -p "$d/data" "$d/rules"
  cat >"$d/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $d/rules/*.yml
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$(port_of pushgateway)']
EOF
  launch prometheus /usr/bin/prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/data" \
    --web.listen-address="127.0.0.1:$p" --web.enable-lifecycle
  wait_http prometheus "http://127.0.0.1:$p/-/ready" 200 30
  # the scrape manager applies targets on a 5 s tick: wait once here, not in every test
  local i
  for ((i = 0; i < 300; i++)); do
    curl -s --max-time 2 "http://127.0.0.1:$p/api/v1/targets" | grep -q '"health":"up"' && return 0
    sleep 0.1
  done
  die "prometheus never saw the pushgateway target up; see $STATE_DIR/prometheus.log"
}

start_victoriametrics() {
  local p d="$STATE_DIR/victoriametrics"; p="$(free_port)"; echo "$p" >"$(port_file victoriametrics)"
  mkdir -p "$d/data"
  launch victoriametrics /usr/bin/victoria-metrics -httpListenAddr="127.0.0.1:$p" -storageDataPath="$d/data" \
    -retentionPeriod=1d -search.latencyOffset=0s -search.disableCache
  wait_http victoriametrics "http://127.0.0.1:$p/health" 200 20
}

start_influxdb1() {
  local p rpc d="$STATE_DIR/influxdb1"; p="$(free_port)"; rpc="$(free_port)"
  echo "$p" >"$(port_file influxdb1)"
  mkdir -p "$d/meta" "$d/data" "$d/wal"
  cat >"$d/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$p"
  log-enabled = false
EOF
  launch influxdb1 /usr/bin/influxd run -config "$d/influxdb.conf"
  wait_http influxdb1 "http://127.0.0.1:$p/ping" 204 20
  curl -s --max-time 5 -XPOST "http://127.0.0.1:$p/query" --data-urlencode 'q=CREATE DATABASE "test"' >/dev/null
}

start_alertmanager() {
  local p d="$STATE_DIR/alertmanager"; p="$(free_port)"; echo "$p" >"$(port_file alertmanager)"
  mkdir -p "$d/data"
  cat >"$d/am.yml" <<'EOF'
route:
  receiver: none
receivers:
  - name: none
EOF
  launch alertmanager /usr/bin/prometheus-alertmanager --config.file="$d/am.yml" --storage.path="$d/data" \
    --web.listen-address="127.0.0.1:$p" --cluster.listen-address=
  wait_http alertmanager "http://127.0.0.1:$p/-/ready" 200 20
}

# Kafka: the broker's jars come from Maven (scripts/kafka/pom.xml: org.apache.kafka:kafka_2.13 and its runtime
# dependencies), copied into the state dir (not target/: a `mvn clean` must not pull the jars from under a running
# broker). Offline first (the local repository usually has them), online once when that fails.
kafka_libs() {
  local libs="$STATE_DIR/kafka/libs" pom="$ROOT/scripts/kafka/pom.xml"
  if [[ -f "$libs/.complete" ]] && cmp -s "$libs/.complete" "$pom"; then echo "$libs"; return 0; fi
  command -v mvn >/dev/null || die "kafka: no mvn to resolve the broker's jars"
  rm -rf "$libs"; mkdir -p "$libs"
  if ! mvn -B -ntp -q -o -f "$pom" dependency:copy-dependencies -DoutputDirectory="$libs" >"$STATE_DIR/kafka-fetch.log" 2>&1; then
    log "kafka: jars not in the local Maven repository, resolving them online"
    mvn -B -ntp -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$libs" >>"$STATE_DIR/kafka-fetch.log" 2>&1 \
      || die "kafka: resolving the broker's jars failed; see $STATE_DIR/kafka-fetch.log"
  fi
  cp "$pom" "$libs/.complete"
  echo "$libs"
}

wait_kafka() { # wait_kafka PORT SECONDS: the server logged that it started and the listener accepts
  local p="$1" secs="$2" i
  for ((i = 0; i < secs * 10; i++)); do
    if grep -q "Kafka Server started" "$STATE_DIR/kafka.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      return 0
    fi
    running kafka || die "kafka exited during start; see $STATE_DIR/kafka.log"
    sleep 0.1
  done
  die "kafka not ready after ${secs}s on 127.0.0.1:$p; see $STATE_DIR/kafka.log"
}

start_kafka() {
  local p c libs d="$STATE_DIR/kafka" cluster
  libs="$(kafka_libs)"
  p="$(free_port)"; c="$(free_port)"
  while [[ "$c" == "$p" ]]; do c="$(free_port)"; done
  echo "$p" >"$(port_file kafka)"
  rm -rf "$d/data"; mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$c
listeners=PLAINTEXT://127.0.0.1:$p,CONTROLLER://127.0.0.1:$c
advertised.listeners=PLAINTEXT://127.0.0.1:$p
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.hours=6
EOF
  cluster="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  # shellcheck disable=SC2086
  java $KAFKA_HEAP -cp "$libs/*" kafka.tools.StorageTool format -t "$cluster" -c "$d/server.properties" --standalone \
    >"$STATE_DIR/kafka-format.log" 2>&1 || die "kafka: storage format failed; see $STATE_DIR/kafka-format.log"
  # shellcheck disable=SC2086
  launch kafka java $KAFKA_HEAP -XX:+UseSerialGC -Djava.awt.headless=true -cp "$libs/*" kafka.Kafka "$d/server.properties"
  wait_kafka "$p" 90
}

write_env() {
  mkdir -p "$(dirname "$ENV_FILE")"
  local tmp="$ENV_FILE.tmp"
  {
    echo "SOAK_SERVICES_DIR=$STATE_DIR"
    echo "SOAK_PUSHGATEWAY_URL=http://127.0.0.1:$(port_of pushgateway)"
    echo "SOAK_PROMETHEUS_URL=http://127.0.0.1:$(port_of prometheus)"
    echo "SOAK_PROMETHEUS_RULES_DIR=$STATE_DIR/prometheus/rules"
    echo "SOAK_PROMETHEUS_DATA_DIR=$STATE_DIR/prometheus/data"
    echo "SOAK_VICTORIAMETRICS_URL=http://127.0.0.1:$(port_of victoriametrics)"
    echo "SOAK_INFLUXDB1_URL=http://127.0.0.1:$(port_of influxdb1)"
    echo "SOAK_ALERTMANAGER_URL=http://127.0.0.1:$(port_of alertmanager)"
    echo "SOAK_ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager"
    echo "SOAK_PROMTOOL=$(command -v promtool || echo /usr/bin/promtool)"
    echo "SOAK_KAFKA_BOOTSTRAP=127.0.0.1:$(port_of kafka)"
    echo "SOAK_KAFKA_LIBS=$STATE_DIR/kafka/libs"
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 300 9 || die "another services.sh holds $STATE_DIR/.lock"
  install_packages
  local s
  for s in "${SERVICES[@]}"; do
    if running "$s"; then
      log "$s already running (pid $(cat "$(pid_file "$s")"), port $(port_of "$s"))"
    else
      "start_$s"
      log "$s started (pid $(cat "$(pid_file "$s")"), 127.0.0.1:$(port_of "$s"))"
    fi
  done
  write_env
  log "URLs in $ENV_FILE"
}

stop_one() {
  local name="$1" f pid i
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$f"
  log "$name stopped"
}

cmd_stop() {
  [[ -d "$STATE_DIR" ]] || { rm -f "$ENV_FILE"; return 0; }
  local i s
  # reverse order: the scraper before what it scrapes
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_one "${SERVICES[$i]}"; done
  for s in "${SERVICES[@]}"; do running "$s" && die "$s still running"; done
  rm -rf "$STATE_DIR"
  rm -f "$ENV_FILE"
}

cmd_stop_kafka() {
  [[ -d "$STATE_DIR" ]] || return 0
  stop_one kafka
  rm -rf "$STATE_DIR/kafka/data"
}

cmd_status() {
  local s ok=0
  for s in "${SERVICES[@]}"; do
    if running "$s"; then
      echo "$s up pid=$(cat "$(pid_file "$s")") url=$([[ $s == kafka ]] || echo http://)127.0.0.1:$(port_of "$s")"
    else
      echo "$s down"; ok=1
    fi
  done
  return $ok
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  stop-kafka) cmd_stop_kafka ;;
  status) cmd_status ;;
  env) cat "$ENV_FILE" ;;
  install) install_packages ;;
  *) echo "usage: $0 start|stop|stop-kafka|status|env|install" >&2; exit 2 ;;
esac
