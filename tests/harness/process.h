// A child process for end-to-end tests: spawned with arguments, output captured to a
// log file, stopped with SIGTERM (then SIGKILL after a deadline).
#ifndef RAFTKV_TESTS_HARNESS_PROCESS_H_
#define RAFTKV_TESTS_HARNESS_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftkv::harness {

class Process {
 public:
  // Starts argv[0] (a path) with stdout and stderr appended to `log_path`.
  static absl::StatusOr<std::unique_ptr<Process>> Spawn(const std::vector<std::string>& argv,
                                                        const std::string& log_path);
  ~Process();  // kills the process if still running

  pid_t pid() const { return pid_; }
  bool Running();
  // SIGTERM, then waits up to `grace`; SIGKILL if still running. Returns the wait status.
  int Terminate(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL and reap.
  int Kill();
  // Waits for exit up to `timeout`; nullopt if still running.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);
  // Everything the process has written so far.
  std::string Log() const;

 private:
  Process(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  std::optional<int> wait_status_;
};

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_PROCESS_H_
