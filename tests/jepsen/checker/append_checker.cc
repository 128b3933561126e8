#include "tests/jepsen/checker/append_checker.h"

#include <unordered_map>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

// Keeps reports readable when one fault breaks thousands of operations the same way.
constexpr int kMaxProblemsPerKey = 10;

class KeyChecker {
 public:
  KeyChecker(const std::string& key, const std::vector<std::string>& final_list,
             AppendCheckResult& result)
      : key_(key), final_(final_list), result_(result) {}

  void Check(const std::vector<const Operation*>& appends,
             const std::vector<const Operation*>& reads) {
    IndexAppends(appends);
    CheckFinalElements();
    CheckAcknowledgedPresent(appends);
    CheckRealTimeOrder(appends);
    for (const Operation* read : reads) CheckRead(*read, appends);
  }

 private:
  void Report(std::string problem) {
    result_.ok = false;
    if (++reported_ <= kMaxProblemsPerKey) {
      result_.problems.push_back(absl::StrCat("key \"", key_, "\": ", problem));
    }
  }

  void IndexAppends(const std::vector<const Operation*>& appends) {
    for (const Operation* op : appends) {
      if (!op->input.empty() && op->input[0]) append_of_[*op->input[0]] = op;
    }
    for (size_t i = 0; i < final_.size(); ++i) position_.emplace(final_[i], i);
  }

  void CheckFinalElements() {
    std::unordered_map<std::string, int> count;
    for (const std::string& element : final_) {
      if (++count[element] == 2) Report(absl::StrCat("element \"", element, "\" appears twice"));
      auto it = append_of_.find(element);
      if (it == append_of_.end()) {
        Report(absl::StrCat("element \"", element, "\" was never appended"));
      } else if (it->second->outcome == Outcome::kFail) {
        Report(absl::StrCat("failed append is present: ", FormatOperation(*it->second)));
      }
    }
  }

  void CheckAcknowledgedPresent(const std::vector<const Operation*>& appends) {
    for (const Operation* op : appends) {
      if (op->outcome == Outcome::kOk && !position_.count(Element(*op))) {
        Report(absl::StrCat("acknowledged append lost: ", FormatOperation(*op)));
      }
    }
  }

  // a acknowledged before b invoked, both present => a before b.
  void CheckRealTimeOrder(const std::vector<const Operation*>& appends) {
    for (const Operation* a : appends) {
      if (a->outcome != Outcome::kOk) continue;
      auto pa = position_.find(Element(*a));
      if (pa == position_.end()) continue;
      for (const Operation* b : appends) {
        if (b->invoke_seq <= a->complete_seq) continue;
        auto pb = position_.find(Element(*b));
        if (pb != position_.end() && pb->second < pa->second) {
          Report(absl::StrCat("order: ", FormatOperation(*a), " was acknowledged before ",
                              FormatOperation(*b), " began, yet comes after it"));
        }
      }
    }
  }

  void CheckRead(const Operation& read, const std::vector<const Operation*>& appends) {
    if (read.outcome != Outcome::kOk) return;
    for (size_t i = 0; i < read.output.size(); ++i) {
      const std::string seen = read.output[i].value_or("");
      if (i >= final_.size() || final_[i] != seen) {
        Report(absl::StrCat("read is not a prefix of the final list at index ", i, ": ",
                            FormatOperation(read)));
        return;
      }
    }
    std::unordered_map<std::string, bool> in_read;
    for (const Value& v : read.output) in_read[v.value_or("")] = true;
    for (const Operation* a : appends) {
      const bool present = in_read.count(Element(*a)) > 0;
      if (a->outcome == Outcome::kOk && a->complete_seq < read.invoke_seq && !present) {
        Report(
            absl::StrCat("stale read misses ", FormatOperation(*a), ": ", FormatOperation(read)));
      }
      if (a->invoke_seq > read.complete_seq && present) {
        Report(absl::StrCat("read sees the future ", FormatOperation(*a), ": ",
                            FormatOperation(read)));
      }
    }
  }

  static std::string Element(const Operation& op) {
    return op.input.empty() ? "" : op.input[0].value_or("");
  }

  const std::string& key_;
  const std::vector<std::string>& final_;
  AppendCheckResult& result_;
  int reported_ = 0;
  std::unordered_map<std::string, const Operation*> append_of_;
  std::unordered_map<std::string, size_t> position_;  // first position in the final list
};

}  // namespace

AppendCheckResult CheckAppendHistory(
    const std::vector<Operation>& ops,
    const std::map<std::string, std::vector<std::string>>& final_lists) {
  std::map<std::string, std::vector<const Operation*>> appends;
  std::map<std::string, std::vector<const Operation*>> reads;
  for (const Operation& op : ops) {
    if (op.type == OpType::kAppend) appends[op.key].push_back(&op);
    if (op.type == OpType::kRead) reads[op.key].push_back(&op);
  }
  AppendCheckResult result;
  static const std::vector<std::string> kEmpty;
  std::map<std::string, bool> keys;
  for (const auto& [key, unused] : appends) keys[key] = true;
  for (const auto& [key, unused] : final_lists) keys[key] = true;
  for (const auto& [key, unused] : keys) {
    auto final_it = final_lists.find(key);
    KeyChecker checker(key, final_it == final_lists.end() ? kEmpty : final_it->second, result);
    checker.Check(appends[key], reads[key]);
  }
  return result;
}

}  // namespace raftkv::jepsen
