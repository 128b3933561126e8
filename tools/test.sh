#!/bin/sh
# Installs what is missing, builds, runs every test and ends with one line:
#   N passed, M failed
# N and M count GoogleTest test cases (a test target without a readable result, e.g.
# one that failed to build, counts as one failed case). Exit status is non-zero if M > 0.
set -u
cd "$(dirname "$0")/.."

./tools/install_deps.sh || exit 1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

./tools/bazel.sh test //... --keep_going 2>&1 | tee "$log"
testlogs="$(./tools/bazel.sh info bazel-testlogs 2>/dev/null)"

# The summary lines of `bazel test` name each test target with its status, e.g.
#   //server:kv_core_test    (cached) PASSED in 0.3s
#   //tests:e2e_test         FAILED TO BUILD
results="$(grep -E '^//[^ ]+ +.*(PASSED|FAILED|NO STATUS|TIMEOUT|FLAKY|INCOMPLETE|SKIPPED)' "$log" |
  sed 's/\x1b\[[0-9;]*m//g')"

# Prints "<tests> <failures+errors> <disabled+skipped>" from a JUnit/gtest XML file.
xml_counts() {
  header="$(grep -o -m1 '<testsuites [^>]*tests="[0-9]*"[^>]*>' "$1")"
  if [ -z "$header" ]; then
    header="$(grep -o -m1 '<testsuite [^>]*tests="[0-9]*"[^>]*>' "$1")"
  fi
  attr() { echo "$header" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  echo "$(attr tests) $(( $(attr failures) + $(attr errors) )) $(( $(attr disabled) + $(attr skipped) ))"
}

passed=0
failed=0
while read -r target rest; do
  [ -n "$target" ] || continue
  path="$(echo "$target" | sed 's|^//||; s|:|/|')"
  xml="$testlogs/$path/test.xml"
  case "$rest" in
    *PASSED*|*FAILED\ in*|*TIMEOUT*|*FLAKY*)
      if [ -f "$xml" ]; then
        set -- $(xml_counts "$xml")
        tests="${1:-0}"; bad="${2:-0}"; skipped="${3:-0}"
        ok=$(( tests - bad - skipped ))
        case "$rest" in *PASSED*) ;; *) [ "$bad" -gt 0 ] || bad=1 ;; esac
        passed=$(( passed + ok ))
        failed=$(( failed + bad ))
      else
        case "$rest" in *PASSED*) passed=$(( passed + 1 )) ;; *) failed=$(( failed + 1 )) ;; esac
      fi
      ;;
    *)
      failed=$(( failed + 1 ))
      ;;
  esac
done <<RESULTS
$results
RESULTS

if [ -z "$results" ]; then
  failed=$(( failed + 1 ))  # nothing ran: the build itself failed
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
