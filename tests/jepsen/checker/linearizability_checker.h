// Checks a recorded history for linearizability against a model, key by key, and explains
// a violation with the smallest window of operations around the point where it breaks.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZABILITY_CHECKER_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZABILITY_CHECKER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/jepsen/checker/linearization_search.h"
#include "tests/jepsen/checker/model.h"
#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

struct CheckOptions {
  // For the whole history; past it the verdict is kUnknown rather than a hang.
  std::chrono::milliseconds time_limit = std::chrono::seconds(60);
  // Per key: memoized search states (bounds memory).
  int64_t max_states_per_key = 5'000'000;
};

// Why a key is not linearizable, around the point where the search could not go further.
struct BadWindow {
  std::string key;
  size_t ops_in_key = 0;  // ok + info operations of the key (fail ops never happened)
  // The longest partial linearization found: ops in linearized order, then the model state.
  std::vector<Operation> longest_linearization;
  std::string state_after;
  // The op whose completion the search reached without being able to linearize it.
  Operation blocking;
  // The last linearized op that changed the state and completed before the blocking op
  // was invoked: it must precede the blocking op, which contradicts it.
  std::optional<Operation> last_state_change;
  // Every op overlapping [start of last_state_change (or of blocking) .. end of blocking],
  // by invocation time: the shortest contiguous stretch of history showing the problem.
  std::vector<Operation> window;
};

struct KeyVerdict {
  std::string key;
  Verdict verdict = Verdict::kUnknown;
  size_t ops = 0;
  int64_t states_explored = 0;
  std::string unknown_reason;
  std::optional<BadWindow> bad_window;
};

struct CheckResult {
  Verdict verdict = Verdict::kUnknown;
  std::vector<KeyVerdict> keys;  // in key order
  // The smallest window among the keys that are not linearizable.
  std::optional<BadWindow> bad_window;
};

// Fails (InvalidArgument) only on malformed input, e.g. an ok op without a completion.
absl::StatusOr<CheckResult> CheckLinearizability(const std::vector<Operation>& history,
                                                 const Model& model,
                                                 const CheckOptions& options = {});

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZABILITY_CHECKER_H_
