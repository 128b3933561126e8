#!/bin/bash
# raftkvctl against a real single-member etcd: outputs (simple and JSON) and exit codes.
set -uo pipefail
dir="$(mktemp -d "${TEST_TMPDIR:-/tmp}/raftkvctl.XXXXXX")"
etcd_pid=""
cleanup() { [ -n "$etcd_pid" ] && kill -9 "$etcd_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

client_port=$(free_port); peer_port=$(free_port)
/usr/bin/etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$client_port" \
  --advertise-client-urls "http://127.0.0.1:$client_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" --log-level error >"$dir/etcd.log" 2>&1 &
etcd_pid=$!
ep="127.0.0.1:$client_port"
for _ in $(seq 200); do /usr/bin/etcdctl --endpoints="$ep" endpoint health >/dev/null 2>&1 && break; sleep 0.1; done

ctl="$(dirname "$0")/raftkvctl"
[ -x "$ctl" ] || ctl="tools/raftkvctl/raftkvctl"
run() { "$ctl" --endpoints="$ep" "$@"; }

[ "$(run put foo bar)" = "OK" ] || fail put
[ "$(run get foo)" = "$(printf 'foo\nbar')" ] || fail get
run put foo2 baz >/dev/null
[ "$(run get foo --prefix --keys-only)" = "$(printf 'foo\nfoo2')" ] || fail keys-only
[ "$(run get foo --prefix --count-only -w json | python3 -c 'import json,sys;print(json.load(sys.stdin)["count"])')" = "2" ] || fail json
# etcdctl sees what raftkvctl wrote
[ "$(/usr/bin/etcdctl --endpoints="$ep" get foo2 --print-value-only)" = "baz" ] || fail interop

out="$(printf 'value("foo") = "bar"\n\nput foo new\n\nget foo\n' | run txn)"
[ "$(head -1 <<<"$out")" = "SUCCESS" ] || fail "txn: $out"
[ "$(run get foo | tail -1)" = "new" ] || fail txn-effect
printf 'bad syntax\n' | run txn >/dev/null 2>&1; [ $? -eq 3 ] || fail "txn exit code"

lease_line="$(run lease grant 30)"
lease_id="$(awk '{print $2}' <<<"$lease_line")"
[[ "$lease_line" == *"granted with TTL(30s)"* ]] || fail "lease grant: $lease_line"
run put leased v --lease="$lease_id" >/dev/null || fail "put with lease"
[[ "$(run lease timetolive "$lease_id" --keys)" == *"leased"* ]] || fail timetolive
[[ "$(run lease keep-alive "$lease_id" --once)" == *"keepalived"* ]] || fail keep-alive
[[ "$(run lease list)" == *"$lease_id"* ]] || fail "lease list"
run lease revoke "$lease_id" >/dev/null || fail revoke
[ -z "$(run get leased)" ] || fail "revoked key still there"

[ "$(run del foo --prefix)" = "2" ] || fail del
[[ "$(run member list)" == *"default, http://127.0.0.1:$peer_port"* ]] || fail "member list"
[[ "$(run endpoint status)" == *"$ep, "*", true, "* ]] || fail "endpoint status"
run endpoint health | grep -q "is healthy" || fail "endpoint health"
run snapshot save "$dir/snap.db" | grep -q "Snapshot saved" || fail snapshot
/usr/bin/etcdctl snapshot status "$dir/snap.db" >/dev/null 2>&1 || fail "snapshot unreadable"

"$ctl" --endpoints="$ep" watch w --prefix >"$dir/watch.out" 2>&1 &
watch_pid=$!
for _ in $(seq 100); do
  run put w1 x >/dev/null
  grep -q "^w1$" "$dir/watch.out" && break
  sleep 0.1
done
kill -INT $watch_pid; wait $watch_pid
grep -q "^PUT$" "$dir/watch.out" || fail watch

"$ctl" --endpoints="$ep" service register greeter g1 10.0.0.1:80 --ttl=5 --meta zone=a >"$dir/reg.out" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do run service list greeter | grep -q g1 && break; sleep 0.1; done
[ "$(run service list greeter)" = "instance g1 10.0.0.1:80 zone=a" ] || fail "service list"
kill -TERM $reg_pid; wait $reg_pid
[ -z "$(run service list greeter)" ] || fail "deregistration"

"$ctl" --endpoints=127.0.0.1:1 --dial-timeout=200ms get x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad connection exit code"
run frobnicate >/dev/null 2>&1; [ $? -eq 128 ] || fail "bad args exit code"
echo PASS
