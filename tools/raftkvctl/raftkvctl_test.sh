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

# -w json must be byte for byte what etcdctl 3.4 prints. Commands that write compare with the
# revision (and granted lease ID / health timing) masked: every other byte must match.
etcdctl() { /usr/bin/etcdctl --endpoints="$ep" "$@" 2>/dev/null; }
mask() { sed -E 's/"((create_|mod_)?revision)":[0-9]+/"\1":R/g; s/"ID":[0-9]+/"ID":I/g; s/"took":"[^"]*"/"took":T/g'; }
same_json() {  # label etcdctl-output raftkvctl-output
  [ -n "$2" ] || fail "$1: etcdctl printed nothing"
  [ "$2" = "$3" ] || fail "$1 -w json differs from etcdctl:
etcdctl:   $2
raftkvctl: $3"
}
same_read() { same_json "$*" "$(etcdctl "$@" -w json)" "$(run "$@" -w json)"; }
same_write() { same_json "$*" "$(etcdctl "$@" -w json | mask)" "$(run "$@" -w json | mask)"; }
# Runs `setup` (an etcdctl command line) before each of the two, so both see the same state.
same_write_after() {
  local setup="$1"
  shift
  etcdctl $setup >/dev/null
  local from_etcdctl="$(etcdctl "$@" -w json | mask)"
  etcdctl $setup >/dev/null
  same_json "$*" "$from_etcdctl" "$(run "$@" -w json | mask)"
}

etcdctl put j1 '1' >/dev/null; etcdctl put j2 '<&>é' >/dev/null
same_write put j3 v
same_write_after "del j3" put j3 w --prev-kv
same_read get j1
same_read get j --prefix
same_read get j --prefix --keys-only
same_read get j --prefix --limit=1 --sort-by=MODIFY --order=DESCEND
same_read get "" --prefix
same_read get nothing
same_read member list
same_read endpoint status
same_read alarm list
same_json "endpoint health" "$(etcdctl endpoint health -w json | mask)" \
  "$(run endpoint health -w json | mask)"
count="$(run get j --prefix --count-only -w json)"  # etcdctl 3.4 has no --count-only
[ "$count" = "$(etcdctl get j --prefix -w json | python3 -c '
import json, sys; r = json.load(sys.stdin); print(json.dumps({"header": r["header"], "count": r["count"]}, separators=(",", ":")))')" ] ||
  fail "count-only json: $count"
same_write_after "put j3 v" del j3
same_write_after "put j3 v" del j3 --prev-kv
same_write del nothing
txn_text=$'value("j1") = "1"\n\nput j4 x\nget j1\ndel nothing\n\nput j5 y\n\n'
same_json txn "$(etcdctl txn -w json <<<"$txn_text" | mask)" "$(run txn -w json <<<"$txn_text" | mask)"
same_write lease grant 100
lease_a="$(etcdctl lease grant 100 | awk '{print $2}')"
lease_b="$(etcdctl lease grant 100 | awk '{print $2}')"
etcdctl put j6 v --lease="$lease_a" >/dev/null
same_read lease list
same_read lease keep-alive "$lease_a" --once
# "ttl" counts down: the two must be taken within one second; retry across a second boundary.
same_ttl() {
  local from_etcdctl from_ctl
  for _ in 1 2 3; do
    from_etcdctl="$(etcdctl lease timetolive "$@" -w json)"
    from_ctl="$(run lease timetolive "$@" -w json)"
    [ "$from_etcdctl" = "$from_ctl" ] && break
  done
  same_json "lease timetolive $*" "$from_etcdctl" "$from_ctl"
}
same_ttl "$lease_b"
same_ttl "$lease_a" --keys
same_json "lease revoke" "$(etcdctl lease revoke "$lease_a" -w json | mask)" \
  "$(run lease revoke "$lease_b" -w json | mask)"
# A revision compacts once: each tool compacts its own, the text is the same.
same_json compaction "$(etcdctl compaction 2 -w json | sed 's/ 2$/ N/')" \
  "$(run compaction 3 -w json | sed 's/ 3$/ N/')"
# Both replay the same history from a start revision, so they see identical responses (a txn's
# two events come in one); each response is one line.
revision_now() { etcdctl get x -w json | python3 -c 'import json,sys;print(json.load(sys.stdin)["header"]["revision"])'; }
watch_from=$(($(revision_now) + 1))
etcdctl put jw1 a >/dev/null
etcdctl put jw1 b >/dev/null
etcdctl txn <<<$'\nput jw2 c\ndel jw1\n\n' >/dev/null
watch_last="\"mod_revision\":$(revision_now)"
etcdctl watch jw --prefix --prev-kv --rev=$watch_from -w json >"$dir/watch-etcdctl.json" &
etcdctl_watch=$!
run watch jw --prefix --prev-kv --rev=$watch_from -w json >"$dir/watch-ctl.json" 2>&1 &
ctl_watch=$!
for _ in $(seq 100); do
  grep -q "$watch_last" "$dir/watch-etcdctl.json" && grep -q "$watch_last" "$dir/watch-ctl.json" && break
  sleep 0.1
done
kill -TERM $etcdctl_watch $ctl_watch; wait $etcdctl_watch $ctl_watch
same_json watch "$(cat "$dir/watch-etcdctl.json")" "$(cat "$dir/watch-ctl.json")"
# A watch from a compacted revision: the canceled response, then exit 5 like etcdctl.
watch_out="$(timeout 10 "$ctl" --endpoints="$ep" watch jw --rev=1 -w json 2>/dev/null)"
[ $? -eq 5 ] || fail "compacted watch exit code"
same_json "compacted watch" "$(timeout 10 /usr/bin/etcdctl --endpoints="$ep" watch jw --rev=1 -w json 2>/dev/null)" "$watch_out"

"$ctl" --endpoints=127.0.0.1:1 --dial-timeout=200ms get x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad connection exit code"
run frobnicate >/dev/null 2>&1; [ $? -eq 128 ] || fail "bad args exit code"
echo PASS
