#!/usr/bin/env bash
# Starts and stops a real single-node Apache Kafka broker (KRaft, no ZooKeeper) on 127.0.0.1
# from Maven Central jars, for tests and local development where no Docker engine runs.
#
#   deploy/kafka/kafka-local.sh start    # resolves jars (once), starts, waits until ready,
#                                        # prints KAFKA_BROKERS=127.0.0.1:<port>
#   deploy/kafka/kafka-local.sh stop     # stops it cleanly and removes its data directory
#   deploy/kafka/kafka-local.sh status
#   deploy/kafka/kafka-local.sh cluster start   # three brokers (KRaft, each also a controller):
#                                        # replication 3, min.insync.replicas 2; prints KAFKA_BROKERS=…
#   deploy/kafka/kafka-local.sh cluster kill N   # SIGKILL broker N (1-3); its data stays
#   deploy/kafka/kafka-local.sh cluster revive N # starts broker N again on its data and ports
#   deploy/kafka/kafka-local.sh cluster stop|status
#
# State lives in $AFTERSHOCK_KAFKA_HOME (default: <repo>/.kafka): lib/ (jars), run/ (pid,
# brokers file, log), data in a fresh temporary directory per start.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="${AFTERSHOCK_KAFKA_HOME:-$repo/.kafka}"
lib="$home/lib"
run="$home/run"
mkdir -p "$run"

log() { echo "[kafka-local] $*" >&2; }

