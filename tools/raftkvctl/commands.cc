// What every command shares: the interruption flag and error reporting.
#include "tools/raftkvctl/commands.h"

#include <iostream>

namespace raftkv::ctl {

std::atomic<bool> g_interrupted{false};

int Fail(const absl::Status& status) {
  std::cerr << "Error: " << status.message() << std::endl;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitBadConnection;
    case absl::StatusCode::kInvalidArgument:
      return kExitInvalidInput;
    default:
      return kExitError;
  }
}

int BadArgs(const std::string& usage) {
  std::cerr << "Error: usage: raftkvctl " << usage << std::endl;
  return kExitBadArgs;
}

}  // namespace raftkv::ctl
