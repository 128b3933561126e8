#include "tools/raftkvctl/args.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace raftkv::ctl {
namespace {

const std::set<std::string>& ValueFlags() {
  static const auto* flags = new std::set<std::string>{
      "endpoints",    "write-out",       "lease",    "limit",          "rev",
      "sort-by",      "order",           "ttl",      "meta",           "consistency",
      "dial-timeout", "command-timeout", "root",     "max-create-rev", "min-create-rev",
      "max-mod-rev",  "min-mod-rev",     "peer-urls"};
  return *flags;
}

}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& words) {
  Args args;
  bool flags_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    if (flags_done || word.size() < 2 || word[0] != '-') {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_done = true;
      continue;
    }
    if (word == "-w") word = "--write-out";
    std::string name = word.substr(word[1] == '-' ? 2 : 1);
    std::string value = "true";
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (ValueFlags().count(name) != 0) {
      if (i + 1 >= words.size()) return absl::InvalidArgumentError("--" + name + " needs a value");
      value = words[++i];
    }
    args.flags_.emplace(name, value);
  }
  return args;
}

std::string Args::Get(const std::string& flag, const std::string& fallback) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? fallback : it->second;
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  std::vector<std::string> values;
  for (auto [it, end] = flags_.equal_range(flag); it != end; ++it) values.push_back(it->second);
  return values;
}

absl::StatusOr<int64_t> Args::GetInt(const std::string& flag, int64_t fallback) const {
  if (!Has(flag)) return fallback;
  int64_t value;
  const std::string text = Get(flag);
  // Lease ids are printed in hex, as etcdctl does; accept both.
  if (absl::SimpleAtoi(text, &value)) return value;
  uint64_t hex;
  if (absl::SimpleHexAtoi(text, &hex)) return static_cast<int64_t>(hex);
  return absl::InvalidArgumentError("--" + flag + " is not a number: " + text);
}

}  // namespace raftkv::ctl
