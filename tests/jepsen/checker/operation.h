// One client operation of a Jepsen-style history: what was asked, what was observed, and when.
#ifndef RAFTKV_TESTS_JEPSEN_CHECKER_OPERATION_H_
#define RAFTKV_TESTS_JEPSEN_CHECKER_OPERATION_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftkv::jepsen {

// A value stored under a key; nullopt is "nil" (the key does not exist).
using Value = std::optional<std::string>;

enum class OpType {
  kRead,    // output: {value} for a register, the whole list for a list
  kWrite,   // input: {value}
  kCas,     // input: {expected, new}; ok means the swap happened
  kAppend,  // input: {value}; appends to a list
};

enum class Outcome {
  kOk,    // happened, between invoke and complete, with the recorded output
  kFail,  // definitely did not happen
  kInfo,  // indeterminate: may have happened at any time after invoke, or never
};

// Sequence numbers order all invoke/complete events of a history; an indeterminate
// operation never completes, so its completion is +infinity.
inline constexpr int64_t kNeverCompleted = std::numeric_limits<int64_t>::max();

struct Operation {
  int64_t id = 0;
  int process = 0;
  std::string key;
  OpType type = OpType::kRead;
  std::vector<Value> input;
  std::vector<Value> output;
  Outcome outcome = Outcome::kOk;
  int64_t invoke_seq = 0;
  int64_t complete_seq = kNeverCompleted;
  // Wall-clock (steady clock) nanoseconds, for humans only; ordering uses the seqs.
  int64_t invoke_ns = 0;
  int64_t complete_ns = 0;
};

std::string OpTypeName(OpType type);
absl::StatusOr<OpType> ParseOpType(const std::string& name);
std::string OutcomeName(Outcome outcome);
absl::StatusOr<Outcome> ParseOutcome(const std::string& name);

// Quotes a value for display: "abc" or nil.
std::string FormatValue(const Value& value);

// One readable line, e.g. `#17 p3 read "x" -> "0" [40..44] ok`.
std::string FormatOperation(const Operation& op);

}  // namespace raftkv::jepsen

#endif  // RAFTKV_TESTS_JEPSEN_CHECKER_OPERATION_H_
