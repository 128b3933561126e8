#!/bin/bash
# raftkvctl member list/add/remove/update/promote against a real 3-member raftkv cluster
# (//server:raftkv): etcdctl's simple and JSON output, hex IDs, learners, exit codes.
set -uo pipefail
dir="$(mktemp -d "${TEST_TMPDIR:-/tmp}/raftkvctl-member.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$dir"/*.log; do echo "--- $log"; tail -20 "$log"; done
  exit 1
}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# Polls a command (up to ~20s) until it succeeds.
eventually() { for _ in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

root="${TEST_SRCDIR:-$PWD/..}/${TEST_WORKSPACE:-raftkv}"
raftkv="$root/server/raftkv"
ctl="$root/tools/raftkvctl/raftkvctl"
[ -x "$raftkv" ] || raftkv="server/raftkv"
[ -x "$ctl" ] || ctl="tools/raftkvctl/raftkvctl"

declare -A client_port peer_port
for name in n0 n1 n2 n3; do client_port[$name]=$(free_port); peer_port[$name]=$(free_port); done
peer_url() { echo "http://127.0.0.1:${peer_port[$1]}"; }
launch() {  # name initial-cluster state
  "$raftkv" --name="$1" --data-dir="$dir/$1" \
    --listen-client-urls="http://127.0.0.1:${client_port[$1]}" \
    --advertise-client-urls="http://127.0.0.1:${client_port[$1]}" \
    --listen-peer-urls="$(peer_url "$1")" --initial-advertise-peer-urls="$(peer_url "$1")" \
    --initial-cluster="$2" --initial-cluster-state="$3" --initial-cluster-token=ctl-member \
    --heartbeat-interval=50 --election-timeout=500 >>"$dir/$1.log" 2>&1 &
  pids+=($!)
}
initial="n0=$(peer_url n0),n1=$(peer_url n1),n2=$(peer_url n2)"
for name in n0 n1 n2; do launch "$name" "$initial" new; done
ep="127.0.0.1:${client_port[n0]},127.0.0.1:${client_port[n1]},127.0.0.1:${client_port[n2]}"
run() { "$ctl" --endpoints="$ep" "$@"; }
# Started and published: every member lists its client URL.
three_started() { [ "$(run member list | grep -cE ', started, .*, http://[^,]+, false$')" = 3 ]; }
eventually three_started || fail "cluster did not start"

# list: one line per member, hex ID first, like etcdctl.
list="$(run member list)"
[[ "$list" =~ ^[0-9a-f]+,\ started,\ n[012],\ http://127.0.0.1:[0-9]+,\ http://127.0.0.1:[0-9]+,\ false ]] ||
  fail "member list: $list"
[ "$list" = "$(/usr/bin/etcdctl --endpoints="$ep" member list)" ] || fail "differs from etcdctl"
json_count="$(run member list -w json | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["members"]))')"
[ "$json_count" = 3 ] || fail "member list json: $json_count"

# add a learner: etcdctl's announcement and the environment for the new member.
added="$(run member add n3 --learner --peer-urls="$(peer_url n3)")" || fail "member add: $added"
[[ "$(head -1 <<<"$added")" =~ ^Member\ +([0-9a-f]+)\ added\ to\ cluster\ +[0-9a-f]+$ ]] ||
  fail "member add: $added"
new_id="${BASH_REMATCH[1]}"
grep -qx 'ETCD_NAME="n3"' <<<"$added" || fail "ETCD_NAME: $added"
grep -qx 'ETCD_INITIAL_CLUSTER_STATE="existing"' <<<"$added" || fail "state: $added"
cluster_line="$(grep ETCD_INITIAL_CLUSTER= <<<"$added")"
[[ "$cluster_line" == *"n3=$(peer_url n3)"* && "$cluster_line" == *"n0=$(peer_url n0)"* ]] ||
  fail "ETCD_INITIAL_CLUSTER: $cluster_line"
[[ "$(run member list)" == *"$new_id, unstarted, , $(peer_url n3), , true"* ]] ||
  fail "unstarted learner not listed: $(run member list)"

# start it; once it has caught up, promote it.
launch n3 "$(sed 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/' <<<"$cluster_line")" existing
learner_started() { run member list | grep -q "$new_id, started, n3, .*, true$"; }
eventually learner_started || fail "learner did not start: $(run member list)"
eventually run member promote "$new_id" || fail "promote: $(run member promote "$new_id" 2>&1)"
[[ "$(run member list)" == *"$new_id, started, n3, "*", false"* ]] || fail "not promoted"
# promoting a voter is refused with etcd's error and exit code 1.
out="$(run member promote "$new_id" 2>&1)"; code=$?
[ $code -eq 1 ] && [[ "$out" == *"can only promote a learner member"* ]] ||
  fail "promote voter: $code $out"

# update a member's peer URLs (to the same URL plus an alias) and back.
n2_id="$(run member list | grep ', n2, ' | cut -d, -f1)"
alias_url="http://localhost:${peer_port[n2]}"
out="$(run member update "$n2_id" --peer-urls="$(peer_url n2),$alias_url")" || fail "update: $out"
[[ "$out" =~ ^Member\ +$n2_id\ updated\ in\ cluster\ +[0-9a-f]+$ ]] || fail "update: $out"
[[ "$(run member list)" == *"n2, $(peer_url n2),$alias_url,"* ]] || fail "update not listed"
run member update "$n2_id" --peer-urls="$(peer_url n2)" >/dev/null || fail "update back"

# remove the new member; it leaves the list (JSON output carries the remaining members).
json="$(run member remove "$new_id" -w json)" || fail "remove: $json"
remaining="$(python3 -c 'import json,sys;print(len(json.load(sys.stdin)["members"]))' <<<"$json")"
[ "$remaining" = 3 ] || fail "remove json: $json"
[[ "$(run member list)" != *"$new_id"* ]] || fail "removed member still listed"

# errors and exit codes, as etcdctl.
out="$(run member remove "$new_id" 2>&1)"; code=$?
[ $code -eq 1 ] && [[ "$out" == *"member not found"* ]] || fail "remove unknown: $code $out"
run member remove not-hex >/dev/null 2>&1; [ $? -eq 128 ] || fail "bad hex id exit code"
run member remove >/dev/null 2>&1; [ $? -eq 128 ] || fail "missing id exit code"
run member add n9 >/dev/null 2>&1; [ $? -eq 128 ] || fail "missing peer urls exit code"
run member update "$n2_id" >/dev/null 2>&1; [ $? -eq 128 ] || fail "update without urls"
"$ctl" --endpoints=127.0.0.1:1 --dial-timeout=200ms member list >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad connection exit code"
echo PASS
