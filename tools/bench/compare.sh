#!/usr/bin/env bash
# Runs the same load against a 3-member etcd 3.4 cluster and then a 3-member
# raftkv cluster on this machine, one after the other, and prints a markdown
# table with the ratios. See docs/benchmarks.md.
#
# Usage: tools/bench/compare.sh [--duration=15s] [--conns=8] [--clients=64]
#          [--key-size=8] [--val-size=256] [--key-space=100000]
#          [--workloads="put range-l range-s txn"] [--watch-events-per-sec=100000]
#          [--skip-etcd] [--skip-raftkv]
#
# Workloads: put range-l range-s txn watch-latency lease-grant lease-keepalive, and
#   watch-latency-N      N watchers (100 per Watch stream); puts paced so that
#                        N x puts/s = --watch-events-per-sec; put-to-event latency
#   lease-keepalive-N    N leases granted up front, kept alive round-robin
#   lease-grant-N        exactly N lease grants (no --duration)
# A watch workload whose watchers lost or got duplicated events fails the script
# (exit 1) after the tables are printed.
#
# Environment:
#   BENCH_BIN             prebuilt raftkv_bench (default: build it with bazel -c opt)
#   BENCH_OUTPUT_BASE     bazel output base for that build (default ~/.cache/bazel-ob-bench)
#   ETCD_BIN, ETCDCTL_BIN etcd 3.4 binaries (default /usr/bin/etcd, /usr/bin/etcdctl)
#   RAFTKV_CLUSTER_START  command that starts a 3-member raftkv cluster and returns
#                         (it may keep running members in the background)
#   RAFTKV_CLUSTER_STOP   command that stops it (run on exit as well)
#   RAFTKV_ENDPOINTS      its client endpoints (default 127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379)
#   RAFTKV_PIDS           its member pids (default: the processes listening on RAFTKV_ENDPOINTS)
set -euo pipefail

DURATION=15s
CONNS=8
CLIENTS=64
KEY_SIZE=8
VAL_SIZE=256
KEY_SPACE=100000
WORKLOADS="put range-l range-s txn"
WATCH_EVENTS_PER_SEC=100000
# Leases of the lease workloads outlive the whole suite, so no expiry storm
# (a revoke proposal per lease) disturbs the workloads after them.
LEASE_TTL=600
SKIP_ETCD=0
SKIP_RAFTKV=0
for arg in "$@"; do
  case "$arg" in
    --duration=*) DURATION="${arg#*=}" ;;
    --conns=*) CONNS="${arg#*=}" ;;
    --clients=*) CLIENTS="${arg#*=}" ;;
    --key-size=*) KEY_SIZE="${arg#*=}" ;;
    --val-size=*) VAL_SIZE="${arg#*=}" ;;
    --key-space=*) KEY_SPACE="${arg#*=}" ;;
    --workloads=*) WORKLOADS="${arg#*=}" ;;
    --watch-events-per-sec=*) WATCH_EVENTS_PER_SEC="${arg#*=}" ;;
    --skip-etcd) SKIP_ETCD=1 ;;
    --skip-raftkv) SKIP_RAFTKV=1 ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
ETCD_BIN="${ETCD_BIN:-/usr/bin/etcd}"
ETCDCTL_BIN="${ETCDCTL_BIN:-/usr/bin/etcdctl}"
RAFTKV_ENDPOINTS="${RAFTKV_ENDPOINTS:-127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379}"
# Ports distinct from raftkv's (and etcd's) defaults so both can coexist.
ETCD_CLIENT_PORTS=(42379 42479 42579)
ETCD_PEER_PORTS=(42380 42480 42580)

WORK="$(mktemp -d -t raftkv-bench.XXXXXX)"
ETCD_PIDS=()
RAFTKV_STARTED=0

cleanup() {
  stop_etcd
  if [[ "$RAFTKV_STARTED" == 1 && -n "${RAFTKV_CLUSTER_STOP:-}" ]]; then
    bash -c "$RAFTKV_CLUSTER_STOP" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "compare.sh: $*" >&2; }

