#include "tests/jepsen/checker/linearizability_checker.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

absl::Status Validate(const Operation& op) {
  if (op.outcome == Outcome::kOk && op.complete_seq == kNeverCompleted) {
    return absl::InvalidArgumentError(
        absl::StrCat("operation #", op.id, " is ok but has no completion"));
  }
  if (op.complete_seq < op.invoke_seq) {
    return absl::InvalidArgumentError(
        absl::StrCat("operation #", op.id, " completes before it is invoked"));
  }
  return absl::OkStatus();
}

// A failed op did not happen, and an indeterminate read changes nothing and observed
// nothing: neither constrains the search, so both are dropped.
bool Matters(const Operation& op) {
  if (op.outcome == Outcome::kFail) return false;
  if (op.outcome == Outcome::kInfo && op.type == OpType::kRead) return false;
  return true;
}

// P-compositionality: a history is linearizable iff each key's sub-history is.
std::map<std::string, std::vector<Operation>> PartitionByKey(
    const std::vector<Operation>& history) {
  std::map<std::string, std::vector<Operation>> partitions;
  for (const Operation& op : history) {
    if (Matters(op)) partitions[op.key].push_back(op);
  }
  for (auto& [key, ops] : partitions) {
    std::stable_sort(ops.begin(), ops.end(), [](const Operation& a, const Operation& b) {
      return a.invoke_seq < b.invoke_seq;
    });
  }
  return partitions;
}

bool Overlaps(const Operation& op, int64_t start, int64_t end) {
  return op.invoke_seq <= end && op.complete_seq >= start;
}

BadWindow ExplainFailure(const std::string& key, const std::vector<Operation>& ops,
                         const DeepestFailure& failure, const Model& model) {
  BadWindow window;
  window.key = key;
  window.ops_in_key = ops.size();
  window.blocking = ops[failure.blocking];
  ModelState state = model.Initial();
  for (size_t index : failure.linearization) {
    const Operation& op = ops[index];
    // The search applied exactly these steps, so they succeed again.
    ModelState next = model.Step(state, op).value_or(state);
    // Only a change that completed before the blocking op began is forced to precede it;
    // concurrent changes could have been ordered after it, so they explain nothing.
    if (next != state && op.complete_seq < window.blocking.invoke_seq) {
      window.last_state_change = op;
    }
    state = std::move(next);
    window.longest_linearization.push_back(op);
  }
  window.state_after = model.DescribeState(state);
  const int64_t start =
      window.last_state_change.has_value()
          ? std::min(window.last_state_change->invoke_seq, window.blocking.invoke_seq)
          : window.blocking.invoke_seq;
  const int64_t end = window.blocking.complete_seq;
  for (const Operation& op : ops) {
    if (Overlaps(op, start, end)) window.window.push_back(op);
  }
  return window;
}

std::vector<Operation> WithoutUnobservableInfoOps(const std::vector<Operation>& ops,
                                                  const Model& model) {
  std::vector<Operation> kept;
  for (const Operation& op : ops) {
    if (op.outcome == Outcome::kInfo && model.IsUnobservable(op, ops)) continue;
    kept.push_back(op);
  }
  return kept;
}

KeyVerdict CheckKey(const std::string& key, const std::vector<Operation>& all_ops,
                    const Model& model, const SearchLimits& limits) {
  const std::vector<Operation> ops = WithoutUnobservableInfoOps(all_ops, model);
  KeyVerdict verdict;
  verdict.key = key;
  verdict.ops = ops.size();
  SearchResult result = SearchLinearization(ops, model, limits);
  verdict.verdict = result.verdict;
  verdict.states_explored = result.states_explored;
  verdict.unknown_reason = result.unknown_reason;
  if (result.failure.has_value()) {
    verdict.bad_window = ExplainFailure(key, ops, *result.failure, model);
  }
  return verdict;
}

Verdict Combine(Verdict overall, Verdict key) {
  if (overall == Verdict::kNotLinearizable || key == Verdict::kNotLinearizable) {
    return Verdict::kNotLinearizable;
  }
  if (overall == Verdict::kUnknown || key == Verdict::kUnknown) return Verdict::kUnknown;
  return Verdict::kLinearizable;
}

}  // namespace

absl::StatusOr<CheckResult> CheckLinearizability(const std::vector<Operation>& history,
                                                 const Model& model, const CheckOptions& options) {
  for (const Operation& op : history) {
    absl::Status status = Validate(op);
    if (!status.ok()) return status;
  }
  SearchLimits limits;
  limits.deadline = std::chrono::steady_clock::now() + options.time_limit;
  limits.max_states = options.max_states_per_key;

  CheckResult result;
  result.verdict = Verdict::kLinearizable;
  for (const auto& [key, ops] : PartitionByKey(history)) {
    KeyVerdict verdict = CheckKey(key, ops, model, limits);
    result.verdict = Combine(result.verdict, verdict.verdict);
    if (verdict.bad_window.has_value() &&
        (!result.bad_window.has_value() ||
         verdict.bad_window->window.size() < result.bad_window->window.size())) {
      result.bad_window = verdict.bad_window;
    }
    result.keys.push_back(std::move(verdict));
  }
  return result;
}

}  // namespace raftkv::jepsen
