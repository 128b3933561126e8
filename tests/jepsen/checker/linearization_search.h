// Wing & Gong's linearizability search with Lowe's improvements, for the operations of one
// key (P-compositionality lets the checker search each key on its own).
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZATION_SEARCH_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZATION_SEARCH_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/jepsen/checker/model.h"
#include "tests/jepsen/checker/operation.h"

namespace raftkv::jepsen {

enum class Verdict { kLinearizable, kNotLinearizable, kUnknown };

std::string VerdictName(Verdict verdict);

struct SearchLimits {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Bound on memoized (linearized set, state) pairs, i.e. on memory.
  int64_t max_states = 10'000'000;
};

// The furthest the search got: the longest partial linearization it built, and the
// operation whose completion it then reached without being able to linearize it.
struct DeepestFailure {
  std::vector<size_t> linearization;  // indices into the searched ops, in linearized order
  size_t blocking = 0;                // index of the op that could not be linearized
};

struct SearchResult {
  Verdict verdict = Verdict::kUnknown;
  int64_t states_explored = 0;
  std::optional<DeepestFailure> failure;  // set when kNotLinearizable
  std::string unknown_reason;             // set when kUnknown
};

// `ops` must be ok or info operations (fail operations never happened and must be removed
// beforehand). Info operations have no completion: the search may linearize them anywhere
// after their invocation, or leave them out.
SearchResult SearchLinearization(const std::vector<Operation>& ops, const Model& model,
                                 const SearchLimits& limits);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_LINEARIZATION_SEARCH_H_
