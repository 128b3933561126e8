#include "tests/jepsen/checker/operation.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftkv::jepsen {

std::string OpTypeName(OpType type) {
  switch (type) {
    case OpType::kRead:
      return "read";
    case OpType::kWrite:
      return "write";
    case OpType::kCas:
      return "cas";
    case OpType::kAppend:
      return "append";
  }
  return "unknown";
}

absl::StatusOr<OpType> ParseOpType(const std::string& name) {
  for (OpType type : {OpType::kRead, OpType::kWrite, OpType::kCas, OpType::kAppend}) {
    if (OpTypeName(type) == name) return type;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown operation type \"", name, "\""));
}

std::string OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFail:
      return "fail";
    case Outcome::kInfo:
      return "info";
  }
  return "unknown";
}

absl::StatusOr<Outcome> ParseOutcome(const std::string& name) {
  for (Outcome outcome : {Outcome::kOk, Outcome::kFail, Outcome::kInfo}) {
    if (OutcomeName(outcome) == name) return outcome;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown outcome \"", name, "\""));
}

std::string FormatValue(const Value& value) {
  if (!value.has_value()) return "nil";
  return absl::StrCat("\"", *value, "\"");
}

namespace {

std::string FormatValues(const std::vector<Value>& values) {
  return absl::StrJoin(
      values, ", ", [](std::string* out, const Value& value) { out->append(FormatValue(value)); });
}

std::string FormatArguments(const Operation& op) {
  switch (op.type) {
    case OpType::kRead:
      if (op.outcome != Outcome::kOk) return "";
      if (op.output.size() == 1) return absl::StrCat(" -> ", FormatValue(op.output[0]));
      return absl::StrCat(" -> [", FormatValues(op.output), "]");
    case OpType::kCas:
      if (op.input.size() == 2) {
        return absl::StrCat(" ", FormatValue(op.input[0]), " -> ", FormatValue(op.input[1]));
      }
      return absl::StrCat(" ", FormatValues(op.input));
    case OpType::kWrite:
    case OpType::kAppend:
      return absl::StrCat(" ", FormatValues(op.input));
  }
  return "";
}

std::string FormatInterval(const Operation& op) {
  std::string end =
      op.complete_seq == kNeverCompleted ? "inf)" : absl::StrCat(op.complete_seq, "]");
  return absl::StrCat("[", op.invoke_seq, "..", end);
}

}  // namespace

std::string FormatOperation(const Operation& op) {
  return absl::StrCat("#", op.id, " p", op.process, " ", OpTypeName(op.type), " \"", op.key, "\"",
                      FormatArguments(op), " ", FormatInterval(op), " ", OutcomeName(op.outcome));
}

}  // namespace raftkv::jepsen