free_port() {
  # Ask the kernel for a free loopback port.
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

resolve_jars() {
  if [[ -f "$lib/.complete" ]]; then return; fi
  command -v mvn >/dev/null || { log "mvn not found: install Maven (and Java 17+) first"; exit 1; }
  log "resolving Kafka jars with Maven into $lib (first run only)"
  rm -rf "$lib"
  # Maven prints colour resets even with -q and -B: keep its output in a log, shown only on failure.
  if ! mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime >"$run/maven.log" 2>&1; then
    log "resolving the Kafka jars failed:"
    sed 's/\x1b\[[0-9;]*m//g' "$run/maven.log" >&2
    exit 1
  fi
  touch "$lib/.complete"
}

is_running() {
  [[ -f "$run/pid" ]] && kill -0 "$(cat "$run/pid")" 2>/dev/null
}

start() {
  if is_running; then
    log "already running (pid $(cat "$run/pid"))"
    echo "KAFKA_BROKERS=$(cat "$run/brokers")"
    return
  fi
  command -v java >/dev/null || { log "java not found: install a JDK 17+ first"; exit 1; }
  resolve_jars
  local data port cport cluster props
  data="$(mktemp -d "${TMPDIR:-/tmp}/aftershock-kafka.XXXXXX")"
  port="$(free_port)"
  cport="$(free_port)"
  while [[ "$cport" == "$port" ]]; do cport="$(free_port)"; done
  props="$data/server.properties"
  cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data/logs
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
log.retention.hours=24
log.segment.bytes=104857600
PROPS
  local java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$here/log4j.properties" -cp "$lib/*")
  cluster="$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$props" >"$run/format.log" 2>&1 ||
    { log "formatting the log directory failed:"; cat "$run/format.log" >&2; exit 1; }
  nohup java "${java_opts[@]}" kafka.Kafka "$props" >"$run/broker.log" 2>&1 &
  echo $! >"$run/pid"
  echo "$data" >"$run/data"
  echo "127.0.0.1:$port" >"$run/brokers"
  log "starting broker on 127.0.0.1:$port (pid $(cat "$run/pid"), data $data)"
  local waited=0
  until grep -q "Kafka Server started" "$run/broker.log" 2>/dev/null; do
    if ! is_running; then
      log "broker exited during start-up; its log:"
      tail -n 50 "$run/broker.log" >&2
      exit 1
    fi
    if ((waited >= 120)); then
      log "broker not ready after 120 s; its log:"
      tail -n 50 "$run/broker.log" >&2
      stop
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "ready after ${waited}s"
  echo "KAFKA_BROKERS=127.0.0.1:$port"
}

stop() {
  if is_running; then
    local pid
    pid="$(cat "$run/pid")"
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if [[ -f "$run/data" ]]; then rm -rf "$(cat "$run/data")"; fi
  rm -f "$run/pid" "$run/data" "$run/brokers"
}

status() {
  if is_running; then echo "running KAFKA_BROKERS=$(cat "$run/brokers")"; else echo "stopped"; exit 1; fi
}

# ---- cluster mode: three brokers on loopback, for fault injection and scale-out figures ----
cluster_dir="$home/cluster"

node_props() { # node port cport voters data
  cat <<PROPS
process.roles=broker,controller
node.id=$1
controller.quorum.voters=$4
listeners=PLAINTEXT://127.0.0.1:$2,CONTROLLER://127.0.0.1:$3
advertised.listeners=PLAINTEXT://127.0.0.1:$2
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$5/logs
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
auto.create.topics.enable=true
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
unclean.leader.election.enable=false
log.retention.hours=24
log.segment.bytes=104857600
PROPS
}

cluster_java=(-Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j.configuration=file:$here/log4j.properties" -cp "$lib/*")

node_running() { [[ -f "$cluster_dir/pid-$1" ]] && kill -0 "$(cat "$cluster_dir/pid-$1")" 2>/dev/null; }

start_node() { # n
  local n="$1"
  nohup java "${cluster_java[@]}" kafka.Kafka "$cluster_dir/node-$n/server.properties" >>"$cluster_dir/node-$n/broker.log" 2>&1 &
  echo $! >"$cluster_dir/pid-$n"
}

wait_node() { # n since-line
  local n="$1" waited=0
  until tail -n +"$2" "$cluster_dir/node-$n/broker.log" 2>/dev/null | grep -q "Kafka Server started"; do
    if ! node_running "$n"; then log "broker $n exited during start-up"; tail -n 30 "$cluster_dir/node-$n/broker.log" >&2; exit 1; fi
    if ((waited >= 180)); then log "broker $n not ready after 180 s"; exit 1; fi
    sleep 1
    waited=$((waited + 1))
  done
}

cluster_start() {
  if [[ -f "$cluster_dir/brokers" ]] && node_running 1; then echo "KAFKA_BROKERS=$(cat "$cluster_dir/brokers")"; return; fi
  command -v java >/dev/null || { log "java not found: install a JDK 17+ first"; exit 1; }
  resolve_jars
  rm -rf "$cluster_dir"
  mkdir -p "$cluster_dir"
  local ports=() cports=() voters="" brokers="" cluster n
  for n in 1 2 3; do
    ports[n]="$(free_port)"
    cports[n]="$(free_port)"
    voters+="${voters:+,}$n@127.0.0.1:${cports[n]}"
    brokers+="${brokers:+,}127.0.0.1:${ports[n]}"
  done
  cluster="$(java "${cluster_java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
  for n in 1 2 3; do
    local data
    data="$(mktemp -d "${TMPDIR:-/tmp}/aftershock-kafka-node$n.XXXXXX")"
    mkdir -p "$cluster_dir/node-$n"
    echo "$data" >"$cluster_dir/node-$n/data"
    node_props "$n" "${ports[n]}" "${cports[n]}" "$voters" "$data" >"$cluster_dir/node-$n/server.properties"
      java "${cluster_java[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$cluster_dir/node-$n/server.properties" \
      >"$cluster_dir/node-$n/format.log" 2>&1 || { log "formatting node $n failed"; cat "$cluster_dir/node-$n/format.log" >&2; exit 1; }
    start_node "$n"
  done
  echo "$brokers" >"$cluster_dir/brokers"
  for n in 1 2 3; do wait_node "$n" 1; done
  log "three brokers ready: $brokers (replication 3, min.insync.replicas 2)"
  echo "KAFKA_BROKERS=$brokers"
}

cluster_kill() {
  local n="${1:?broker number 1-3}"
  node_running "$n" && kill -KILL "$(cat "$cluster_dir/pid-$n")"
  log "broker $n killed (SIGKILL)"
}

cluster_revive() {
  local n="${1:?broker number 1-3}" from
  if node_running "$n"; then log "broker $n is running"; return; fi
  from=$(($(wc -l <"$cluster_dir/node-$n/broker.log") + 1))
  start_node "$n"
  wait_node "$n" "$from"
  log "broker $n is back"
}

cluster_stop() {
  local n pid
  for n in 1 2 3; do
    if node_running "$n"; then
      pid="$(cat "$cluster_dir/pid-$n")"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for n in 1 2 3; do
    if [[ -f "$cluster_dir/pid-$n" ]]; then
      pid="$(cat "$cluster_dir/pid-$n")"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    [[ -f "$cluster_dir/node-$n/data" ]] && rm -rf "$(cat "$cluster_dir/node-$n/data")"
  done
  rm -rf "$cluster_dir"
}

cluster_status() {
  local n
  [[ -f "$cluster_dir/brokers" ]] || { echo "stopped"; exit 1; }
  for n in 1 2 3; do if node_running "$n"; then echo "broker $n running"; else echo "broker $n down"; fi; done
  echo "KAFKA_BROKERS=$(cat "$cluster_dir/brokers")"
}

case "${1:-}" in
  cluster)
    case "${2:-}" in
      start) cluster_start ;;
      stop) cluster_stop ;;
      status) cluster_status ;;
      kill) cluster_kill "${3:-}" ;;
      revive) cluster_revive "${3:-}" ;;
      *) echo "usage: $0 cluster start|stop|status|kill N|revive N" >&2; exit 2 ;;
    esac
    ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|cluster …" >&2; exit 2 ;;
esac
