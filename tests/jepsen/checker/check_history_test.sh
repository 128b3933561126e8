#!/bin/bash
# check_history end to end: verdict text and exit status on saved histories.
set -u
dir="$(dirname "$0")"
bin="$dir/check_history"
data="$dir/testdata"
failures=0

expect_exit() {  # expected_status description command...
  local expected="$1" description="$2"
  shift 2
  local output status
  output="$("$@" 2>&1)"
  status=$?
  if [[ "$status" != "$expected" ]]; then
    echo "FAIL: $description: exit $status, want $expected"
    echo "$output"
    failures=$((failures + 1))
  fi
  LAST_OUTPUT="$output"
}

expect_exit 0 "good history" "$bin" "$data/good_concurrent.jsonl"
grep -q '^verdict: linearizable' <<<"$LAST_OUTPUT" || { echo "FAIL: good verdict text"; failures=$((failures + 1)); }

expect_exit 1 "stale read" "$bin" --model=register "$data/bad_stale_read.jsonl"
grep -q 'could not linearize: #2 p2 read "x" -> "1"' <<<"$LAST_OUTPUT" ||
  { echo "FAIL: bad window text"; echo "$LAST_OUTPUT"; failures=$((failures + 1)); }

expect_exit 2 "search bound" "$bin" --max-states=1 "$data/good_concurrent.jsonl"
expect_exit 3 "missing file" "$bin" "$data/does_not_exist.jsonl"
expect_exit 3 "unknown model" "$bin" --model=queue "$data/good_concurrent.jsonl"
expect_exit 3 "no arguments" "$bin"

if [[ "$failures" != 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo PASS
