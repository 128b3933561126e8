// One etcd-compatible server process (raftkv or the reference etcd) on free local
// ports with its own data directory, ready to serve when Start returns.
#ifndef RAFTKV_TESTS_HARNESS_MEMBER_PROCESS_H_
#define RAFTKV_TESTS_HARNESS_MEMBER_PROCESS_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/harness/process.h"

namespace raftkv::harness {

struct MemberOptions {
  std::string binary;    // path to raftkv or etcd
  std::string data_dir;  // must exist; the member uses <data_dir>/member-data
  std::string name = "default";
  int client_port = 0;  // 0: pick a free port
  int peer_port = 0;    // 0: pick a free port
  std::vector<std::string> extra_flags;
  std::chrono::milliseconds ready_timeout{30000};
};

class MemberProcess {
 public:
  // Starts the member and waits until `etcdctl endpoint health` succeeds.
  static absl::StatusOr<std::unique_ptr<MemberProcess>> Start(const MemberOptions& options);

  // "127.0.0.1:<client port>"
  const std::string& endpoint() const { return endpoint_; }
  const MemberOptions& options() const { return options_; }
  Process& process() { return *process_; }

  // SIGTERM with a grace period; returns the wait status.
  int Stop() { return process_->Terminate(); }

 private:
  MemberProcess(MemberOptions options, std::unique_ptr<Process> process, std::string endpoint)
      : options_(std::move(options)),
        process_(std::move(process)),
        endpoint_(std::move(endpoint)) {}

  MemberOptions options_;
  std::unique_ptr<Process> process_;
  std::string endpoint_;
};

}  // namespace raftkv::harness

#endif  // RAFTKV_TESTS_HARNESS_MEMBER_PROCESS_H_
