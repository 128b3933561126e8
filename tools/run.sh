#!/bin/sh
# Installs what is missing, builds raftkv (optimised) and starts a local cluster of
# 3 members (5 with --members 5) in the background, data and logs under ./data/.
# Then prints the endpoints and an etcdctl example.
#   tools/run.sh [--members N]   start (members already running are left alone)
#   tools/run.sh status          endpoint status of every member
#   tools/run.sh stop            stop every member gracefully (SIGTERM)
# Member i listens for clients on port 2379 (i=1) or i*10000+2379, for peers on the
# next port and serves /health, /metrics and /version on the one after.
set -eu
cd "$(dirname "$0")/.."

DATA="$PWD/data"
MEMBERS=3
export ETCDCTL_API=3

client_port() { if [ "$1" -eq 1 ]; then echo 2379; else echo $(($1 * 10000 + 2379)); fi; }
peer_port() { echo $(($(client_port "$1") + 1)); }
metrics_port() { echo $(($(client_port "$1") + 2)); }
pidfile() { echo "$DATA/raftkv-$1.pid"; }
running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }
known_members() { ls "$DATA" 2>/dev/null | sed -n 's/^raftkv-\([0-9]*\)\.pid$/\1/p' | sort -n; }

endpoints() {
  list=""
  for i in $(seq 1 "$MEMBERS"); do list="$list${list:+,}127.0.0.1:$(client_port "$i")"; done
  echo "$list"
}

initial_cluster() {
  list=""
  for i in $(seq 1 "$MEMBERS"); do
    list="$list${list:+,}raftkv-$i=http://127.0.0.1:$(peer_port "$i")"
  done
  echo "$list"
}

stop_member() {
  pid="$(cat "$(pidfile "$1")")"
  kill -TERM "$pid" 2>/dev/null || true
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then kill -KILL "$pid"; break; fi
    sleep 0.1
  done
  rm -f "$(pidfile "$1")"
  echo "raftkv-$1 stopped"
}

stop() {
  members="$(known_members)"
  [ -n "$members" ] || { echo "raftkv is not running"; return 0; }
  for i in $members; do stop_member "$i"; done
}

status() {
  members="$(known_members)"
  [ -n "$members" ] || { echo "raftkv is not running"; return 1; }
  list=""
  for i in $members; do list="$list${list:+,}127.0.0.1:$(client_port "$i")"; done
  etcdctl --endpoints="$list" endpoint status -w table
}

start_member() {
  i="$1"
  if running "$i"; then
    echo "raftkv-$i is already running (pid $(cat "$(pidfile "$i")"))"
    return 0
  fi
  # A restarted member ignores the bootstrap flags: its data dir knows the cluster.
  nohup "$DATA/bin/raftkv" \
    --name="raftkv-$i" \
    --data-dir="$DATA/raftkv-$i" \
    --listen-client-urls="http://127.0.0.1:$(client_port "$i")" \
    --advertise-client-urls="http://127.0.0.1:$(client_port "$i")" \
    --listen-peer-urls="http://127.0.0.1:$(peer_port "$i")" \
    --initial-advertise-peer-urls="http://127.0.0.1:$(peer_port "$i")" \
    --listen-metrics-urls="http://127.0.0.1:$(metrics_port "$i")" \
    --initial-cluster="$(initial_cluster)" \
    --initial-cluster-token=raftkv-local \
    >>"$DATA/raftkv-$i.log" 2>&1 &
  echo $! >"$(pidfile "$i")"
}

wait_healthy() {
  i=0
  until etcdctl --endpoints="$(endpoints)" endpoint health >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 300 ]; then
      echo "raftkv cluster did not become healthy; last log lines:" >&2
      for m in $(seq 1 "$MEMBERS"); do tail -n 5 "$DATA/raftkv-$m.log" >&2; done
      exit 1
    fi
    sleep 0.1
  done
}

start() {
  ./tools/install_deps.sh
  ./tools/bazel.sh build -c opt //server:raftkv
  bin_dir="$(./tools/bazel.sh info -c opt bazel-bin 2>/dev/null)"
  mkdir -p "$DATA/bin"
  # A private copy, so a later build cannot change the binary under running members.
  cp -f "$bin_dir/server/raftkv" "$DATA/bin/raftkv"
  for i in $(seq 1 "$MEMBERS"); do start_member "$i"; done
  wait_healthy
  cat <<INFO

raftkv is running: $MEMBERS members (logs: data/raftkv-N.log)
  client endpoints: $(endpoints)

Try it with etcdctl:
  export ETCDCTL_API=3
  etcdctl --endpoints=$(endpoints) put greeting hello
  etcdctl --endpoints=$(endpoints) get greeting -w json
  etcdctl --endpoints=$(endpoints) member list -w table
  etcdctl --endpoints=$(endpoints) endpoint status -w table

Status: ./tools/run.sh status    Stop: ./tools/run.sh stop
INFO
}

command="start"
while [ $# -gt 0 ]; do
  case "$1" in
    --members) MEMBERS="$2"; shift 2 ;;
    --members=*) MEMBERS="${1#--members=}"; shift ;;
    start|stop|status) command="$1"; shift ;;
    *) echo "usage: $0 [start|stop|status] [--members N]" >&2; exit 2 ;;
  esac
done
case "$MEMBERS" in 1|3|5) ;; *) echo "--members must be 1, 3 or 5" >&2; exit 2 ;; esac

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
esac
