#include "tests/jepsen/checker/register_model.h"

namespace raftkv::jepsen {
namespace {

// Encoding: "" is nil, "=" + bytes is a value (so that the empty string differs from nil).
ModelState Encode(const Value& value) { return value.has_value() ? "=" + *value : ""; }

Value Decode(const ModelState& state) {
  if (state.empty()) return std::nullopt;
  return state.substr(1);
}

}  // namespace

ModelState RegisterModel::Initial() const { return Encode(std::nullopt); }

std::optional<ModelState> RegisterModel::Step(const ModelState& state, const Operation& op) const {
  switch (op.type) {
    case OpType::kRead:
      if (op.output.empty()) return state;
      if (op.output.size() != 1 || Encode(op.output[0]) != state) return std::nullopt;
      return state;
    case OpType::kWrite:
      if (op.input.size() != 1) return std::nullopt;
      return Encode(op.input[0]);
    case OpType::kCas:
      if (op.input.size() != 2 || Encode(op.input[0]) != state) return std::nullopt;
      return Encode(op.input[1]);
    case OpType::kAppend:
      return std::nullopt;
  }
  return std::nullopt;
}

// A write or cas only sets the value; if no read returned it and no cas expected it, a
// linearization that includes the op can only be followed (until another write) by ops
// that would also succeed without it.
bool RegisterModel::IsUnobservable(const Operation& info_op,
                                   const std::vector<Operation>& key_ops) const {
  Value written;
  if (info_op.type == OpType::kWrite && info_op.input.size() == 1) {
    written = info_op.input[0];
  } else if (info_op.type == OpType::kCas && info_op.input.size() == 2) {
    written = info_op.input[1];
  } else {
    return false;
  }
  for (const Operation& op : key_ops) {
    if (op.outcome == Outcome::kFail) continue;
    if (op.type == OpType::kRead && op.outcome == Outcome::kOk && op.output.size() == 1 &&
        op.output[0] == written) {
      return false;
    }
    if (op.type == OpType::kCas && !op.input.empty() && op.input[0] == written) return false;
  }
  return true;
}

std::string RegisterModel::DescribeState(const ModelState& state) const {
  return FormatValue(Decode(state));
}

}  // namespace raftkv::jepsen
