#include "tests/jepsen/checker/fencing_checker.h"

#include <map>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {
namespace {

constexpr size_t kMaxProblems = 20;

std::string Describe(const FencedWrite& write) {
  return absl::StrCat("\"", write.value, "\" (holder ", write.holder, ", token ", write.token, ", ",
                      OutcomeName(write.outcome), ")");
}

void Report(FencingCheckResult& result, std::string problem) {
  result.ok = false;
  if (result.problems.size() < kMaxProblems) result.problems.push_back(std::move(problem));
}

}  // namespace

FencingCheckResult CheckFencing(const std::vector<FencedWrite>& attempts,
                                const std::vector<CommittedWrite>& committed) {
  FencingCheckResult result;
  std::unordered_map<std::string, const FencedWrite*> by_value;
  std::map<int64_t, int> holder_of_token;
  for (const FencedWrite& attempt : attempts) {
    by_value[attempt.value] = &attempt;
    auto [it, inserted] = holder_of_token.emplace(attempt.token, attempt.holder);
    if (!inserted && it->second != attempt.holder) {
      Report(result, absl::StrCat("token ", attempt.token, " held by both holder ", it->second,
                                  " and holder ", attempt.holder));
    }
  }

  std::unordered_map<std::string, int64_t> committed_at;
  std::set<int64_t> tokens;
  const FencedWrite* previous = nullptr;
  int64_t previous_revision = 0;
  for (const CommittedWrite& write : committed) {
    ++result.committed;
    auto [it, first] = committed_at.emplace(write.value, write.revision);
    if (!first) {
      Report(result, absl::StrCat("\"", write.value, "\" committed twice (revisions ", it->second,
                                  " and ", write.revision, ")"));
    }
    auto attempt = by_value.find(write.value);
    if (attempt == by_value.end()) {
      Report(result, absl::StrCat("revision ", write.revision, ": \"", write.value,
                                  "\" was never attempted"));
      continue;
    }
    const FencedWrite& current = *attempt->second;
    tokens.insert(current.token);
    if (current.outcome == Outcome::kFail) {
      Report(result, absl::StrCat("revision ", write.revision,
                                  ": refused write committed: ", Describe(current)));
    }
    if (previous != nullptr && current.token < previous->token) {
      Report(result,
             absl::StrCat("fencing violated: revision ", write.revision, " ", Describe(current),
                          " after revision ", previous_revision, " ", Describe(*previous)));
    }
    previous = &current;
    previous_revision = write.revision;
  }
  result.tokens = static_cast<int64_t>(tokens.size());

  for (const FencedWrite& attempt : attempts) {
    if (attempt.outcome != Outcome::kOk) continue;
    auto it = committed_at.find(attempt.value);
    if (it == committed_at.end()) {
      Report(result, absl::StrCat("acknowledged write lost: ", Describe(attempt)));
    } else if (attempt.revision != 0 && it->second != attempt.revision) {
      Report(result, absl::StrCat("acknowledged at revision ", attempt.revision,
                                  " but committed at ", it->second, ": ", Describe(attempt)));
    }
  }
  return result;
}

}  // namespace raftkv::jepsen
