#!/bin/sh
# Installs what is missing, builds raftkv (optimised) and starts a local member in the
# background with its data under ./data/. Then prints the endpoints and an etcdctl example.
#   tools/run.sh          start (or report that it is already running)
#   tools/run.sh status   show the member's status
#   tools/run.sh stop     stop it gracefully (SIGTERM)
# RAFTKV_CLIENT_PORT (default 2379) and RAFTKV_PEER_PORT (default 2380) choose the ports.
set -eu
cd "$(dirname "$0")/.."

DATA="$PWD/data"
PIDFILE="$DATA/raftkv-1.pid"
CLIENT_PORT="${RAFTKV_CLIENT_PORT:-2379}"
PEER_PORT="${RAFTKV_PEER_PORT:-2380}"
ENDPOINT="127.0.0.1:$CLIENT_PORT"
export ETCDCTL_API=3

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

stop() {
  if ! running; then
    echo "raftkv is not running"
    rm -f "$PIDFILE"
    return 0
  fi
  pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then kill -KILL "$pid"; break; fi
    sleep 0.1
  done
  rm -f "$PIDFILE"
  echo "raftkv stopped"
}

status() {
  if running; then
    etcdctl --endpoints="$ENDPOINT" endpoint status -w table
  else
    echo "raftkv is not running"
    return 1
  fi
}

start() {
  ./tools/install_deps.sh
  ./tools/bazel.sh build -c opt //server:raftkv
  bin_dir="$(./tools/bazel.sh info -c opt bazel-bin 2>/dev/null)"
  mkdir -p "$DATA/bin"
  # A private copy, so a later build cannot change the binary under the running member.
  cp -f "$bin_dir/server/raftkv" "$DATA/bin/raftkv"

  if running; then
    echo "raftkv is already running (pid $(cat "$PIDFILE")); './tools/run.sh stop' stops it"
  else
    nohup "$DATA/bin/raftkv" \
      --name=raftkv-1 \
      --data-dir="$DATA/raftkv-1" \
      --listen-client-urls="http://127.0.0.1:$CLIENT_PORT" \
      --advertise-client-urls="http://127.0.0.1:$CLIENT_PORT" \
      --listen-peer-urls="http://127.0.0.1:$PEER_PORT" \
      --initial-advertise-peer-urls="http://127.0.0.1:$PEER_PORT" \
      --initial-cluster="raftkv-1=http://127.0.0.1:$PEER_PORT" \
      >>"$DATA/raftkv-1.log" 2>&1 &
    echo $! >"$PIDFILE"
    i=0
    until etcdctl --endpoints="$ENDPOINT" endpoint health >/dev/null 2>&1; do
      i=$((i + 1))
      if ! running || [ "$i" -gt 100 ]; then
        echo "raftkv failed to start; last log lines:" >&2
        tail -n 20 "$DATA/raftkv-1.log" >&2
        exit 1
      fi
      sleep 0.1
    done
  fi

  cat <<INFO

raftkv is running (1 member; log: data/raftkv-1.log)
  client endpoints: $ENDPOINT

Try it with etcdctl:
  export ETCDCTL_API=3
  etcdctl --endpoints=$ENDPOINT put greeting hello
  etcdctl --endpoints=$ENDPOINT get greeting -w json
  etcdctl --endpoints=$ENDPOINT endpoint status -w table

Stop it with: ./tools/run.sh stop
INFO
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
