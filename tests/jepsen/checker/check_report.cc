#include "tests/jepsen/checker/check_report.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

// How the longest linearization reads at its end: its last few ops are the context the
// blocking op contradicts; earlier ones are only counted.
constexpr size_t kLinearizationTail = 5;
// Beyond this many keys only the keys that are not linearizable get a line of their own.
constexpr size_t kKeysListedInFull = 20;

std::string Marker(const Operation& op, const BadWindow& window,
                   const std::set<int64_t>& linearized) {
  if (op.id == window.blocking.id) return "  <-- cannot be linearized";
  if (window.last_state_change.has_value() && op.id == window.last_state_change->id) {
    return "  <-- last state change before it";
  }
  if (linearized.count(op.id) > 0) return "  (linearized)";
  return "  (not linearized)";
}

}  // namespace

std::string FormatBadWindow(const BadWindow& window) {
  std::string out;
  absl::StrAppend(&out, "key \"", window.key, "\": not linearizable\n");
  const size_t linearized_count = window.longest_linearization.size();
  absl::StrAppend(&out, "  longest linearizable prefix: ", linearized_count, " of ",
                  window.ops_in_key, " ops, state after it: ", window.state_after, "\n");
  const size_t tail_start =
      linearized_count > kLinearizationTail ? linearized_count - kLinearizationTail : 0;
  if (tail_start > 0) absl::StrAppend(&out, "    ... ", tail_start, " earlier ops\n");
  for (size_t i = tail_start; i < linearized_count; ++i) {
    absl::StrAppend(&out, "    ", FormatOperation(window.longest_linearization[i]), "\n");
  }
  absl::StrAppend(&out, "  could not linearize: ", FormatOperation(window.blocking), "\n");
  std::set<int64_t> linearized;
  for (const Operation& op : window.longest_linearization) linearized.insert(op.id);
  absl::StrAppend(&out, "  smallest bad window (", window.window.size(), " ops, by invocation):\n");
  for (const Operation& op : window.window) {
    absl::StrAppend(&out, "    ", FormatOperation(op), Marker(op, window, linearized), "\n");
  }
  return out;
}

std::string FormatCheckResult(const CheckResult& result) {
  std::string out = absl::StrCat("verdict: ", VerdictName(result.verdict), "\n");
  const bool list_all = result.keys.size() <= kKeysListedInFull;
  size_t linearizable_keys = 0;
  for (const KeyVerdict& key : result.keys) {
    if (key.verdict == Verdict::kLinearizable) {
      ++linearizable_keys;
      if (!list_all) continue;
    }
    absl::StrAppend(&out, "  key \"", key.key, "\": ", VerdictName(key.verdict), " (", key.ops,
                    " ops, ", key.states_explored, " states)");
    if (!key.unknown_reason.empty()) absl::StrAppend(&out, ": ", key.unknown_reason);
    absl::StrAppend(&out, "\n");
  }
  if (!list_all) {
    absl::StrAppend(&out, "  ", linearizable_keys, " of ", result.keys.size(),
                    " keys linearizable\n");
  }
  if (result.bad_window.has_value()) absl::StrAppend(&out, FormatBadWindow(*result.bad_window));
  return out;
}

}  // namespace raftkv::jepsen
