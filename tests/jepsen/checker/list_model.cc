#include "tests/jepsen/checker/list_model.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftkv::jepsen {
namespace {

// Encoding: each element as "<length>:<bytes>", concatenated, so that element boundaries
// are unambiguous and equal lists have equal encodings.
std::string EncodeElement(const std::string& element) {
  return absl::StrCat(element.size(), ":", element);
}

std::optional<ModelState> EncodeList(const std::vector<Value>& elements) {
  ModelState state;
  for (const Value& element : elements) {
    if (!element.has_value()) return std::nullopt;
    state += EncodeElement(*element);
  }
  return state;
}

std::vector<std::string> DecodeList(const ModelState& state) {
  std::vector<std::string> elements;
  size_t pos = 0;
  while (pos < state.size()) {
    const size_t colon = state.find(':', pos);
    if (colon == std::string::npos) break;
    const size_t length = std::stoul(state.substr(pos, colon - pos));
    elements.push_back(state.substr(colon + 1, length));
    pos = colon + 1 + length;
  }
  return elements;
}

}  // namespace

std::optional<ModelState> ListModel::Step(const ModelState& state, const Operation& op) const {
  switch (op.type) {
    case OpType::kRead: {
      std::optional<ModelState> observed = EncodeList(op.output);
      if (!observed.has_value() || *observed != state) return std::nullopt;
      return state;
    }
    case OpType::kAppend:
      if (op.input.size() != 1 || !op.input[0].has_value()) return std::nullopt;
      return state + EncodeElement(*op.input[0]);
    case OpType::kWrite:
    case OpType::kCas:
      return std::nullopt;
  }
  return std::nullopt;
}

// Reads return the whole list, so an appended element no read ever contained makes every
// read after it fail: leaving the append out is always at least as good.
bool ListModel::IsUnobservable(const Operation& info_op,
                               const std::vector<Operation>& key_ops) const {
  if (info_op.type != OpType::kAppend || info_op.input.size() != 1) return false;
  for (const Operation& op : key_ops) {
    if (op.type != OpType::kRead || op.outcome != Outcome::kOk) continue;
    for (const Value& element : op.output) {
      if (element == info_op.input[0]) return false;
    }
  }
  return true;
}

std::string ListModel::DescribeState(const ModelState& state) const {
  return absl::StrCat("[",
                      absl::StrJoin(DecodeList(state), ", ",
                                    [](std::string* out, const std::string& e) {
                                      absl::StrAppend(out, "\"", e, "\"");
                                    }),
                      "]");
}

}  // namespace raftkv::jepsen