build_bench() {
  if [[ -n "${BENCH_BIN:-}" ]]; then
    cp "$BENCH_BIN" "$WORK/raftkv_bench"
    return
  fi
  local output_base="${BENCH_OUTPUT_BASE:-$HOME/.cache/bazel-ob-bench}"
  (cd "$REPO" && bazel --output_base="$output_base" build -c opt //tools/bench:raftkv_bench >&2)
  # Not bazel-bin: that symlink follows whichever output base built last.
  cp "$(cd "$REPO" && bazel --output_base="$output_base" info -c opt bazel-bin 2>/dev/null)/tools/bench/raftkv_bench" \
    "$WORK/raftkv_bench"
}

# Waits until every endpoint in the comma list answers a read (max 30 s).
wait_ready() {
  local endpoints="$1" deadline=$((SECONDS + 30)) ep
  for ep in ${endpoints//,/ }; do
    until ETCDCTL_API=3 "$ETCDCTL_BIN" --endpoints="$ep" --command-timeout=2s \
      get bench-ready-probe >/dev/null 2>&1; do
      if ((SECONDS >= deadline)); then return 1; fi
      sleep 0.2
    done
  done
}

start_etcd() {
  local cluster="" i
  for i in 0 1 2; do
    cluster+="${cluster:+,}e$i=http://127.0.0.1:${ETCD_PEER_PORTS[$i]}"
  done
  for i in 0 1 2; do
    "$ETCD_BIN" --name "e$i" --data-dir "$WORK/etcd/e$i" \
      --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[$i]}" \
      --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORTS[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORTS[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new \
      --initial-cluster-token raftkv-bench >"$WORK/etcd-e$i.log" 2>&1 &
    ETCD_PIDS+=($!)
  done
}

stop_etcd() {
  local pid
  for pid in "${ETCD_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${ETCD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ETCD_PIDS=()
}

etcd_endpoints() {
  local out="" port
  for port in "${ETCD_CLIENT_PORTS[@]}"; do out+="${out:+,}127.0.0.1:$port"; done
  echo "$out"
}

# The pids listening on the ports of a comma list of endpoints.
pids_listening_on() {
  local out="" ep pid
  for ep in ${1//,/ }; do
    pid="$(ss -Hltnp "sport = :${ep##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
    [[ -n "$pid" ]] && out+="${out:+,}$pid"
  done
  echo "$out"
}

workload_flags() {
  case "$1" in
    put) echo "--workload=put" ;;
    range-l) echo "--workload=range --consistency=l" ;;
    range-s) echo "--workload=range --consistency=s" ;;
    txn) echo "--workload=txn" ;;
    watch-latency) echo "--workload=watch-latency" ;;
    lease-grant) echo "--workload=lease-grant" ;;
    lease-keepalive) echo "--workload=lease-keepalive" ;;
    watch-latency-[0-9]*)
      local n="${1##*-}"
      echo "--workload=watch-latency --watchers=$n --watchers_per_stream=100" \
        "--rate=$(awk -v e="$WATCH_EVENTS_PER_SEC" -v n="$n" 'BEGIN { printf "%.3f", e / n }')"
      ;;
    lease-keepalive-[0-9]*)
      echo "--workload=lease-keepalive --leases=${1##*-} --lease_ttl=$LEASE_TTL" ;;
    lease-grant-[0-9]*) echo "--workload=lease-grant --total=${1##*-} --lease_ttl=$LEASE_TTL" ;;
    *) echo "unknown workload $1" >&2; return 1 ;;
  esac
}

# run_suite <system> <endpoints> <pids>: one JSON result per workload.
run_suite() {
  local system="$1" endpoints="$2" pids="$3" w flags
  for w in $WORKLOADS; do
    flags="$(workload_flags "$w")"
    log "$system: $w ($flags) for $DURATION"
    # shellcheck disable=SC2086
    "$WORK/raftkv_bench" --endpoints="$endpoints" --pids="$pids" --conns="$CONNS" \
      --clients="$CLIENTS" --key_size="$KEY_SIZE" --val_size="$VAL_SIZE" --key_space="$KEY_SPACE" \
      --duration="$DURATION" --json $flags \
      >"$WORK/$system-$w.json" 2>"$WORK/$system-$w.err" || log "$system $w: $(tail -1 "$WORK/$system-$w.err")"
  done
}

run_etcd() {
  log "starting 3-member etcd ($("$ETCD_BIN" --version | head -1))"
  start_etcd
  if ! wait_ready "$(etcd_endpoints)"; then
    log "etcd did not become ready; logs in $WORK/etcd-e*.log"
    tail -5 "$WORK"/etcd-e*.log >&2
    return 1
  fi
  run_suite etcd "$(etcd_endpoints)" "$(IFS=,; echo "${ETCD_PIDS[*]}")"
  stop_etcd
}

run_raftkv() {
  if [[ -z "${RAFTKV_CLUSTER_START:-}" ]]; then
    RAFTKV_NOTE="raftkv: not available (RAFTKV_CLUSTER_START is not set)"
    return
  fi
  log "starting 3-member raftkv: $RAFTKV_CLUSTER_START"
  RAFTKV_STARTED=1
  if ! bash -c "$RAFTKV_CLUSTER_START" >"$WORK/raftkv-start.log" 2>&1 ||
    ! wait_ready "$RAFTKV_ENDPOINTS"; then
    RAFTKV_NOTE="raftkv: not available (cluster did not start or answer on $RAFTKV_ENDPOINTS)"
    return
  fi
  local pids="${RAFTKV_PIDS:-$(pids_listening_on "$RAFTKV_ENDPOINTS")}"
  run_suite raftkv "$RAFTKV_ENDPOINTS" "$pids"
  if [[ -n "${RAFTKV_CLUSTER_STOP:-}" ]]; then bash -c "$RAFTKV_CLUSTER_STOP" >/dev/null 2>&1 || true; fi
  RAFTKV_STARTED=0
}

# field <system> <workload> <jq expression>: prints the value or "pending".
field() {
  local file="$WORK/$1-$2.json"
  if [[ -s "$file" ]]; then jq -r "$3" "$file"; else echo pending; fi
}

