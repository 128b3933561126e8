// Runs a command to completion (e.g. etcdctl) and returns its exit code and output.
#ifndef RAFTKV_TESTS_HARNESS_COMMAND_H_
#define RAFTKV_TESTS_HARNESS_COMMAND_H_

#include <chrono>
#include <string>
#include <vector>

namespace raftkv::harness {

struct CommandResult {
  int exit_code = -1;  // -1: did not exit normally (killed at the timeout, or signalled)
  std::string out;
  std::string err;
};

struct CommandOptions {
  std::string stdin_data;
  std::vector<std::string> extra_env;  // "NAME=value", added to the inherited environment
  std::chrono::milliseconds timeout{30000};
};

CommandResult RunCommand(const std::vector<std::string>& argv, const CommandOptions& options = {});

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_COMMAND_H_
