#!/bin/bash
# Starts a single etcd, two registered_service instances and discovering_client; checks that
# the client reaches both instances and that a stopped instance deregisters.
set -euo pipefail
dir="$(mktemp -d "${TEST_TMPDIR:-/tmp}/examples.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_for() {  # wait_for <seconds> <command...>
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.1; done
}

client_port=$(free_port); peer_port=$(free_port)
/usr/bin/etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$client_port" \
  --advertise-client-urls "http://127.0.0.1:$client_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" --log-level error >"$dir/etcd.log" 2>&1 &
pids+=($!)
endpoint="127.0.0.1:$client_port"
wait_for 20 /usr/bin/etcdctl --endpoints="$endpoint" endpoint health >/dev/null 2>&1

bin="$(dirname "$0")"
[ -x "$bin/registered_service" ] || bin="examples"
for id in g1 g2; do
  "$bin/registered_service" --endpoints="$endpoint" --service=greeter --id=$id --ttl=5 \
    >"$dir/$id.log" 2>&1 &
  pids+=($!)
done
wait_for 20 grep -q registered "$dir/g1.log"
wait_for 20 grep -q registered "$dir/g2.log"

out="$("$bin/discovering_client" --endpoints="$endpoint" --service=greeter --calls=4)"
echo "$out"
grep -q "hello from g1" <<<"$out"
grep -q "hello from g2" <<<"$out"

kill -TERM "${pids[1]}"  # g1 deregisters on SIGTERM
wait "${pids[1]}"
grep -q "deregistered: OK" "$dir/g1.log"
out="$("$bin/discovering_client" --endpoints="$endpoint" --service=greeter --calls=2)"
echo "$out"
! grep -q "g1" <<<"$out"
grep -q "hello from g2" <<<"$out"
echo PASS