print_table() {
  local w e_ops r_ops ratio e_p99 r_p99 e_rss r_rss e_err r_err
  echo
  echo "| workload | etcd ops/s | raftkv ops/s | ratio | etcd p99 ms | raftkv p99 ms | RSS etcd MiB | RSS raftkv MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for w in $WORKLOADS; do
    e_ops="$(field etcd "$w" '.ops_per_sec | floor')"
    r_ops="$(field raftkv "$w" '.ops_per_sec | floor')"
    e_p99="$(field etcd "$w" '.latency_ms.op.p99 * 100 | round / 100')"
    r_p99="$(field raftkv "$w" '.latency_ms.op.p99 * 100 | round / 100')"
    e_rss="$(field etcd "$w" '.peak_rss_kib_max / 1024 | floor')"
    r_rss="$(field raftkv "$w" '.peak_rss_kib_max / 1024 | floor')"
    e_err="$(field etcd "$w" '.errors')"
    r_err="$(field raftkv "$w" '.errors')"
    ratio=pending
    if [[ "$e_ops" =~ ^[0-9]+$ && "$r_ops" =~ ^[0-9]+$ && "$e_ops" -gt 0 ]]; then
      ratio="$(awk -v r="$r_ops" -v e="$e_ops" 'BEGIN { printf "%.2fx", r / e }')"
    fi
    [[ "$e_err" =~ ^[1-9] ]] && e_ops+=" ($e_err errors)"
    [[ "$r_err" =~ ^[1-9] ]] && r_ops+=" ($r_err errors)"
    echo "| $w | $e_ops | $r_ops | $ratio | $e_p99 | $r_p99 | $e_rss | $r_rss |"
  done
  echo
  echo "RSS = highest VmHWM (peak RSS) of the 3 members after the workload ran; workloads run in the order listed on one cluster."
}

# The watch workloads' delivery: put-to-event latency and the exactly-once check.
print_watch_table() {
  local w any=0 e_p99 r_p99 ratio e_del r_del rate
  for w in $WORKLOADS; do [[ "$w" == watch-latency* ]] && any=1; done
  [[ "$any" == 1 ]] || return 0
  echo
  echo "| workload | puts/s | etcd put→event p50 / p99 ms | raftkv put→event p50 / p99 ms | p99 raftkv/etcd | etcd events received / expected (lost, dup) | raftkv events received / expected (lost, dup) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for w in $WORKLOADS; do
    [[ "$w" == watch-latency* ]] || continue
    rate="$(field etcd "$w" '.ops_per_sec | floor') / $(field raftkv "$w" '.ops_per_sec | floor')"
    e_p99="$(field etcd "$w" '.latency_ms["put-to-event"].p99 * 100 | round / 100')"
    r_p99="$(field raftkv "$w" '.latency_ms["put-to-event"].p99 * 100 | round / 100')"
    ratio=pending
    if [[ "$e_p99" =~ ^[0-9.]+$ && "$r_p99" =~ ^[0-9.]+$ ]]; then
      ratio="$(awk -v r="$r_p99" -v e="$e_p99" 'BEGIN { printf "%.2fx", (e > 0 ? r / e : 0) }')"
    fi
    e_del="$(field etcd "$w" '"\(.counters.events_received) / \(.counters.events_expected) (\(.counters.events_lost), \(.counters.events_duplicated))"')"
    r_del="$(field raftkv "$w" '"\(.counters.events_received) / \(.counters.events_expected) (\(.counters.events_lost), \(.counters.events_duplicated))"')"
    echo "| $w | $rate | $(field etcd "$w" '.latency_ms["put-to-event"].p50 * 100 | round / 100') / $e_p99" \
      "| $(field raftkv "$w" '.latency_ms["put-to-event"].p50 * 100 | round / 100') / $r_p99 | $ratio | $e_del | $r_del |"
  done
  echo
  echo "puts/s = etcd / raftkv; watch-latency-N paces puts at $WATCH_EVENTS_PER_SEC / N per second (N watchers, 100 per Watch stream)."
}

# Fails loudly when any run's delivery check failed (lost or duplicated events).
check_verification() {
  local system w verdict failed=0
  for system in etcd raftkv; do
    for w in $WORKLOADS; do
      verdict="$(field "$system" "$w" '.verification // "ok"')"
      if [[ "$verdict" != ok && "$verdict" != pending ]]; then
        echo "VERIFICATION FAILED: $system $w: $verdict" >&2
        failed=1
      fi
    done
  done
  return "$failed"
}

main() {
  RAFTKV_NOTE=""
  build_bench
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)," \
    "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "load: $CLIENTS clients over $CONNS connections, key size $KEY_SIZE, value size $VAL_SIZE," \
    "key space $KEY_SPACE, $DURATION per workload"
  [[ "$SKIP_ETCD" == 1 ]] || run_etcd || true
  [[ "$SKIP_RAFTKV" == 1 ]] || run_raftkv
  [[ -n "$RAFTKV_NOTE" ]] && echo "$RAFTKV_NOTE"
  print_table
  print_watch_table
  check_verification
}

main
