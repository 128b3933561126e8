// Command-line arguments of raftkvctl: positional words and --flags (etcdctl's spelling).
#ifndef RAFTKV_TOOLS_RAFTKVCTL_ARGS_H_
#define RAFTKV_TOOLS_RAFTKVCTL_ARGS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftkv::ctl {

// etcdctl's exit codes.
enum ExitCode {
  kExitSuccess = 0,
  kExitError = 1,
  kExitBadConnection = 2,
  kExitInvalidInput = 3,
  kExitInterrupted = 5,
  kExitIO = 6,
  kExitBadArgs = 128,
};

class Args {
 public:
  // Flags in `value_flags` take the next word as value unless written --flag=value;
  // other flags are booleans. "-w" is --write-out. "--" ends flag parsing.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& words);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& flag) const { return flags_.count(flag) != 0; }
  std::string Get(const std::string& flag, const std::string& fallback = "") const;
  // Every value given for a repeatable flag (e.g. --meta k=v --meta k2=v2).
  std::vector<std::string> GetAll(const std::string& flag) const;
  absl::StatusOr<int64_t> GetInt(const std::string& flag, int64_t fallback) const;

 private:
  std::vector<std::string> positional_;
  std::multimap<std::string, std::string> flags_;
};

}  // namespace raftkv::ctl

#endif  // RAFTKV_TOOLS_RAFTKVCTL_ARGS_H_
