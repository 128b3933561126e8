#include "tests/jepsen/checker/history_json.h"

#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace raftkv::jepsen {
namespace {

using nlohmann::json;

json ValuesToJson(const std::vector<Value>& values) {
  json array = json::array();
  for (const Value& value : values) {
    array.push_back(value.has_value() ? json(*value) : json(nullptr));
  }
  return array;
}

absl::StatusOr<std::vector<Value>> ValuesFromJson(const json& object, const char* field) {
  std::vector<Value> values;
  if (!object.contains(field)) return values;
  const json& array = object.at(field);
  if (!array.is_array()) return absl::InvalidArgumentError(absl::StrCat(field, " is not an array"));
  for (const json& item : array) {
    if (item.is_null()) {
      values.emplace_back(std::nullopt);
    } else if (item.is_string()) {
      values.emplace_back(item.get<std::string>());
    } else {
      return absl::InvalidArgumentError(absl::StrCat(field, " holds a non-string value"));
    }
  }
  return values;
}

absl::StatusOr<int64_t> IntegerField(const json& object, const char* field, int64_t fallback) {
  if (!object.contains(field) || object.at(field).is_null()) return fallback;
  if (!object.at(field).is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not an integer"));
  }
  return object.at(field).get<int64_t>();
}

absl::StatusOr<std::string> StringField(const json& object, const char* field) {
  if (!object.contains(field) || !object.at(field).is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("missing string field ", field));
  }
  return object.at(field).get<std::string>();
}

absl::Status CheckInterval(const Operation& op) {
  if (op.outcome == Outcome::kOk && op.complete_seq == kNeverCompleted) {
    return absl::InvalidArgumentError("an ok operation needs a complete_seq");
  }
  if (op.complete_seq < op.invoke_seq) {
    return absl::InvalidArgumentError("complete_seq precedes invoke_seq");
  }
  return absl::OkStatus();
}

}  // namespace

std::string OperationToJsonLine(const Operation& op) {
  json line = {
      {"id", op.id},
      {"process", op.process},
      {"key", op.key},
      {"type", OpTypeName(op.type)},
      {"input", ValuesToJson(op.input)},
      {"output", ValuesToJson(op.output)},
      {"outcome", OutcomeName(op.outcome)},
      {"invoke_seq", op.invoke_seq},
      {"complete_seq", op.complete_seq == kNeverCompleted ? json(nullptr) : json(op.complete_seq)},
      {"invoke_ns", op.invoke_ns},
      {"complete_ns", op.complete_ns},
  };
  return line.dump();
}

absl::StatusOr<Operation> OperationFromJsonLine(const std::string& line) {
  const json object = json::parse(line, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  Operation op;
  absl::StatusOr<int64_t> id = IntegerField(object, "id", -1);
  absl::StatusOr<int64_t> process = IntegerField(object, "process", 0);
  absl::StatusOr<std::string> key = StringField(object, "key");
  absl::StatusOr<std::string> type = StringField(object, "type");
  absl::StatusOr<std::string> outcome = StringField(object, "outcome");
  absl::StatusOr<int64_t> invoke_seq = IntegerField(object, "invoke_seq", -1);
  absl::StatusOr<int64_t> complete_seq = IntegerField(object, "complete_seq", kNeverCompleted);
  absl::StatusOr<int64_t> invoke_ns = IntegerField(object, "invoke_ns", 0);
  absl::StatusOr<int64_t> complete_ns = IntegerField(object, "complete_ns", 0);
  for (const absl::Status& status :
       {id.status(), process.status(), key.status(), type.status(), outcome.status(),
        invoke_seq.status(), complete_seq.status(), invoke_ns.status(), complete_ns.status()}) {
    if (!status.ok()) return status;
  }
  if (*id < 0 || *invoke_seq < 0) return absl::InvalidArgumentError("missing id or invoke_seq");
  absl::StatusOr<OpType> parsed_type = ParseOpType(*type);
  if (!parsed_type.ok()) return parsed_type.status();
  absl::StatusOr<Outcome> parsed_outcome = ParseOutcome(*outcome);
  if (!parsed_outcome.ok()) return parsed_outcome.status();
  absl::StatusOr<std::vector<Value>> input = ValuesFromJson(object, "input");
  if (!input.ok()) return input.status();
  absl::StatusOr<std::vector<Value>> output = ValuesFromJson(object, "output");
  if (!output.ok()) return output.status();

  op.id = *id;
  op.process = static_cast<int>(*process);
  op.key = *key;
  op.type = *parsed_type;
  op.outcome = *parsed_outcome;
  op.input = *std::move(input);
  op.output = *std::move(output);
  op.invoke_seq = *invoke_seq;
  // An indeterminate operation is open-ended whatever the file says about its completion.
  op.complete_seq = op.outcome == Outcome::kInfo ? kNeverCompleted : *complete_seq;
  op.invoke_ns = *invoke_ns;
  op.complete_ns = *complete_ns;
  absl::Status interval = CheckInterval(op);
  if (!interval.ok()) return interval;
  return op;
}

std::string HistoryToJsonLines(const std::vector<Operation>& ops) {
  std::string text;
  for (const Operation& op : ops) absl::StrAppend(&text, OperationToJsonLine(op), "\n");
  return text;
}

absl::StatusOr<std::vector<Operation>> HistoryFromJsonLines(const std::string& text) {
  std::vector<Operation> ops;
  std::istringstream stream(text);
  std::string line;
  for (int line_number = 1; std::getline(stream, line); ++line_number) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<Operation> op = OperationFromJsonLine(line);
    if (!op.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", op.status().message()));
    }
    ops.push_back(*std::move(op));
  }
  return ops;
}

}  // namespace raftkv::jepsen
