#include "tests/jepsen/checker/registration_checker.h"

#include "absl/strings/str_cat.h"

namespace raftkv::jepsen {

std::vector<std::string> CompareRegistrations(const std::string& view,
                                              const std::set<std::string>& live,
                                              const std::set<std::string>& stopped,
                                              const std::set<std::string>& seen) {
  std::vector<std::string> problems;
  for (const std::string& id : live) {
    if (!seen.count(id)) problems.push_back(absl::StrCat(view, ": live instance ", id, " missing"));
  }
  for (const std::string& id : seen) {
    if (live.count(id)) continue;
    problems.push_back(absl::StrCat(view, ": ", stopped.count(id) ? "stopped" : "unknown",
                                    " instance ", id, " still listed"));
  }
  return problems;
}

}  // namespace raftkv::jepsen
